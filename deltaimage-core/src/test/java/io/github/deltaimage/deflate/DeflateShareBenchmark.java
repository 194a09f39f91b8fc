package io.github.deltaimage.deflate;

import io.github.deltaimage.api.DeltaEvent;
import io.github.deltaimage.api.DeltaEventListener;
import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.ImageDeltaSummary;
import java.util.Locale;
import java.util.Optional;

/**
 * The deflate models' share of a real image diff or apply, timed from the run's own progress steps
 * against the whole run, in wall clock of the same run (so the machine's load weighs on both
 * alike) and in the JVM's CPU time (child processes such as xdelta3 not counted):
 *
 * <ul>
 *   <li>{@code diff SOURCE TARGET DELTA}: the "identifying the compressor" steps (the model
 *       search);
 *   <li>{@code apply DELTA OUTPUT}: the "recompressing" step (every rebuilt layer gzip'd again by
 *       its recorded model, layers in parallel).
 * </ul>
 *
 * scripts/bench-deflate.sh runs it; a measurement, not a test.
 */
public final class DeflateShareBenchmark {

  private DeflateShareBenchmark() {}

  public static void main(String[] args) {
    boolean diff = args.length == 4 && args[0].equals("diff");
    if (!diff && !(args.length == 3 && args[0].equals("apply"))) {
      System.err.println(
          "usage: DeflateShareBenchmark diff SOURCE TARGET DELTA | apply DELTA OUTPUT");
      System.exit(2);
    }
    StepClock clock = new StepClock(diff ? "identifying the compressor" : "recompressing");
    DeltaOptions options = DeltaOptions.defaults().withListener(clock);
    long start = System.nanoTime();
    long startCpu = StepClock.processCpu();
    ImageDeltaSummary summary = diff
        ? DeltaImage.diffImages(args[1], args[2], args[3], false, options)
        : DeltaImage.applyImages(args[1], args[2], Optional.empty(), options);
    clock.progress("done");
    double total = (System.nanoTime() - start) / 1e9;
    double totalCpu = (StepClock.processCpu() - startCpu) / 1e9;
    long rebuilt = summary.layers().stream().filter(l -> !l.fromSource()).count();
    long exact =
        summary.layers().stream().filter(l -> !l.fromSource() && l.blobExact()).count();
    System.out.printf(
        Locale.ROOT,
        "%s %.2f s; %s %.3f s = %.2f %% of it (%d layers rebuilt, %d of their blobs exact);"
            + " in the JVM's CPU time %.2f s of %.2f s = %.2f %%%n",
        diff ? "diff" : "apply",
        total,
        diff ? "model search" : "recompression",
        clock.spent / 1e9,
        100 * clock.spent / 1e9 / total,
        rebuilt,
        exact,
        clock.spentCpu / 1e9,
        totalCpu,
        100 * clock.spentCpu / 1e9 / totalCpu);
  }

  /** Adds up the time from each step named {@code prefix}... to the step after it. */
  private static final class StepClock implements DeltaEventListener {
    private final String prefix;
    long spent;
    long spentCpu;
    private long started = -1;
    private long startedCpu;

    /** CPU time of the whole JVM (the parallel layers' threads, JIT and GC included). */
    static long processCpu() {
      return ((com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }

    StepClock(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public void onEvent(DeltaEvent event) {
      if (event instanceof DeltaEvent.Step step) {
        progress(step.what());
      }
    }

    synchronized void progress(String step) {
      long now = System.nanoTime();
      long cpu = processCpu();
      if (started >= 0) {
        spent += now - started;
        spentCpu += cpu - startedCpu;
        started = -1;
      }
      if (step.startsWith(prefix)) {
        started = now;
        startedCpu = cpu;
      }
    }
  }
}
