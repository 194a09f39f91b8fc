package io.github.deltaimage.cli;

import io.github.deltaimage.api.ByteSizes;
import io.github.deltaimage.api.CopyEvent;
import io.github.deltaimage.api.DeltaEvent;
import io.github.deltaimage.api.DeltaEventListener;
import java.io.PrintWriter;

/**
 * One status line on an interactive terminal, rewritten in place: the step under way and, while a
 * blob moves, how far it is. Nothing when output is not a terminal.
 */
final class TerminalStatus implements DeltaEventListener {

  private final PrintWriter err;

  /** "layer tar" while a tar moves to the daemon or an archive, else "blob". */
  private String noun = "blob";

  TerminalStatus(PrintWriter err) {
    this.err = err;
  }

  /** A status line when stderr is a terminal, else a listener that shows nothing. */
  static DeltaEventListener forTerminal(PrintWriter err) {
    return System.console() != null ? new TerminalStatus(err) : DeltaEventListener.NONE;
  }

  @Override
  public synchronized void onEvent(DeltaEvent event) {
    String line = line(event);
    if (line != null) {
      err.print("\r\033[K" + line);
      err.flush();
    }
  }

  /** The status line an event shows, or null when it shows none. */
  private String line(DeltaEvent event) {
    if (event instanceof DeltaEvent.Step step) {
      return step.what()
          + (step.total() > 0 ? " (" + step.done() + "/" + step.total() + ")" : " ...");
    }
    if (!(event instanceof DeltaEvent.Copy copy)) {
      return null;
    }
    CopyEvent e = copy.event();
    if (e instanceof CopyEvent.BlobStarted s) {
      noun = "layer tar".equals(s.kind()) ? "layer tar" : "blob";
      return s.kind() + " " + s.digest().shortHex() + " ...";
    } else if (e instanceof CopyEvent.BlobProgress p) {
      return noun + " " + p.digest().shortHex() + "  " + ByteSizes.format(p.done())
          + (p.size() > 0 ? " / " + ByteSizes.format(p.size()) : "");
    } else if (e instanceof CopyEvent.BlobSkipped s) {
      return noun + " " + s.digest().shortHex() + "  " + s.reason();
    } else if (e instanceof CopyEvent.BlobDone d) {
      return noun + " " + d.digest().shortHex() + "  done";
    }
    return null;
  }

  /** Clears the status line before the summary is printed. */
  static void clear(PrintWriter err) {
    if (System.console() != null) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
