package io.github.deltaimage.cli;

import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.DirectorySummary;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What {@code diff} and {@code apply} share: the tool options and the {@code --debug} log. */
abstract class DirectoryCommand implements Runnable {

  @ParentCommand
  Main main;

  @Spec
  CommandSpec spec;

  @Mixin
  ToolOptions tool;

  /** Does the command's one piece of work. */
  abstract DirectorySummary work(DeltaOptions options);

  @Override
  public final void run() {
    DecisionLog log = new DecisionLog(spec.commandLine().getErr());
    DeltaOptions options = tool.toOptions();
    if (main.debug) {
      options = options.withListener(log);
    }
    DirectorySummary summary = work(options);
    if (main.debug) {
      log.totals(summary);
    }
  }
}
