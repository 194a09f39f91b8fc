package io.github.deltaimage.testing;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.oci.OciLayoutSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A second JVM for tests that need a real process: to be sent signals, killed, or to race this one
 * for a file lock. Started with the test class path; {@link #main} does one of a few things.
 */
public final class ChildJvm {
  private ChildJvm() {}

  private static void sleep() {
    try {
      Thread.sleep(600_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts {@code java ... ChildJvm args} with this JVM's class path, output to {@code log}. */
  public static Process start(Path log, String... args) throws IOException {
    return start(log, ChildJvm.class, args);
  }

  /** Starts {@code java ... MAIN args} with this JVM's class path: for a main in a test package that needs package access. */
  public static Process start(Path log, Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/sun.nio.fs=ALL-UNNAMED");
    command.add("-Xmx128m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Waits until {@code log} holds {@code line} (the child says where it is), or fails after a minute. */
  public static void awaitLine(Process child, Path log, String line) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      if (!child.isAlive()) {
        throw new AssertionError("the child exited " + child.exitValue() + " before '" + line
            + "': " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "the child did not print '" + line + "' in a minute: " + Files.readString(log));
  }

  /**
   * {@code copy SRC DST TMP}: copies an image, run directories under TMP. {@code hold-run-dir PARENT}:
   * makes a run directory with a file in it, prints its path and {@code holding}, and sleeps.
   */
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "copy" -> {
        CopyOptions options = CopyOptions.defaults()
            .withTempParent(Path.of(args[3]))
            .withPlatform(Platform.parse("linux/amd64"));
        ImageCopy.copy(args[1], args[2], options);
        System.out.println("copied");
      }
      case "hold-run-dir" -> {
        RunDirectory run = RunDirectory.create(Path.of(args[1]));
        Files.write(run.newFile("spool"), new byte[1 << 20]);
        System.out.println("run dir " + run.path());
        System.out.println("holding");
        System.out.flush();
        Thread.sleep(600_000);
      }
      case "write-layer-slowly" -> {
        // A layer blob that takes ten minutes to arrive: the layout sink is stopped while it
        // writes.
        OciLayoutSink sink =
            new OciLayoutSink(new ImageReference.OciLayout(Path.of(args[1]), "slow"));
        Digest digest = Digest.sha256(new byte[0]);
        Layer layer = new Layer(digest, digest, -1, MediaTypes.OCI_LAYER_GZIP, Compression.GZIP);
        sink.putLayer(
            layer,
            () -> new InputStream() {
              private long sent;

              @Override
              public int read() throws IOException {
                if (sent++ == 1 << 16) {
                  System.out.println("writing");
                  System.out.flush();
                  sleep();
                }
                return 0;
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                int n = Math.min(len, 4096);
                for (int i = 0; i < n; i++) {
                  b[off + i] = (byte) read();
                }
                return n;
              }
            },
            Optional.empty());
      }
    }
  }
}
