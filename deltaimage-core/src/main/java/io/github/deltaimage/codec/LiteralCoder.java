package io.github.deltaimage.codec;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Codes the suffix-array engine's new bytes with {@link LiteralModel} and a binary arithmetic coder
 * (32-bit range, carry-less: the range narrows until its top byte is settled, which is then
 * written).
 */
final class LiteralCoder {

  private LiteralCoder() {}

  /** Codes the {@code length} bytes of {@code in} into {@code out}. */
  static void encode(
      byte[] history, int dictionaryLength, InputStream in, long length, OutputStream out)
      throws IOException {
    LiteralModel model = new LiteralModel(history, dictionaryLength, length);
    long low = 0;
    long high = 0xffffffffL;
    byte[] buffer = new byte[1 << 16];
    long done = 0;
    while (done < length) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - done));
      if (n < 0) {
        throw new EOFException();
      }
      for (int i = 0; i < n; i++) {
        int c = buffer[i] & 0xff;
        for (int b = 7; b >= 0; b--) {
          int bit = (c >> b) & 1;
          long mid = low + ((high - low) >>> 12) * model.p();
          if (bit == 1) {
            high = mid;
          } else {
            low = mid + 1;
          }
          model.update(bit);
          while (((low ^ high) & 0xff000000L) == 0) {
            out.write((int) (high >>> 24));
            low = (low << 8) & 0xffffffffL;
            high = ((high << 8) & 0xffffffffL) | 0xff;
          }
        }
      }
      done += n;
    }
    // Four bytes of low pin a value inside the final range.
    for (int i = 0; i < 4; i++) {
      out.write((int) (low >>> 24));
      low = (low << 8) & 0xffffffffL;
    }
  }

  /** The bytes {@link #encode} coded, read back from {@code in}. */
  static final class Decoder extends InputStream {
    private final InputStream in;
    private final LiteralModel model;
    private long remaining;
    private long low;
    private long high = 0xffffffffL;
    private long x;

    Decoder(byte[] history, int dictionaryLength, InputStream in, long length) throws IOException {
      this.in = in;
      this.model = new LiteralModel(history, dictionaryLength, length);
      this.remaining = length;
      for (int i = 0; i < 4; i++) {
        x = (x << 8) | nextByte();
      }
    }

    /**
     * The next coded byte. The decoder reads exactly what the encoder wrote (four bytes, then one
     * per byte the range settles), so running out means the stream was cut short.
     */
    private int nextByte() throws IOException {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the modelled new bytes end early");
      }
      return b;
    }

    @Override
    public int read() throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int c = 0;
      for (int b = 0; b < 8; b++) {
        long mid = low + ((high - low) >>> 12) * model.p();
        int bit = x <= mid ? 1 : 0;
        if (bit == 1) {
          high = mid;
        } else {
          low = mid + 1;
        }
        model.update(bit);
        c = (c << 1) | bit;
        while (((low ^ high) & 0xff000000L) == 0) {
          low = (low << 8) & 0xffffffffL;
          high = ((high << 8) & 0xffffffffL) | 0xff;
          x = ((x << 8) & 0xffffffffL) | nextByte();
        }
      }
      remaining--;
      return c;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(length, remaining);
      for (int i = 0; i < n; i++) {
        into[offset + i] = (byte) read();
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
