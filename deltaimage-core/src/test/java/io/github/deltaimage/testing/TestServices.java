package io.github.deltaimage.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The services of {@code ./run services env} by name, for image tests. The skip-or-fail rule is
 * {@link TestEnvironment}'s: skip when missing, fail under {@code DELTAIMAGE_TEST_REQUIRE_ALL=1}.
 */
public final class TestServices {
  private TestServices() {}

  /** Login to the htpasswd registry. */
  public record AuthRegistry(String host, String user, String password) {}

  /** {@code DOCKER_HOST} of the test daemon (docker-java reads it from the environment too). */
  public static String dockerHost() {
    return require("DOCKER_HOST", "a Docker daemon");
  }

  /** {@code 127.0.0.1:PORT} of the plain registry. */
  public static String registry() {
    return require("DELTAIMAGE_TEST_REGISTRY", "the plain test registry");
  }

  public static AuthRegistry authRegistry() {
    return new AuthRegistry(
        require("DELTAIMAGE_TEST_AUTH_REGISTRY", "the htpasswd test registry"),
        require("DELTAIMAGE_TEST_AUTH_USER", "the htpasswd test registry's user"),
        require("DELTAIMAGE_TEST_AUTH_PASSWORD", "the htpasswd test registry's password"));
  }

  /** The fixture images (deltaimage-test/debian:old|new, app:1.0|1.1) are in the daemon; returns DOCKER_HOST. */
  public static String imagesInDaemon() {
    String host = dockerHost();
    require("DELTAIMAGE_TEST_IMAGES_READY", "the fixture images (./run fixtures)");
    return host;
  }

  /** A program on PATH that some checks run (skopeo, umoci, docker). */
  public static String tool(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, name))) {
        return java.nio.file.Path.of(dir, name).toString();
      }
    }
    missing(name + " on PATH");
    return null;
  }

  private static String require(String variable, String what) {
    return TestEnvironment.require(variable);
  }

  private static void missing(String what) {
    String why = "needs " + what + "; install it (./run test does)";
    if ("1".equals(System.getenv("DELTAIMAGE_TEST_REQUIRE_ALL"))) {
      fail(why);
    }
    assumeTrue(false, why);
  }
}
