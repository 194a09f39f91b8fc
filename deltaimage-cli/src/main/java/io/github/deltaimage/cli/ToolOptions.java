package io.github.deltaimage.cli;

import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.Xdelta3Settings;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options every delta command shares: which xdelta3, how many threads, where to spool. */
final class ToolOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--xdelta3",
      paramLabel = "PATH",
      description = "The xdelta3 binary (default: xdelta3 on PATH).")
  Path xdelta3;

  @Option(
      names = "--level",
      paramLabel = "0-9",
      description = "xdelta3 compression level (default: ${DEFAULT-VALUE}).")
  int level = Xdelta3Settings.defaults().level();

  @Option(
      names = "--secondary",
      paramLabel = "NAME",
      description =
          "xdelta3 secondary compressor: lzma, djw, fgk or none (default: ${DEFAULT-VALUE}).")
  String secondary = Xdelta3Settings.defaults().secondary();

  @Option(
      names = "--max-window",
      paramLabel = "MIB",
      description =
          "Largest xdelta3 source window in MiB; bigger finds more in big files, costs memory (default: ${DEFAULT-VALUE}).")
  long maxWindowMib = Xdelta3Settings.defaults().maxWindow() >> 20;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Files worked on at once (default: one per core).")
  Integer threads;

  @Option(
      names = "--tmp-dir",
      paramLabel = "DIR",
      description = "Where temporary files go (default: java.io.tmpdir).")
  Path tmpDir;

  DeltaOptions toOptions() {
    DeltaOptions options;
    try {
      options = DeltaOptions.defaults()
          .withXdelta3Settings(new Xdelta3Settings(level, secondary, maxWindowMib << 20));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
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
