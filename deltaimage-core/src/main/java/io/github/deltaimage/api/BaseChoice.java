package io.github.deltaimage.api;

import java.util.List;

/**
 * What a diff against several candidate sources did: the delta made against the winner, and how each
 * candidate was judged.
 *
 * @param summary the delta that was written, made against {@code chosen}
 * @param chosen the candidate the delta records as its source
 * @param candidates every candidate, in the order given
 */
public record BaseChoice(
    ImageDeltaSummary summary, ImageReference chosen, List<Candidate> candidates) {

  /** Copies the candidates, so the value stays as given. */
  public BaseChoice {
    candidates = List.copyOf(candidates);
  }

  /**
   * One candidate source.
   *
   * @param reference where it was read
   * @param imageId its image ID
   * @param sharedLayers how many target layers it already has (they cost nothing)
   * @param neededBytes the estimate: bytes of the target's files whose content it lacks
   * @param deltaBytes the delta layer's size when it was encoded for real, else -1
   */
  public record Candidate(
      ImageReference reference,
      Digest imageId,
      int sharedLayers,
      long neededBytes,
      long deltaBytes) {
    /** Whether this candidate was encoded for real (the best two are), not only estimated. */
    public boolean encoded() {
      return deltaBytes >= 0;
    }
  }
}
