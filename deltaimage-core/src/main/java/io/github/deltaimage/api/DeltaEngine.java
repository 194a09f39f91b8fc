package io.github.deltaimage.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The byte-level engine that encodes an image layer's stream (what the source does not hold
 * verbatim) against its reference (the matched source files). Every engine's delta applies with
 * any choice: the stream says which engine wrote it.
 */
public enum DeltaEngine {
  /**
   * The suffix-array engine, and where its result suggests text that drifts (instructions a large
   * share of it) and the heap allows, the LZMA2-dictionary engine too; the smaller is kept.
   */
  SMALLEST("smallest"),
  /** bsdiff-class: suffix-sorted reference, mismatch-tolerant matches, LZMA2 streams. Best on binaries. */
  SUFFIX_ARRAY("suffix-array"),
  /**
   * LZMA2 with the reference as its preset dictionary. Best on text that drifts; needs about
   * eleven bytes of heap per byte of reference and stream.
   */
  LZMA2_DICTIONARY("lzma2-dictionary"),
  /** xdelta3 (VCDIFF) with the {@link Xdelta3Settings}: the original's engine, fastest to decode. */
  XDELTA3("xdelta3");

  private final String label;

  DeltaEngine(String label) {
    this.label = label;
  }

  /** The name front ends take and print, e.g. {@code suffix-array}. */
  public String label() {
    return label;
  }

  /**
   * The engine named {@code label} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the engines there are, when none is called that
   */
  public static DeltaEngine fromLabel(String label) {
    String wanted = label.trim().toLowerCase(Locale.ROOT);
    for (DeltaEngine engine : values()) {
      if (engine.label.equals(wanted)) {
        return engine;
      }
    }
    throw new IllegalArgumentException("unknown delta engine '" + label + "': use one of "
        + Arrays.stream(values()).map(DeltaEngine::label).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return label;
  }
}
