package io.github.deltaimage.event;

/**
 * Receives every {@link DeltaEvent}; calls may come from several threads and must return quickly.
 * {@link #asDeltaListener()} and {@link #asCopyListener()} feed it from the two channels the use cases and
 * the copy report on, so a front end passes one listener to both.
 */
@FunctionalInterface
public interface DeltaEventListener {

  /** A listener that ignores everything. */
  DeltaEventListener NONE = event -> {};

  void onEvent(DeltaEvent event);

  /** The use cases' channel (steps and file decisions), delivered here. */
  default DeltaListener asDeltaListener() {
    DeltaEventListener target = this;
    return new DeltaListener() {
      @Override
      public void fileDecided(FileDecision decision) {
        target.onEvent(new DeltaEvent.FileDecided(decision));
      }

      @Override
      public void progress(String step, long done, long total) {
        target.onEvent(new DeltaEvent.Step(step, done, total));
      }
    };
  }

  /** The copy's channel (blob events), delivered here. */
  default CopyListener asCopyListener() {
    return event -> onEvent(new DeltaEvent.Copy(event));
  }
}
