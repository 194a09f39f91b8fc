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
}
