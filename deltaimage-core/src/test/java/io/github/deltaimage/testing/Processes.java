package io.github.deltaimage.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real tools (tar, gzip, skopeo, docker) for tests and returns their output. */
public final class Processes {
  private Processes() {}

  public record Result(int exit, String out) {}

  public static Result run(Path dir, List<String> command) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs and insists on exit 0. */
  public static String ok(Path dir, String... command) {
    Result r = run(dir, List.of(command));
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + ": " + r.out());
    }
    return r.out();
  }
}
