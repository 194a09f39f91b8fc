package io.github.deltaimage.api;

/**
 * Receives every {@link DeltaEvent} of a run: the one listener a front end gives in {@link
 * DeltaOptions#listener()}. Calls may come from several threads and must return quickly.
 */
@FunctionalInterface
public interface DeltaEventListener {

  /** A listener that ignores everything. */
  DeltaEventListener NONE = event -> {};

  /** Told about one event. */
  void onEvent(DeltaEvent event);
}
