package io.github.deltaimage.cli;

import io.github.deltaimage.DeltaOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every delta command shares: which xdelta3, how many threads, where to spool. */
final class ToolOptions {

  @Option(names = "--xdelta3", paramLabel = "PATH", description = "The xdelta3 binary (default: xdelta3 on PATH).")
  Path xdelta3;

  @Option(names = "--threads", paramLabel = "N", description = "Files worked on at once (default: one per core).")
  Integer threads;

  @Option(names = "--tmp-dir", paramLabel = "DIR", description = "Where temporary files go (default: java.io.tmpdir).")
  Path tmpDir;

  DeltaOptions toOptions() {
    DeltaOptions options = DeltaOptions.defaults();
    if (xdelta3 != null) {
      options = options.withXdelta3(xdelta3);
    }
    if (threads != null) {
      options = options.withThreads(threads);
    }
    if (tmpDir != null) {
      options = options.withTempDirectory(tmpDir);
    }
    return options;
  }
}
