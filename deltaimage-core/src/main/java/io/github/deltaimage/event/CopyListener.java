package io.github.deltaimage.event;

import io.github.deltaimage.api.CopyEvent;

/** Receives {@link CopyEvent}s, on the copying thread; must return quickly. */
@FunctionalInterface
public interface CopyListener {
  CopyListener NONE = e -> {};

  void onEvent(CopyEvent event);
}
