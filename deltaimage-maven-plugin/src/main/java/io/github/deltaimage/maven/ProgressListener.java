package io.github.deltaimage.maven;

import io.github.deltaimage.event.CopyEvent;
import io.github.deltaimage.event.CopyListener;
import io.github.deltaimage.event.DeltaListener;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.maven.plugin.logging.Log;

/**
 * Shows what a goal is doing: core's steps (reading layers, encoding, writing) and how the image
 * being written moves. On an interactive console one line is redrawn in place
 * (at most five times a second) while a blob moves; in batch mode ({@code -B}, CI) only a plain line
 * per finished blob, as a redrawn line would only litter the log.
 */
final class ProgressListener implements CopyListener, DeltaListener {

  private static final long REDRAW_NANOS = 200_000_000L;

  private final Log log;
  private final PrintStream console;
  private long lastDraw;
  private boolean lineOpen;
  private String lastStep;

  /** @param console where the redrawn line goes, or null in batch mode */
  ProgressListener(Log log, PrintStream console) {
    this.log = log;
    this.console = console;
  }

  /** A step of core's: redrawn on a console; logged once per step in batch mode. */
  @Override
  public synchronized void progress(String step, long done, long total) {
    if (console != null) {
      boolean counted = total > 0 && !step.matches(".*\\d+/\\d+.*");
      console.print("\r  " + step + (counted ? " (" + done + " of " + total + " done)" : "") + "\u001b[K");
      console.flush();
      lineOpen = true;
    } else if (!step.equals(lastStep)) {
      log.info(step.substring(0, 1).toUpperCase(Locale.ROOT) + step.substring(1));
    }
    lastStep = step;
  }

  @Override
  public synchronized void onEvent(CopyEvent event) {
    if (event instanceof CopyEvent.BlobProgress p) {
      if (console != null && System.nanoTime() - lastDraw > REDRAW_NANOS) {
        lastDraw = System.nanoTime();
        String of = p.size() > 0 ? String.format(Locale.ROOT, " of %s (%d %%)", Sizes.format(p.size()), 100 * p.done() / p.size()) : "";
        console.print("\r  " + p.digest().shortHex() + " " + Sizes.format(p.done()) + of + "\u001b[K");
        console.flush();
        lineOpen = true;
      }
      return;
    }
    endLine();
    if (event instanceof CopyEvent.SourceResolved r) {
      log.info("Writing " + r.layers() + " layers of image " + r.imageId().shortHex());
    } else if (event instanceof CopyEvent.BlobSkipped s) {
      log.info("  blob " + s.digest().shortHex() + ": " + s.reason());
    } else if (event instanceof CopyEvent.BlobDone d) {
      log.info("  blob " + d.digest().shortHex() + ": " + Sizes.format(d.bytes()) + " written");
    } else if (event instanceof CopyEvent.Committed c) {
      log.info("Wrote " + c.destination() + (c.manifestDigest() != null ? " (manifest " + c.manifestDigest() + ")" : ""));
    }
  }

  /** Ends a redrawn line, so the next log line starts on its own. */
  synchronized void endLine() {
    if (lineOpen) {
      console.println();
      lineOpen = false;
    }
  }
}
