package io.github.deltaimage;

import io.github.deltaimage.codec.Xdelta3Settings;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.fs.RunDirectory;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How deltaimage works: which xdelta3, how hard it tries, on how many threads, where it spools.
 *
 * @param xdelta3 the xdelta3 binary; empty means the one on {@code PATH}
 * @param xdelta3Settings encoder settings
 * @param threads how many files are worked on at once
 * @param tempDirectory where the run directory is created
 * @param listener what is told about decisions and progress
 */
public record DeltaOptions(
    Optional<Path> xdelta3,
    Xdelta3Settings xdelta3Settings,
    int threads,
    Path tempDirectory,
    DeltaListener listener) {

  public DeltaOptions {
    Objects.requireNonNull(xdelta3, "xdelta3");
    Objects.requireNonNull(xdelta3Settings, "xdelta3Settings");
    Objects.requireNonNull(tempDirectory, "tempDirectory");
    Objects.requireNonNull(listener, "listener");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
  }

  /** xdelta3 from {@code PATH}, its default settings, one thread a core, {@code java.io.tmpdir}, nobody listening. */
  public static DeltaOptions defaults() {
    return new DeltaOptions(
        Optional.empty(),
        Xdelta3Settings.defaults(),
        Runtime.getRuntime().availableProcessors(),
        RunDirectory.defaultParent(),
        DeltaListener.NONE);
  }

  public DeltaOptions withXdelta3(Path binary) {
    return new DeltaOptions(
        Optional.ofNullable(binary), xdelta3Settings, threads, tempDirectory, listener);
  }

  public DeltaOptions withXdelta3Settings(Xdelta3Settings settings) {
    return new DeltaOptions(xdelta3, settings, threads, tempDirectory, listener);
  }

  public DeltaOptions withThreads(int count) {
    return new DeltaOptions(xdelta3, xdelta3Settings, count, tempDirectory, listener);
  }

  public DeltaOptions withTempDirectory(Path directory) {
    return new DeltaOptions(xdelta3, xdelta3Settings, threads, directory, listener);
  }

  public DeltaOptions withListener(DeltaListener newListener) {
    return new DeltaOptions(xdelta3, xdelta3Settings, threads, tempDirectory, newListener);
  }
}
