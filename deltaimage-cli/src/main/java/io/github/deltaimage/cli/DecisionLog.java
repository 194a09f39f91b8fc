package io.github.deltaimage.cli;

import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.event.FileDecision;
import io.github.deltaimage.event.FileDecision.Outcome;
import io.github.deltaimage.format.dir.DirectorySummary;
import java.io.PrintWriter;

/** The {@code --debug} output: one line per file decision, then the totals. */
final class DecisionLog implements DeltaListener {

  private final PrintWriter err;
  private final long started = System.nanoTime();

  DecisionLog(PrintWriter err) {
    this.err = err;
  }

  @Override
  public synchronized void progress(String step, long done, long total) {
    err.printf("[%7.1f s] %s%n", (System.nanoTime() - started) / 1e9, step);
  }

  @Override
  public synchronized void fileDecided(FileDecision decision) {
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
