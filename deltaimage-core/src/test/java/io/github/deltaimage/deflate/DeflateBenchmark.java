package io.github.deltaimage.deflate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Speed of each deflate model against java.util.zip (the platform's native zlib) at the same
 * level, over one input held in memory: {@code java ... DeflateBenchmark [FILE] [MiB]}. Without
 * FILE it reads a tar of /usr/share/doc. scripts/bench-deflate.sh runs it; a measurement, not a
 * test.
 */
public final class DeflateBenchmark {

  private DeflateBenchmark() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    byte[] input = args.length > 0 ? readPrefix(Path.of(args[0]), mib) : tarOfDocs(mib);
    System.out.printf(Locale.ROOT, "input: %.1f MiB%n", input.length / 1048576.0);
    System.out.printf(
        Locale.ROOT, "%-12s %8s %10s %10s %8s%n", "model", "MB/s", "zlib MB/s", "ratio", "vs zlib");
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
    for (DeflateModel model : models) {
      double ours =
          mbPerSecond(input, () -> model.newDeflateStream(OutputStream.nullOutputStream()));
      long size = compressedSize(input, model);
      double zlib = mbPerSecond(
          input,
          () -> new DeflaterOutputStream(
              OutputStream.nullOutputStream(), new Deflater(model.level(), true), 64 * 1024));
      System.out.printf(
          Locale.ROOT,
          "%-12s %8.1f %10.1f %10.3f %7.2fx%n",
          model,
          ours,
          zlib,
          (double) size / input.length,
          zlib / ours);
    }
  }

  interface StreamFactory {
    OutputStream open() throws IOException;
  }

  private static double mbPerSecond(byte[] input, StreamFactory factory) throws IOException {
    // One warm-up pass for the JIT, then the best of three.
    double best = 0;
    for (int round = 0; round < 4; round++) {
      long start = System.nanoTime();
      try (OutputStream out = factory.open()) {
        for (int off = 0; off < input.length; off += 32 * 1024) {
          out.write(input, off, Math.min(32 * 1024, input.length - off));
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (round > 0) {
        best = Math.max(best, input.length / 1e6 / seconds);
      }
    }
    return best;
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
