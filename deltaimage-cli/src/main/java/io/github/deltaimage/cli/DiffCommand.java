package io.github.deltaimage.cli;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.DirectorySummary;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code deltaimage diff SOURCE_DIR TARGET_DIR}, as in the original. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description =
        "Turn TARGET_DIR, in place, into a delta tree against SOURCE_DIR (the original's format).")
final class DiffCommand extends DirectoryCommand {

  @Parameters(
      index = "0",
      paramLabel = "SOURCE_DIR",
      description = "The tree the delta is made against.")
  Path source;

  @Parameters(
      index = "1",
      paramLabel = "TARGET_DIR",
      description = "The tree to turn into the delta tree.")
  Path target;

  @Override
  DirectorySummary work(DeltaOptions options) {
    return DeltaImage.diffDirectories(source, target, options);
  }
}
