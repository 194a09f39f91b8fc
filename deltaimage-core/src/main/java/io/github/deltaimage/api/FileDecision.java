package io.github.deltaimage.api;

/**
 * How one target file is stored in a delta.
 *
 * @param path the file's path in the target, readable form
 * @param outcome what was done with it
 * @param targetSize its size in the target
 * @param storedSize the bytes the delta holds for it
 * @param reason why, when the outcome needs one (e.g. why no delta was used)
 */
public record FileDecision(
    String path, Outcome outcome, long targetSize, long storedSize, String reason) {

  /** What the delta holds for a file. */
  public enum Outcome {
    /** Same bytes as a source file: nothing stored. */
    KEPT_FROM_SOURCE,
    /** A binary delta against a source file. */
    DELTA,
    /** The file whole: a delta did not help. */
    STORED_WHOLE,
    /** The file whole: no source file to delta against. */
    NEW
  }
}
