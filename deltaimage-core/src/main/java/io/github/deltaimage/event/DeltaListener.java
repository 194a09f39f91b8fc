package io.github.deltaimage.event;

import io.github.deltaimage.api.FileDecision;

/** Receives what deltaimage decides and does, for front ends to show as they see fit. Calls may come from several threads. */
public interface DeltaListener {

  /** A listener that ignores everything. */
  DeltaListener NONE = new DeltaListener() {};

  /** How one file of the target is stored in the delta. */
  default void fileDecided(FileDecision decision) {}

  /**
   * Progress of a long step: {@code done} of {@code total} units ({@code total} is -1 when unknown).
   *
   * @param step what is being done, e.g. "reading source layer 2/5"
   */
  default void progress(String step, long done, long total) {}
}
