package io.github.deltaimage.api;

/**
 * Everything deltaimage reports while it works, as one closed set, so a front end can handle it with one
 * listener and one {@code switch}: steps of a use case, the decision for each file, and the copy's blob
 * events, delivered to the one {@link DeltaEventListener} of {@link DeltaOptions#listener()}.
 */
public sealed interface DeltaEvent {

  /**
   * Progress of a long step: {@code done} of {@code total} units ({@code total} is -1 when unknown).
   *
   * @param what what is being done, e.g. "reading source layer 2/5"
   */
  record Step(String what, long done, long total) implements DeltaEvent {}

  /** How one file of the target is stored in the delta. */
  record FileDecided(FileDecision decision) implements DeltaEvent {}

  /** What the image copy under a use case reports: the source resolved, blobs moving, the commit. */
  record Copy(CopyEvent event) implements DeltaEvent {}
}
