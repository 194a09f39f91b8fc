package io.github.deltaimage.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The docker CLI (Debian's, which matches the test daemon) against {@code DOCKER_HOST}, with the
 * legacy builder: what users of {@code docker-file} run.
 */
final class Docker {

  static final String CLI =
      System.getenv().getOrDefault("DELTAIMAGE_DOCKER_CLI", "/usr/bin/docker");

  private Docker() {}

  record Result(int exit, String out, String err) {}

  /** Runs {@code command} (docker or anything else) with {@code stdin}; never fails by itself. */
  static Result exec(List<String> command, String stdin, Path directory) {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    Map<String, String> env = builder.environment();
    env.put("DOCKER_BUILDKIT", "0");
    env.put("TZ", "UTC");
    try {
      Process process = builder.start();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread errReader = drain(process.getErrorStream(), err);
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(15, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail(String.join(" ", command) + " did not finish within 15 minutes");
      }
      errReader.join();
      return new Result(
          process.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** {@code docker ARGS...}; fails the test when docker fails, and returns its stdout. */
  static String docker(String... args) {
    return dockerWithInput(null, args);
  }

  static String dockerWithInput(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of(CLI));
    command.addAll(List.of(args));
    Result result = exec(command, stdin, null);
    if (result.exit() != 0) {
      fail("docker " + String.join(" ", args) + " failed (exit " + result.exit() + "):\n"
          + tail(result.out()) + tail(result.err()));
    }
    return result.out();
  }

  /**
   * {@code docker build -t TAG -} of {@code dockerfile} with the legacy builder and no network.
   * Without the build cache: the legacy builder's cache key for {@code COPY --from} ignores mtimes,
   * so a fixture rebuilt with the same content would hit a cached delta of the old one.
   */
  static void build(String tag, String dockerfile) {
    dockerWithInput(
        dockerfile, "build", "--no-cache", "--network=none", "--force-rm", "-q", "-t", tag, "-");
  }

  static void removeImages(String... images) {
    List<String> command = new ArrayList<>(List.of(CLI, "rmi", "--force"));
    command.addAll(List.of(images));
    exec(command, null, null); // missing ones are fine
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream to) {
    Thread thread = new Thread(() -> {
      try {
        in.transferTo(to);
      } catch (IOException e) {
        // the process went away; what it said so far is kept
      }
    });
    thread.start();
    return thread;
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    return String.join(
            "\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 30), lines.length))
        + "\n";
  }
}
