package io.github.deltaimage.api;

/**
 * How xdelta3 is asked to encode. The defaults favour small deltas: the strongest level, LZMA
 * secondary compression and a source window that covers the whole source up to {@code maxWindow}
 * (beyond it xdelta3 only finds matches near the current position, and its memory grows with the
 * window). Decoding needs none of these: VCDIFF records the secondary compressor itself.
 *
 * @param level compression level, 0 (fastest) to 9 (smallest)
 * @param secondary secondary compressor: {@code lzma}, {@code djw}, {@code fgk} or {@code none}
 * @param maxWindow upper bound of the source window in bytes
 */
public record Xdelta3Settings(int level, String secondary, long maxWindow) {

  /** xdelta3's own ceiling for {@code -B}. */
  public static final long MAX_WINDOW = 1L << 31;

  private static final long MIN_WINDOW = 1L << 20;

  /** Level 9, lzma secondary compression, windows up to 512 MiB. */
  public static Xdelta3Settings defaults() {
    return new Xdelta3Settings(9, "lzma", 512L << 20);
  }

  /** Checks the level, the secondary compressor and the window. */
  public Xdelta3Settings {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException("xdelta3 level must be 0..9, was " + level);
    }
    if (!secondary.matches("lzma|djw|fgk|none")) {
      throw new IllegalArgumentException(
          "xdelta3 secondary compressor must be lzma, djw, fgk or none, was " + secondary);
    }
    if (maxWindow < MIN_WINDOW || maxWindow > MAX_WINDOW) {
      throw new IllegalArgumentException("xdelta3 window must be 1 MiB..2 GiB, was " + maxWindow);
    }
  }

  /** The {@code -W} value for a target of {@code targetSize} bytes: a power of two covering it, 64 KiB to xdelta3's 16 MiB. */
  public static long inputWindowFor(long targetSize) {
    long window = 64L << 10;
    while (window < targetSize && window < (16L << 20)) {
      window <<= 1;
    }
    return window;
  }

  /** The {@code -B} value for a source of {@code sourceSize} bytes: the next power of two that covers it. */
  public long windowFor(long sourceSize) {
    long window = MIN_WINDOW;
    while (window < sourceSize && window < maxWindow) {
      window <<= 1;
    }
    return Math.min(window, maxWindow);
  }
}
