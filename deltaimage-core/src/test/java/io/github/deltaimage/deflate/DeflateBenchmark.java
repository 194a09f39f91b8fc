package io.github.deltaimage.deflate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Speed of each deflate model against java.util.zip (the platform's native zlib) at the same
 * level, over one input held in memory: {@code java ... DeflateBenchmark [FILE] [MiB] [RUNS]
 * [MODEL,...]}.
 * Without FILE it reads a tar of /usr/share/doc. Each figure is the median of RUNS passes (after
 * one to warm the JIT up) in CPU time of the encoding thread, ours and zlib's passes alternating,
 * so that other load on the machine weighs little and on both alike. Prints a Markdown table.
 * scripts/bench-deflate.sh runs it; a measurement, not a test.
 */
public final class DeflateBenchmark {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private DeflateBenchmark() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    byte[] input =
        args.length > 0 && !args[0].isEmpty() ? readPrefix(Path.of(args[0]), mib) : tarOfDocs(mib);
    System.out.printf(
        Locale.ROOT,
        "Input: %.1f MiB; CPU time of the encoding thread, median of %d passes.%n%n",
        input.length / 1048576.0,
        runs);
    System.out.println(
        "| model | level | MB/s | java.util.zip MB/s | time vs java.util.zip | compressed/input |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    List<DeflateModel> models = List.of(
        new DeflateModel(DeflateModel.Family.GO_FLATE, 1),
        new DeflateModel(DeflateModel.Family.GO_FLATE, 6),
        new DeflateModel(DeflateModel.Family.GO_FLATE, 9),
        new DeflateModel(DeflateModel.Family.PGZIP, 5),
        new DeflateModel(DeflateModel.Family.GNU_GZIP, 1),
        new DeflateModel(DeflateModel.Family.GNU_GZIP, 6),
        new DeflateModel(DeflateModel.Family.GNU_GZIP, 9),
        new DeflateModel(DeflateModel.Family.ZLIB, 1),
        new DeflateModel(DeflateModel.Family.ZLIB, 6),
        new DeflateModel(DeflateModel.Family.ZLIB, 9));
    if (args.length > 3) {
      // Only the models named, e.g. "zlib:6,gnu-gzip:6".
      models =
          java.util.Arrays.stream(args[3].split(",")).map(DeflateModel::parse).toList();
    }
    for (DeflateModel model : models) {
      // pgzip compresses its blocks on a pool; one thread keeps its CPU time on this one.
      StreamFactory ours = model.family() == DeflateModel.Family.PGZIP
          ? () -> new PgzipOutputStream(
              OutputStream.nullOutputStream(),
              model.level(),
              PgzipOutputStream.DEFAULT_BLOCK_SIZE,
              1)
          : () -> model.newDeflateStream(OutputStream.nullOutputStream());
      StreamFactory zlib = () -> new DeflaterOutputStream(
          OutputStream.nullOutputStream(), new Deflater(model.level(), true), 64 * 1024);
      long[] oursNanos = new long[runs];
      long[] zlibNanos = new long[runs];
      for (int run = -1; run < runs; run++) {
        long a = cpuNanos(input, ours);
        long b = cpuNanos(input, zlib);
        if (run >= 0) {
          oursNanos[run] = a;
          zlibNanos[run] = b;
        }
      }
      double oursMbs = input.length / 1e6 / (median(oursNanos) / 1e9);
      double zlibMbs = input.length / 1e6 / (median(zlibNanos) / 1e9);
      long size = compressedSize(input, model);
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.1f | %.1f | %.2fx | %.3f |%n",
          model.family().id(),
          model.level(),
          oursMbs,
          zlibMbs,
          zlibMbs / oursMbs,
          (double) size / input.length);
    }
  }

  interface StreamFactory {
    OutputStream open() throws IOException;
  }

  private static long cpuNanos(byte[] input, StreamFactory factory) throws IOException {
    long start = THREADS.getCurrentThreadCpuTime();
    try (OutputStream out = factory.open()) {
      for (int off = 0; off < input.length; off += 32 * 1024) {
        out.write(input, off, Math.min(32 * 1024, input.length - off));
      }
    }
    return THREADS.getCurrentThreadCpuTime() - start;
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static long compressedSize(byte[] input, DeflateModel model) throws IOException {
    CountingOutputStream counter = new CountingOutputStream();
    try (OutputStream out = model.newDeflateStream(counter)) {
      out.write(input);
    }
    return counter.count;
  }

  private static final class CountingOutputStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  private static byte[] readPrefix(Path file, int mib) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(mib << 20);
    }
  }

  private static byte[] tarOfDocs(int mib) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tar", "--sort=name", "-cf", "-", "-C", "/usr/share/doc", ".")
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    byte[] data;
    try (InputStream in = p.getInputStream()) {
      data = in.readNBytes(mib << 20);
    } finally {
      p.destroy();
      p.waitFor();
    }
    return data;
  }
}
