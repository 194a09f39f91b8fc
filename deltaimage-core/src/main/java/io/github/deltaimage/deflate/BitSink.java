package io.github.deltaimage.deflate;

import java.io.IOException;
import java.io.OutputStream;

/** Deflate's LSB-first bit order onto an {@link OutputStream}, buffered. */
final class BitSink {

  private final OutputStream out;
  private final byte[] buffer = new byte[64 * 1024];
  private int used;
  private long bits;
  private int count;

  BitSink(OutputStream out) {
    this.out = out;
  }

  /** Appends the low {@code n} bits of {@code value} (n <= 32, value non-negative). */
  void bits(int value, int n) throws IOException {
    bits |= ((long) value) << count;
    count += n;
    if (count >= 48) {
      if (used > buffer.length - 8) {
        drain();
      }
      long b = bits;
      byte[] buf = buffer;
      int u = used;
      buf[u] = (byte) b;
      buf[u + 1] = (byte) (b >>> 8);
      buf[u + 2] = (byte) (b >>> 16);
      buf[u + 3] = (byte) (b >>> 24);
      buf[u + 4] = (byte) (b >>> 32);
      buf[u + 5] = (byte) (b >>> 40);
      used = u + 6;
      bits = b >>> 48;
      count -= 48;
    }
  }

  /** Pads with zero bits to a byte boundary. */
  void alignToByte() throws IOException {
    while (count > 0) {
      if (used == buffer.length) {
        drain();
      }
      buffer[used++] = (byte) bits;
      bits >>>= 8;
      count = Math.max(0, count - 8);
    }
    bits = 0;
    count = 0;
  }

  /** Raw bytes; the writer must be byte-aligned. */
  void bytes(byte[] b, int off, int len) throws IOException {
    if ((count & 7) != 0) {
      throw new IllegalStateException("raw bytes at a bit offset");
    }
    alignToByte();
    if (len > buffer.length - used) {
      drain();
      if (len > buffer.length) {
        out.write(b, off, len);
        return;
      }
    }
    System.arraycopy(b, off, buffer, used, len);
    used += len;
  }

  /** Hands what is buffered (whole bytes only) to the stream. */
  void drain() throws IOException {
    if (used > 0) {
      out.write(buffer, 0, used);
      used = 0;
    }
  }
}
