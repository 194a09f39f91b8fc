package io.github.deltaimage.deflate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** How many bytes two positions have in common, compared eight at a time. */
final class MatchLength {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private MatchLength() {}

  /** Length of the common prefix of a[ai..] and b[bi..], at most {@code max}; both ranges must hold max bytes. */
  static int of(byte[] a, int ai, byte[] b, int bi, int max) {
    int i = 0;
    while (i + 8 <= max) {
      long diff = (long) LONGS.get(a, ai + i) ^ (long) LONGS.get(b, bi + i);
      if (diff != 0) {
        return i + (Long.numberOfTrailingZeros(diff) >>> 3);
      }
      i += 8;
    }
    while (i < max) {
      if (a[ai + i] != b[bi + i]) {
        return i;
      }
      i++;
    }
    return max;
  }
}
