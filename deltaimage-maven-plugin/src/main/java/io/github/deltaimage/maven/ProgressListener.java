package io.github.deltaimage.maven;

import io.github.deltaimage.api.ByteSizes;
import io.github.deltaimage.api.CopyEvent;
import io.github.deltaimage.api.DeltaEvent;
import io.github.deltaimage.api.DeltaEventListener;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.FileDecision;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.maven.plugin.logging.Log;

/**
 * Shows what a goal is doing: core's steps (reading layers, encoding, writing) and how the image
 * being written moves. On an interactive console one line is redrawn in place
 * (at most five times a second) while a blob moves; in batch mode ({@code -B}, CI) only a plain line
 * per finished step and per finished blob, with sizes and times, as a redrawn line would only litter the log.
 * Which login each registry got is logged once per host, naming its source, never its secret.
 */
final class ProgressListener implements DeltaEventListener {

  private static final long REDRAW_NANOS = 200_000_000L;

  private final Log log;
  private final PrintStream console;
  private long lastDraw;
  private boolean lineOpen;
  private String lastStep;
  /** The current step's start and what its files came to, for the line that ends it in batch mode. */
  private long stepStarted;

  private long stepFiles;
  private long stepTargetBytes;
  private long stepStoredBytes;
  private final Map<Digest, Long> blobStarted = new HashMap<>();
  /** What each moving item is ("layer", or "layer tar" where the destination takes tars), for its line. */
  private final Map<Digest, String> blobKind = new HashMap<>();

  /** @param console where the redrawn line goes, or null in batch mode */
  ProgressListener(Log log, PrintStream console) {
    this.log = log;
    this.console = console;
  }

  @Override
  public synchronized void onEvent(DeltaEvent event) {
    if (event instanceof DeltaEvent.Step step) {
      progress(step.what(), step.done(), step.total());
    } else if (event instanceof DeltaEvent.FileDecided decided) {
      fileDecided(decided.decision());
    } else if (event instanceof DeltaEvent.Copy copy) {
      onCopyEvent(copy.event());
    }
  }

  /** A step of core's: redrawn on a console; in batch mode one line when it ends, with its time and sizes. */
  private void progress(String step, long done, long total) {
    if (console != null) {
      boolean counted = total > 0 && !step.matches(".*\\d+/\\d+.*");
      console.print(
          "\r  " + step + (counted ? " (" + done + " of " + total + " done)" : "") + "\u001b[K");
      console.flush();
      lineOpen = true;
    } else if (!step.equals(lastStep)) {
      // One line per step, when it ends, with its time (and sizes): half the lines of a start and
      // an end line.
      finishStep();
      stepStarted = System.nanoTime();
    }
    lastStep = step;
  }

  private void fileDecided(FileDecision decision) {
    stepFiles++;
    stepTargetBytes += Math.max(0, decision.targetSize());
    stepStoredBytes += Math.max(0, decision.storedSize());
  }

  /** In batch mode: the line that ends the current step, with its time and, for an encoded layer, its sizes. */
  synchronized void finishStep() {
    if (console != null || lastStep == null || stepStarted == 0) {
      return;
    }
    String sizes = stepFiles == 0
        ? ""
        : String.format(
            Locale.ROOT,
            ", %d file%s: %s in the target, %s in the delta",
            stepFiles,
            stepFiles == 1 ? "" : "s",
            ByteSizes.format(stepTargetBytes),
            ByteSizes.format(stepStoredBytes));
    log.info(String.format(
        Locale.ROOT,
        "%s%s: %.1f s%s",
        lastStep.substring(0, 1).toUpperCase(Locale.ROOT),
        lastStep.substring(1),
        (System.nanoTime() - stepStarted) / 1e9,
        sizes));
    stepStarted = 0;
    stepFiles = 0;
    stepTargetBytes = 0;
    stepStoredBytes = 0;
  }

  private void onCopyEvent(CopyEvent event) {
    if (event instanceof CopyEvent.BlobProgress p) {
      if (console != null && System.nanoTime() - lastDraw > REDRAW_NANOS) {
        lastDraw = System.nanoTime();
        String of = p.size() > 0
            ? String.format(
                Locale.ROOT,
                " of %s (%d %%)",
                ByteSizes.format(p.size()),
                100 * p.done() / p.size())
            : "";
        console.print(
            "\r  " + p.digest().shortHex() + " " + ByteSizes.format(p.done()) + of + "\u001b[K");
        console.flush();
        lineOpen = true;
      }
      return;
    }
    endLine();
    if (event instanceof CopyEvent.CredentialsChosen c) {
      log.info(
          "none".equals(c.chosen())
              ? "Registry " + c.host() + ": no login found (tried " + String.join(", ", c.tried())
                  + "); going on anonymously"
              : "Registry " + c.host() + ": using " + c.chosen());
    } else if (event instanceof CopyEvent.BlobStarted b) {
      blobStarted.put(b.digest(), System.nanoTime());
      blobKind.put(b.digest(), b.kind());
    } else if (event instanceof CopyEvent.SourceResolved r) {
      log.info("Writing " + r.layers() + " layers of image " + r.imageId().shortHex());
    } else if (event instanceof CopyEvent.BlobSkipped s) {
      log.info("  blob " + s.digest().shortHex() + ": " + s.reason());
    } else if (event instanceof CopyEvent.BlobDone d) {
      Long started = blobStarted.remove(d.digest());
      log.info("  " + noun(blobKind.remove(d.digest())) + " " + d.digest().shortHex() + ": "
          + ByteSizes.format(d.bytes()) + " written"
          + (started == null
              ? ""
              : String.format(Locale.ROOT, " in %.1f s", (System.nanoTime() - started) / 1e9)));
    } else if (event instanceof CopyEvent.Committed c) {
      finishStep();
      log.info("Wrote " + c.destination()
          + (c.manifestDigest() != null ? " (manifest " + c.manifestDigest() + ")" : ""));
    }
  }

  /** "layer tar" for a tar the daemon or an archive takes, else "blob" (a registry's or a layout's). */
  private static String noun(String kind) {
    return "layer tar".equals(kind) ? "layer tar" : "blob";
  }

  /** Ends a redrawn line, so the next log line starts on its own. */
  synchronized void endLine() {
    if (lineOpen) {
      console.println();
      lineOpen = false;
    }
  }
}
