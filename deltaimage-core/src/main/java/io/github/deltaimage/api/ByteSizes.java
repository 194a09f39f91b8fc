package io.github.deltaimage.api;

import java.util.Locale;

/** Byte counts as people read them: SI units, as registries and {@code docker images} show them. */
public final class ByteSizes {
  private ByteSizes() {}

  /** {@code 999 B}, {@code 1.5 kB}, {@code 2.3 MB}, {@code 1.25 GB}; {@code ?} for an unknown (negative) count. */
  public static String format(long bytes) {
    if (bytes < 0) {
      return "?";
    }
    if (bytes < 1_000) {
      return bytes + " B";
    }
    if (bytes < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    }
    if (bytes < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
  }
}
