package io.github.deltaimage.deflate;

/** The length and distance code tables of RFC 1951 3.2.5, with extra-bit counts and bases. */
final class DeflateTables {

  private DeflateTables() {}

  /** Extra bits of length codes 257..285, indexed by code - 257. */
  static final int[] LENGTH_EXTRA_BITS = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };

  /** Smallest (length - 3) of each length code. */
  static final int[] LENGTH_BASE = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128,
    160, 192, 224, 255
  };

  static final int[] OFFSET_EXTRA_BITS = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
  };

  /** Smallest (distance - 1) of each distance code. */
  static final int[] OFFSET_BASE = {
    0x000000, 0x000001, 0x000002, 0x000003, 0x000004, 0x000006, 0x000008, 0x00000c, 0x000010,
    0x000018, 0x000020, 0x000030, 0x000040, 0x000060, 0x000080, 0x0000c0, 0x000100, 0x000180,
    0x000200, 0x000300, 0x000400, 0x000600, 0x000800, 0x000c00, 0x001000, 0x001800, 0x002000,
    0x003000, 0x004000, 0x006000
  };

  /** Length code (0..28, add 257) of (length - 3), 0..255. */
  static final int[] LENGTH_CODE = new int[256];

  /** Distance code of (distance - 1) for values below 256; see {@link #offsetCode}. */
  private static final int[] OFFSET_CODE = new int[256];

  static {
    for (int c = 0; c < 29; c++) {
      int end = c < 28 ? LENGTH_BASE[c + 1] : 256;
      for (int len = LENGTH_BASE[c]; len < end; len++) {
        LENGTH_CODE[len] = c;
      }
    }
    for (int c = 0; c < 16; c++) {
      int end = OFFSET_BASE[c + 1];
      for (int off = OFFSET_BASE[c]; off < end; off++) {
        OFFSET_CODE[off] = c;
      }
    }
  }

  /** Distance code of (distance - 1), 0..32767. */
  static int offsetCode(int off) {
    if (off < 256) {
      return OFFSET_CODE[off];
    }
    if ((off >>> 7) < 256) {
      return OFFSET_CODE[off >>> 7] + 14;
    }
    return OFFSET_CODE[off >>> 14] + 28;
  }
}
