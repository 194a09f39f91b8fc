package io.github.deltaimage.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real components a test needs, as {@code ./run test} provides them through environment variables.
 * Missing ones skip the test on a developer's machine, and fail it under {@code ./run test}
 * ({@code DELTAIMAGE_TEST_REQUIRE_ALL=1}), so that CI never passes by skipping.
 */
public final class TestEnvironment {

  private TestEnvironment() {}

  /** The value of {@code name}, which must be set. */
  public static String require(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      String why = name + " is not set (./run test sets it)";
      if ("1".equals(System.getenv("DELTAIMAGE_TEST_REQUIRE_ALL"))) {
        fail(why);
      }
      assumeTrue(false, why);
    }
    return value;
  }

  /** The directory named by {@code name}, which must exist. */
  public static Path requireDirectory(String name) {
    Path dir = Path.of(require(name));
    if (!Files.isDirectory(dir)) {
      fail(name + "=" + dir + " is not a directory");
    }
    return dir;
  }

  /** Whether this JVM runs as root (needed to chown, mknod and set security.* attributes). */
  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Requires root, with the same skip-or-fail rule. */
  public static void requireRoot() {
    if (!isRoot()) {
      String why = "needs root (./run test runs as root)";
      if ("1".equals(System.getenv("DELTAIMAGE_TEST_REQUIRE_ALL"))) {
        fail(why);
      }
      assumeTrue(false, why);
    }
  }

  /** Runs a command and fails the test when it fails. */
  public static void run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        fail(String.join(" ", command) + " failed: " + output);
      }
    } catch (Exception e) {
      throw new AssertionError("cannot run " + String.join(" ", command), e);
    }
  }
}
