package io.github.deltaimage.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.CopyEvent;
import io.github.deltaimage.api.DeltaEvent;
import io.github.deltaimage.api.DeltaEventListener;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.FileDecision;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ListenersTest {

  private static final Digest BLOB = Digest.sha256(new byte[] {1, 2, 3});

  @Test
  void
      one_listener_receives_steps_file_decisions_and_blob_events_in_the_order_they_were_reported() {
    List<DeltaEvent> seen = new CopyOnWriteArrayList<>();
    DeltaEventListener listener = seen::add;
    FileDecision decision =
        new FileDecision("usr/bin/app", FileDecision.Outcome.DELTA, 4096, 120, null);

    Listeners.deltaChannel(listener).progress("reading source layer 1/2", 0, 2);
    Listeners.copyChannel(listener).onEvent(new CopyEvent.BlobProgress(BLOB, 512, 1024));
    Listeners.deltaChannel(listener).fileDecided(decision);

    assertThat(seen)
        .containsExactly(
            new DeltaEvent.Step("reading source layer 1/2", 0, 2),
            new DeltaEvent.Copy(new CopyEvent.BlobProgress(BLOB, 512, 1024)),
            new DeltaEvent.FileDecided(decision));
  }

  @Test
  void nobody_listening_costs_no_event_objects() {
    assertThat(Listeners.deltaChannel(DeltaEventListener.NONE)).isSameAs(DeltaListener.NONE);
    assertThat(Listeners.copyChannel(DeltaEventListener.NONE)).isSameAs(CopyListener.NONE);
  }
}
