package io.github.deltaimage.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ParallelTest {

  @Test
  void bothRunsTheSecondTaskWhileTheFirstIsRunning() throws IOException {
    CountDownLatch secondStarted = new CountDownLatch(1);

    Parallel.Both<Boolean, String> done = new Parallel(2)
        .both(
            // true only when the second task starts before the first one ends
            () -> awaitQuietly(secondStarted), () -> {
              secondStarted.countDown();
              return "second";
            });

    assertThat(done.first()).isTrue();
    assertThat(done.second()).isEqualTo("second");
  }

  @Test
  void withOneThreadBothRunsTheTasksInOrderOnTheCallersThread() throws IOException {
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    Thread caller = Thread.currentThread();

    Parallel.Both<String, String> done = new Parallel(1)
        .both(
            () -> {
              ran.add("first on " + (Thread.currentThread() == caller ? "caller" : "worker"));
              return "a";
            },
            () -> {
              ran.add("second on " + (Thread.currentThread() == caller ? "caller" : "worker"));
              return "b";
            });

    assertThat(ran).containsExactly("first on caller", "second on caller");
    assertThat(done).isEqualTo(new Parallel.Both<>("a", "b"));
  }

  @Test
  void aFailingFirstTaskIsThrownOnlyOnceTheSecondHasFinished() {
    AtomicBoolean secondFinished = new AtomicBoolean();

    assertThatThrownBy(() -> new Parallel(2)
            .both(
                () -> {
                  throw new IOException("first broke");
                },
                () -> {
                  awaitQuietly(new CountDownLatch(1), 300);
                  secondFinished.set(true);
                  return "late";
                }))
        .isInstanceOf(IOException.class)
        .hasMessage("first broke");
    assertThat(secondFinished).isTrue();
  }

  @Test
  void aFailingSecondTaskIsThrownAsItsOwnException() {
    assertThatThrownBy(() -> new Parallel(2).both(() -> "fine", () -> {
          throw new IOException("second broke");
        }))
        .isInstanceOf(IOException.class)
        .hasMessage("second broke");
  }

  @Test
  void pipelineRunsTheProducerOnAWorkerWhileTheCallerConsumes() throws IOException {
    CountDownLatch halfMade = new CountDownLatch(1);
    CountDownLatch halfTaken = new CountDownLatch(1);
    Thread caller = Thread.currentThread();

    Parallel.Both<String, String> done = new Parallel(2)
        .pipeline(
            () -> {
              halfMade.countDown();
              // true only when the consumer took the first half while this was still running
              return (Thread.currentThread() == caller ? "caller" : "worker")
                  + (awaitQuietly(halfTaken) ? " overlapped" : " alone");
            },
            () -> {
              boolean took = awaitQuietly(halfMade);
              halfTaken.countDown();
              return (Thread.currentThread() == caller ? "caller" : "worker")
                  + (took ? " took" : " waited in vain");
            });

    assertThat(done).isEqualTo(new Parallel.Both<>("worker overlapped", "caller took"));
  }

  @Test
  void withOneThreadPipelineMakesEverythingBeforeConsuming() throws IOException {
    List<String> ran = Collections.synchronizedList(new ArrayList<>());

    Parallel.Both<String, String> done = new Parallel(1)
        .pipeline(
            () -> {
              ran.add("producer");
              return "made";
            },
            () -> {
              ran.add("consumer");
              return "taken";
            });

    assertThat(ran).containsExactly("producer", "consumer");
    assertThat(done).isEqualTo(new Parallel.Both<>("made", "taken"));
  }

  private static boolean awaitQuietly(CountDownLatch latch) {
    return awaitQuietly(latch, 10_000);
  }

  private static boolean awaitQuietly(CountDownLatch latch, long millis) {
    try {
      return latch.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
