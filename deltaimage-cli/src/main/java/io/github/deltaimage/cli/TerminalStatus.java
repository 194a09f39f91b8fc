package io.github.deltaimage.cli;

import io.github.deltaimage.event.DeltaListener;
import java.io.PrintWriter;

/** One status line on an interactive terminal, rewritten in place; nothing when output is not a terminal. */
final class TerminalStatus implements DeltaListener {

  private final PrintWriter err;

  private TerminalStatus(PrintWriter err) {
    this.err = err;
  }

  /** A status line when stderr is a terminal, else a listener that shows nothing. */
  static DeltaListener forTerminal(PrintWriter err) {
    return System.console() != null ? new TerminalStatus(err) : DeltaListener.NONE;
  }

  @Override
  public synchronized void progress(String step, long done, long total) {
    err.print("\r\033[K" + step + (total > 0 ? " (" + done + "/" + total + ")" : " ..."));
    err.flush();
  }

  /** Clears the status line before the summary is printed. */
  static void clear(PrintWriter err) {
    if (System.console() != null) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
