package io.github.deltaimage.codec;

import java.nio.file.Path;

/**
 * A byte-level delta engine working on files, so that no file is ever held in memory. Both
 * operations either complete or throw; partial output files are the caller's to discard.
 */
public interface DeltaCodec {

  /** A short name for logs and reports, e.g. {@code xdelta3}. */
  String name();

  /** Writes to {@code delta} the bytes that turn {@code source} into {@code target}. */
  void encode(Path source, Path target, Path delta);

  /** Writes to {@code target} what {@code delta} makes of {@code source}. */
  void decode(Path source, Path delta, Path target);

  /**
   * As {@link #decode(Path, Path, Path)}, but refuses the delta as corrupt (an
   * {@link io.github.deltaimage.api.InvalidInputException}) unless it decodes to exactly
   * {@code length} bytes. Engines that can stop the moment the output passes {@code length} do, so a
   * small hostile delta cannot fill the disk; this default checks afterwards.
   */
  default void decode(Path source, Path delta, Path target, long length) {
    decode(source, delta, target);
    long actual;
    try {
      actual = java.nio.file.Files.size(target);
    } catch (java.io.IOException e) {
      throw new io.github.deltaimage.api.EnvironmentException(
          "cannot read " + target + ": " + e.getMessage(), e);
    }
    if (actual != length) {
      throw new io.github.deltaimage.api.InvalidInputException(
          "the delta decodes to " + actual + " bytes instead of the " + length + " it declares");
    }
  }
}
