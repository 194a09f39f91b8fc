package io.github.deltaimage.cli;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.DirectorySummary;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code deltaimage apply SOURCE_DIR DELTA_DIR}, as in the original. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description =
        "Turn the delta tree DELTA_DIR, in place, back into the target tree, given SOURCE_DIR.")
final class ApplyCommand extends DirectoryCommand {

  @Parameters(
      index = "0",
      paramLabel = "SOURCE_DIR",
      description = "The tree the delta was made against.")
  Path source;

  @Parameters(
      index = "1",
      paramLabel = "DELTA_DIR",
      description = "The delta tree to restore, in place.")
  Path delta;

  @Override
  DirectorySummary work(DeltaOptions options) {
    return DeltaImage.applyDirectories(source, delta, options);
  }
}
