package io.github.deltaimage.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.testing.Processes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelGzipOutputStreamTest {
  @TempDir Path tmp;

  private static byte[] mixed(int size) {
    byte[] b = new byte[size];
    Random r = new Random(size);
    for (int i = 0; i < size; i++) {
      // text-like runs and random stretches, so both deflate paths (matches, literals) occur
      b[i] = (i / 4096) % 3 == 0 ? (byte) r.nextInt() : (byte) ("layer data " + (i % 97)).charAt(i % 11);
    }
    return b;
  }

  private static byte[] gzip(byte[] input, int threads) throws Exception {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try (OutputStream gz = new ParallelGzipOutputStream(o, 6, threads)) {
      int off = 0;
      Random r = new Random(1);
      while (off < input.length) {
        int n = Math.min(input.length - off, 1 + r.nextInt(300_000));
        gz.write(input, off, n);
        off += n;
      }
    }
    return o.toByteArray();
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 1 << 20, (1 << 20) + 1, 5 * (1 << 20) + 12345})
  void theOutputIsOneGzipMemberThatTheJdkAndGnuGzipDecompressExactly(int size) throws Exception {
    byte[] input = mixed(size);
    byte[] gz = gzip(input, 3);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertThat(in.readAllBytes()).isEqualTo(input);
    }
    Files.write(tmp.resolve("x.gz"), gz);
    Processes.ok(tmp, "gzip", "-t", "x.gz");
    Processes.ok(tmp, "gzip", "-d", "x.gz");
    assertThat(Files.readAllBytes(tmp.resolve("x"))).isEqualTo(input);
  }

  @Test
  void theRatioStaysCloseToSingleThreadedGzipThanksToTheDictionary() throws Exception {
    byte[] input = mixed(6 * (1 << 20));
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    try (OutputStream gz = new java.util.zip.GZIPOutputStream(plain)) {
      gz.write(input);
    }
    assertThat((double) gzip(input, 2).length).isLessThan(plain.size() * 1.02);
  }
}
