package io.github.deltaimage.codec;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The suffix-array engine's differences (mostly zeros: the bytes where a match differs from its
 * reference) told as three streams: the lengths of the zero runs, the lengths of the runs between
 * them, and those runs' bytes. LZMA2 then codes a few hundred kilobytes of lengths and bytes
 * instead of walking its match finder over every zero of megabytes of them: 10 % smaller on a jar
 * pair and 5 % on the Debian pair, in a tenth of the time.
 *
 * <p>Each of the two length streams is a sequence of varints; the differences are zero run 1, byte
 * run 1, zero run 2, byte run 2, ..., the last byte run possibly empty.
 */
final class ZeroRuns {

  private static final int BUFFER = 1 << 16;

  private ZeroRuns() {}

  /** Splits the differences in {@code differences} into the three streams. */
  static void split(Path differences, Path zeroRuns, Path byteRuns, Path bytes) throws IOException {
    // Read a block at a time: the differences of a large pair are megabytes, mostly zeros, and a
    // byte-at-a-time read through a buffered stream took a third of a second on a jar pair.
    try (InputStream in = Files.newInputStream(differences);
        DataOutputStream zeros = new DataOutputStream(
            new BufferedOutputStream(Files.newOutputStream(zeroRuns), BUFFER));
        DataOutputStream runs = new DataOutputStream(
            new BufferedOutputStream(Files.newOutputStream(byteRuns), BUFFER));
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(bytes), BUFFER)) {
      byte[] block = new byte[BUFFER];
      long zeroRun = 0;
      long byteRun = 0;
      int n;
      while ((n = in.read(block)) > 0) {
        int i = 0;
        while (i < n) {
          int start = i;
          if (block[i] == 0) {
            if (byteRun > 0) {
              Varints.write(zeros, zeroRun);
              Varints.write(runs, byteRun);
              zeroRun = 0;
              byteRun = 0;
            }
            while (i < n && block[i] == 0) {
              i++;
            }
            zeroRun += i - start;
          } else {
            while (i < n && block[i] != 0) {
              i++;
            }
            byteRun += i - start;
            out.write(block, start, i - start);
          }
        }
      }
      if (zeroRun > 0 || byteRun > 0) {
        Varints.write(zeros, zeroRun);
        Varints.write(runs, byteRun);
      }
    }
  }

  /** The differences again, read from the three streams; ends where the length streams end. */
  static final class Joined extends InputStream {
    private final InputStream zeroRuns;
    private final InputStream byteRuns;
    private final InputStream bytes;
    private long zerosLeft;
    private long bytesLeft;
    private boolean ended;

    Joined(InputStream zeroRuns, InputStream byteRuns, InputStream bytes) {
      this.zeroRuns = zeroRuns;
      this.byteRuns = byteRuns;
      this.bytes = bytes;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (zerosLeft == 0 && bytesLeft == 0) {
        if (ended || !nextPair()) {
          ended = true;
          return -1;
        }
      }
      if (zerosLeft > 0) {
        int n = (int) Math.min(len, zerosLeft);
        java.util.Arrays.fill(into, off, off + n, (byte) 0);
        zerosLeft -= n;
        return n;
      }
      int n = bytes.read(into, off, (int) Math.min(len, bytesLeft));
      if (n < 0) {
        throw new EOFException("the difference bytes end before their runs do");
      }
      bytesLeft -= n;
      return n;
    }

    /** Reads the next pair of run lengths; false at the end of the zero-run stream. */
    private boolean nextPair() throws IOException {
      int first = zeroRuns.read();
      if (first < 0) {
        if (byteRuns.read() >= 0) {
          throw new EOFException("the zero runs end before the byte runs do");
        }
        // Read to their ends, so that a compressed stream's own checks run to its last byte.
        if (bytes.read() >= 0) {
          throw new EOFException("difference bytes are left over after the last run");
        }
        return false;
      }
      zerosLeft = varint(zeroRuns, first);
      int byteFirst = byteRuns.read();
      if (byteFirst < 0) {
        throw new EOFException("the byte runs end before the zero runs do");
      }
      bytesLeft = varint(byteRuns, byteFirst);
      return true;
    }

    private static long varint(InputStream in, int first) throws IOException {
      long value = first & 0x7f;
      int shift = 7;
      int b = first;
      while ((b & 0x80) != 0) {
        if (shift > 56) {
          throw new EOFException("a run length is longer than any file");
        }
        b = in.read();
        if (b < 0) {
          throw new EOFException("a run length is cut short");
        }
        value |= (long) (b & 0x7f) << shift;
        shift += 7;
      }
      if (value < 0 || value > Varints.MAX) {
        throw new EOFException("a run length is longer than any file");
      }
      return value;
    }

    @Override
    public void close() throws IOException {
      try (zeroRuns;
          byteRuns;
          bytes) {
        // closes all three, in turn, whatever fails
      }
    }
  }
}
