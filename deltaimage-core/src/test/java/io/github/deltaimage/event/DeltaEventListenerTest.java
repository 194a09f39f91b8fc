package io.github.deltaimage.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.image.Digest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DeltaEventListenerTest {

  private static final Digest BLOB = Digest.sha256(new byte[] {1, 2, 3});

  @Test
  void
      one_listener_receives_steps_file_decisions_and_blob_events_in_the_order_they_were_reported() {
    List<DeltaEvent> seen = new CopyOnWriteArrayList<>();
    DeltaEventListener listener = seen::add;
    FileDecision decision =
        new FileDecision("usr/bin/app", FileDecision.Outcome.DELTA, 4096, 120, null);

    listener.asDeltaListener().progress("reading source layer 1/2", 0, 2);
    listener.asCopyListener().onEvent(new CopyEvent.BlobProgress(BLOB, 512, 1024));
    listener.asDeltaListener().fileDecided(decision);

    assertThat(seen)
        .containsExactly(
            new DeltaEvent.Step("reading source layer 1/2", 0, 2),
            new DeltaEvent.Copy(new CopyEvent.BlobProgress(BLOB, 512, 1024)),
            new DeltaEvent.FileDecided(decision));
  }

  @Test
  void the_listener_that_ignores_everything_accepts_both_channels() {
    DeltaEventListener.NONE.asDeltaListener().progress("writing", 0, -1);
    DeltaEventListener.NONE.asCopyListener().onEvent(new CopyEvent.BlobDone(BLOB, 3));
    assertThat(DeltaEventListener.NONE).isNotNull();
  }
}
