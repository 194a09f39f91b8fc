package io.github.deltaimage.event;

import io.github.deltaimage.api.CopyEvent;
import io.github.deltaimage.api.DeltaEvent;
import io.github.deltaimage.api.DeltaEventListener;
import io.github.deltaimage.api.FileDecision;

/**
 * Feeds the front end's one {@link DeltaEventListener} from the two channels core reports on: the use
 * cases' ({@link DeltaListener}: steps, file decisions) and the copy's ({@link CopyListener}: blobs,
 * logins, the commit).
 */
public final class Listeners {

  private Listeners() {}

  /** The use cases' channel, delivered to {@code listener}. */
  public static DeltaListener deltaChannel(DeltaEventListener listener) {
    if (listener == DeltaEventListener.NONE) {
      return DeltaListener.NONE;
    }
    return new DeltaListener() {
      @Override
      public void fileDecided(FileDecision decision) {
        listener.onEvent(new DeltaEvent.FileDecided(decision));
      }

      @Override
      public void progress(String step, long done, long total) {
        listener.onEvent(new DeltaEvent.Step(step, done, total));
      }
    };
  }

  /** The copy's channel, delivered to {@code listener}. */
  public static CopyListener copyChannel(DeltaEventListener listener) {
    if (listener == DeltaEventListener.NONE) {
      return CopyListener.NONE;
    }
    return (CopyEvent event) -> listener.onEvent(new DeltaEvent.Copy(event));
  }
}
