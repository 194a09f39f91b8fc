package io.github.deltaimage.codec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;

/** LEB128 numbers (7 bits a byte, low first), as the delta formats write counts, lengths and offsets. */
public final class Varints {

  /** Larger values are refused when read: no length or offset in a delta comes near it. */
  public static final long MAX = 1L << 62;

  private Varints() {}

  public static void write(DataOutput out, long value) throws IOException {
    if (value < 0) {
      throw new IllegalArgumentException("negative: " + value);
    }
    while ((value & ~0x7fL) != 0) {
      out.writeByte((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.writeByte((int) value);
  }

  public static long zigzag(long value) {
    return (value << 1) ^ (value >> 63);
  }

  public static long unzigzag(long value) {
    return (value >>> 1) ^ -(value & 1);
  }

  /** Reads numbers, counting the bytes they took; a number above {@link #MAX} is an {@link EOFException} ("too long"). */
  public static final class Counting {
    private final DataInput in;
    private long consumed;

    public Counting(DataInput in) {
      this.in = in;
    }

    public long read() throws IOException {
      long value = 0;
      for (int shift = 0; shift < 63; shift += 7) {
        int b = in.readUnsignedByte();
        consumed++;
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          if (value < 0 || value > MAX) {
            throw new EOFException("number too large");
          }
          return value;
        }
      }
      throw new EOFException("number too long");
    }

    public long consumed() {
      return consumed;
    }
  }
}
