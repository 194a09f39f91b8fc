package io.github.deltaimage.cli;

import io.github.deltaimage.api.CopyEvent;
import io.github.deltaimage.api.DeltaEvent;
import io.github.deltaimage.api.DeltaEventListener;
import io.github.deltaimage.api.DirectorySummary;
import io.github.deltaimage.api.FileDecision;
import io.github.deltaimage.api.FileDecision.Outcome;
import java.io.PrintWriter;

/** The {@code --debug} output: one line per file decision, then the totals. */
final class DecisionLog implements DeltaEventListener {

  private final PrintWriter err;
  private final long started = System.nanoTime();

  DecisionLog(PrintWriter err) {
    this.err = err;
  }

  @Override
  public synchronized void onEvent(DeltaEvent event) {
    if (event instanceof DeltaEvent.Step step) {
      err.printf("[%7.1f s] %s%n", (System.nanoTime() - started) / 1e9, step.what());
    } else if (event instanceof DeltaEvent.FileDecided decided) {
      fileDecided(decided.decision());
    } else if (event instanceof DeltaEvent.Copy copy
        && copy.event() instanceof CopyEvent.CredentialsChosen login) {
      err.printf(
          "[%7.1f s] registry %s: login %s (tried %s)%n",
          (System.nanoTime() - started) / 1e9,
          login.host(),
          login.chosen(),
          String.join(", ", login.tried()));
    }
  }

  private void fileDecided(FileDecision decision) {
    err.printf(
        "%-16s %12d -> %12d  %s%s%n",
        decision.outcome(),
        decision.targetSize(),
        decision.storedSize(),
        decision.path(),
        decision.reason() == null ? "" : "  (" + decision.reason() + ")");
  }

  void totals(DirectorySummary summary) {
    for (Outcome outcome : Outcome.values()) {
      err.printf(
          "%-16s %8d files %14d bytes -> %14d bytes%n",
          outcome,
          summary.files().get(outcome),
          summary.targetBytes().get(outcome),
          summary.storedBytes().get(outcome));
    }
    err.printf(
        "total            %8d files %14d bytes -> %14d bytes in %.1f s%n",
        summary.totalFiles(),
        summary.totalTargetBytes(),
        summary.totalStoredBytes(),
        summary.elapsedNanos() / 1e9);
    err.flush();
  }
}
