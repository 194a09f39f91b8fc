package io.github.deltaimage.format.image;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A target tar header told as its matched source header with some fields replaced: a rebuilt image
 * changes one mtime per member, an upgrade a size and an mtime, and the checksum follows from the
 * rest. The fields that differ are stored whole (a new mtime shared by every member compresses to
 * nothing, where its difference from each old mtime would not); the checksum is recomputed in the
 * source field's own layout (digit count, terminators) and stored only when that does not give it.
 */
final class HeaderPrediction {

  static final int BLOCK = 512;
  private static final int[] OFFSETS = {
    0, 100, 108, 116, 124, 136, 148, 156, 157, 257, 263, 265, 297, 329, 337, 345, 500
  };
  private static final int[] WIDTHS = {100, 8, 8, 8, 12, 12, 8, 1, 100, 6, 2, 32, 32, 8, 8, 155, 12
  };
  private static final int CHECKSUM = 6;
  static final int FIELDS = OFFSETS.length;

  private HeaderPrediction() {}

  /** The fields (bit i: field i) that differ, and their target bytes in field order. */
  record Patch(int mask, byte[] fields) {
    Patch {
      if (fields.length != length(mask)) {
        throw new IllegalArgumentException("fields do not match the mask");
      }
    }
  }

  /** How many field bytes a mask carries. */
  static int length(int mask) {
    int total = 0;
    for (int i = 0; i < FIELDS; i++) {
      if ((mask & (1 << i)) != 0) {
        total += WIDTHS[i];
      }
    }
    return total;
  }

  /** The patch that turns {@code source} into {@code target} (both one header block). */
  static Patch between(byte[] source, byte[] target) {
    int mask = 0;
    for (int i = 0; i < FIELDS; i++) {
      if (i != CHECKSUM
          && !Arrays.equals(
              source,
              OFFSETS[i],
              OFFSETS[i] + WIDTHS[i],
              target,
              OFFSETS[i],
              OFFSETS[i] + WIDTHS[i])) {
        mask |= 1 << i;
      }
    }
    byte[] predicted = apply(source, new Patch(mask, fields(target, mask)));
    if (predicted == null
        || !Arrays.equals(
            predicted,
            OFFSETS[CHECKSUM],
            OFFSETS[CHECKSUM] + WIDTHS[CHECKSUM],
            target,
            OFFSETS[CHECKSUM],
            OFFSETS[CHECKSUM] + WIDTHS[CHECKSUM])) {
      mask |= 1 << CHECKSUM;
    }
    return new Patch(mask, fields(target, mask));
  }

  /** The header {@code patch} makes of {@code source}, or null when its checksum cannot be predicted. */
  static byte[] apply(byte[] source, Patch patch) {
    byte[] header = source.clone();
    int at = 0;
    for (int i = 0; i < FIELDS; i++) {
      if ((patch.mask() & (1 << i)) != 0) {
        System.arraycopy(patch.fields(), at, header, OFFSETS[i], WIDTHS[i]);
        at += WIDTHS[i];
      }
    }
    if ((patch.mask() & (1 << CHECKSUM)) != 0) {
      return header;
    }
    return checksum(header, source) ? header : null;
  }

  /** Writes the checksum of {@code header} into it, laid out as in {@code source}; false when it does not fit. */
  private static boolean checksum(byte[] header, byte[] source) {
    int from = OFFSETS[CHECKSUM];
    int to = from + WIDTHS[CHECKSUM];
    int digits = from;
    while (digits < to && source[digits] == ' ') {
      digits++;
    }
    int end = digits;
    while (end < to && source[end] >= '0' && source[end] <= '7') {
      end++;
    }
    if (end == digits) {
      return false;
    }
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += i >= from && i < to ? ' ' : header[i] & 0xff;
    }
    String octal = Long.toOctalString(sum);
    if (octal.length() > end - digits) {
      return false;
    }
    System.arraycopy(source, from, header, from, WIDTHS[CHECKSUM]);
    for (int i = end - 1, j = octal.length() - 1; i >= digits; i--, j--) {
      header[i] = (byte) (j >= 0 ? octal.charAt(j) : '0');
    }
    return true;
  }

  private static byte[] fields(byte[] header, int mask) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < FIELDS; i++) {
      if ((mask & (1 << i)) != 0) {
        out.write(header, OFFSETS[i], WIDTHS[i]);
      }
    }
    return out.toByteArray();
  }
}
