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
import java.util.concurrent.atomic.AtomicInteger;
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
  void runAllRunsTasksThatFitTheMemoryTogether() throws IOException {
    CountDownLatch bothStarted = new CountDownLatch(2);
    AtomicBoolean metTheOther = new AtomicBoolean(true);
    Parallel.Task<Void> meet = () -> {
      bothStarted.countDown();
      // false when the other task never started while this one ran
      if (!awaitQuietly(bothStarted)) {
        metTheOther.set(false);
      }
      return null;
    };

    new Parallel(2)
        .runAll(List.of(new Parallel.Sized(400, meet), new Parallel.Sized(600, meet)), 1000 << 10);

    assertThat(metTheOther).isTrue();
  }

  @Test
  void runAllRunsTasksThatDoNotFitTogetherOneAfterTheOther() throws IOException {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Parallel.Sized> tasks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      // each needs 600 KiB of 1000: two at once would be 1200
      tasks.add(new Parallel.Sized(600 << 10, () -> {
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        awaitQuietly(new CountDownLatch(1), 50);
        running.decrementAndGet();
        return null;
      }));
    }
    // and one larger than the whole budget still runs, alone
    AtomicBoolean hugeRan = new AtomicBoolean();
    tasks.add(new Parallel.Sized(1L << 40, () -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      hugeRan.set(true);
      running.decrementAndGet();
      return null;
    }));

    new Parallel(2).runAll(tasks, 1000 << 10);

    assertThat(most).hasValue(1);
    assertThat(hugeRan).isTrue();
  }

  @Test
  void runAllThrowsTheFirstFailureAndStartsNothingAfterIt() {
    AtomicInteger ranAfter = new AtomicInteger();
    List<Parallel.Sized> tasks = new ArrayList<>();
    tasks.add(new Parallel.Sized(1 << 20, () -> {
      throw new IOException("disk full");
    }));
    for (int i = 0; i < 20; i++) {
      // each takes the whole budget, so none starts beside the failing one
      tasks.add(new Parallel.Sized(1 << 20, () -> {
        ranAfter.incrementAndGet();
        return null;
      }));
    }

    assertThatThrownBy(() -> new Parallel(2).runAll(tasks, 1 << 20))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");
    assertThat(ranAfter).hasValue(0);
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
