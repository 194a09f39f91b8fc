package io.github.deltaimage.maven;

import java.util.Locale;

/** Byte counts as people read them (SI units, as registries and docker show them). */
final class Sizes {
  private Sizes() {}

  static String format(long bytes) {
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
