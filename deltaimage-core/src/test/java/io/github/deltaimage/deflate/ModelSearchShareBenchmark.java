package io.github.deltaimage.deflate;

import io.github.deltaimage.DeltaImage;
import io.github.deltaimage.DeltaOptions;
import io.github.deltaimage.delta.ImageDeltaSummary;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.transport.CopyOptions;
import java.util.Locale;

/**
 * The model search's share of a real image diff: {@code java ... ModelSearchShareBenchmark SOURCE
 * TARGET DELTA}, three image references. Runs one diff and times, from its own progress steps, the
 * "identifying the compressor" steps against the whole diff (wall clock of the same run, so the
 * machine's load weighs on both alike). scripts/bench-deflate.sh runs it on a target whose blobs no
 * model wrote; a measurement, not a test.
 */
public final class ModelSearchShareBenchmark {

  private ModelSearchShareBenchmark() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: ModelSearchShareBenchmark SOURCE TARGET DELTA");
      System.exit(2);
    }
    StepClock clock = new StepClock();
    long start = System.nanoTime();
    ImageDeltaSummary summary = DeltaImage.diffImages(
        args[0],
        args[1],
        args[2],
        false,
        DeltaOptions.defaults().withListener(clock),
        CopyOptions.defaults());
    clock.progress("done", 0, 0);
    double diff = (System.nanoTime() - start) / 1e9;
    long identified =
        summary.layers().stream().filter(l -> !l.fromSource() && l.blobExact()).count();
    long searched = summary.layers().stream().filter(l -> !l.fromSource()).count();
    System.out.printf(
        Locale.ROOT,
        "diff %.2f s; model search %.3f s over %d layers (%d identified) = %.2f %% of the diff%n",
        diff,
        clock.searching / 1e9,
        searched,
        identified,
        100 * clock.searching / 1e9 / diff);
  }

  /** Adds up the time from each "identifying the compressor" step to the step after it. */
  private static final class StepClock implements DeltaListener {
    long searching;
    private long searchStarted = -1;

    @Override
    public synchronized void progress(String step, long done, long total) {
      long now = System.nanoTime();
      if (searchStarted >= 0) {
        searching += now - searchStarted;
        searchStarted = -1;
      }
      if (step.startsWith("identifying the compressor")) {
        searchStarted = now;
      }
    }
  }
}
