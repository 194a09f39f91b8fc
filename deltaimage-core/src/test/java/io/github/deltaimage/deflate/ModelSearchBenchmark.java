package io.github.deltaimage.deflate;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the model search costs on gzip files: {@code java ... ModelSearchBenchmark [-v] TAR GZ...},
 * each GZ a gzip of TAR by some tool. Prints per file the recipe found (or none), how many
 * candidates the header leaves, and the CPU time (of the process, JIT and pgzip's threads included) of {@link GzipIdentifier#identify}: its first run
 * (the JIT still cold, as in a diff's first layer) and the median of five more; {@code -v} adds each candidate's own cost. scripts/bench-deflate.sh
 * runs it; a measurement, not a test.
 */
public final class ModelSearchBenchmark {

  // The process's CPU time: pgzip's worker threads, the JIT and the GC are part of the cost too.
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final int RUNS = 5;

  private ModelSearchBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    boolean verbose = rest.remove("-v");
    if (rest.size() < 2) {
      System.err.println("usage: ModelSearchBenchmark [-v] TAR GZ...");
      System.exit(2);
    }
    Path tar = Path.of(rest.get(0));
    GzipIdentifier.ContentSource content = () -> Files.newInputStream(tar);
    System.out.printf(
        Locale.ROOT,
        "%-28s %12s %10s %10s %10s  %s%n",
        "file",
        "bytes",
        "candidates",
        "first ms",
        "median ms",
        "recipe");
    for (String name : rest.subList(1, rest.size())) {
      Path gz = Path.of(name);
      byte[] header;
      try (InputStream in = Files.newInputStream(gz)) {
        header = GzipIdentifier.readHeader(in);
      }
      int candidates = header == null ? 0 : GzipIdentifier.candidates(header).size();
      Optional<GzipRecipe> found = Optional.empty();
      long[] cpu = new long[RUNS];
      long first = 0;
      for (int run = -1; run < RUNS; run++) {
        long start = OS.getProcessCpuTime();
        found = GzipIdentifier.identify(gz, content);
        long spent = OS.getProcessCpuTime() - start;
        if (run >= 0) {
          cpu[run] = spent;
        } else {
          first = spent;
        }
      }
      Arrays.sort(cpu);
      System.out.printf(
          Locale.ROOT,
          "%-28s %12d %10d %10.1f %10.1f  %s%n",
          gz.getFileName(),
          Files.size(gz),
          candidates,
          first / 1e6,
          cpu[RUNS / 2] / 1e6,
          found.map(r -> r.model().toString()).orElse("none"));
      if (verbose && header != null) {
        for (DeflateModel model : GzipIdentifier.candidates(header)) {
          GzipRecipe recipe = new GzipRecipe(model, header);
          long start = OS.getProcessCpuTime();
          long wall = System.nanoTime();
          boolean same;
          CountingInput expected =
              new CountingInput(new BufferedInputStream(Files.newInputStream(gz), 64 * 1024));
          try (expected) {
            same = GzipIdentifier.reproduces(recipe, content, expected);
          }
          System.out.printf(
              Locale.ROOT,
              "    %-12s %8.1f ms cpu %8.1f ms wall, %9d bytes compared%s%n",
              model,
              (OS.getProcessCpuTime() - start) / 1e6,
              (System.nanoTime() - wall) / 1e6,
              expected.count,
              same ? " (same)" : "");
        }
      }
    }
  }

  private static final class CountingInput extends java.io.FilterInputStream {
    long count;

    CountingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count += Math.max(n, 0);
      return n;
    }
  }
}
