package io.github.deltaimage.work;

import io.github.deltaimage.api.EnvironmentException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;

/** Runs independent per-file work on a fixed number of threads; results keep the input order, the first failure wins. */
public final class Parallel {

  private final int threads;

  public Parallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    this.threads = threads;
  }

  private static final ThreadFactory WORKERS = runnable -> {
    Thread thread = new Thread(runnable, "deltaimage-worker");
    thread.setDaemon(true);
    return thread;
  };

  /** Work that may fail with an I/O error. */
  @FunctionalInterface
  public interface Task<T> {
    T run() throws IOException;
  }

  /** The results of two tasks run by {@link #both}. */
  public record Both<A, B>(A first, B second) {}

  /**
   * Runs two independent tasks, {@code second} on a worker while this thread runs {@code first}
   * (one after the other when there is one thread). The first failure wins; neither task is still
   * running when this returns or throws.
   */
  public <A, B> Both<A, B> both(Task<A> first, Task<B> second) throws IOException {
    if (threads == 1) {
      A a = first.run();
      return new Both<>(a, second.run());
    }
    ExecutorService pool = Executors.newSingleThreadExecutor(WORKERS);
    try {
      Future<B> other = pool.submit(second::run);
      A a;
      try {
        a = first.run();
      } catch (IOException | RuntimeException | Error e) {
        awaitQuietly(other);
        throw e;
      }
      return new Both<>(a, resultOf(other));
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs {@code producer} on a worker while this thread runs {@code consumer}, which takes what the
   * producer makes as it is made (through a {@link io.github.deltaimage.fs.GrowingFile}, say), so
   * it must not wait for anything the producer has not been started on: with one thread the
   * producer runs first, then the consumer. Failures as {@link #both}.
   */
  public <P, C> Both<P, C> pipeline(Task<P> producer, Task<C> consumer) throws IOException {
    if (threads == 1) {
      P made = producer.run();
      return new Both<>(made, consumer.run());
    }
    Both<C, P> ran = both(consumer, producer);
    return new Both<>(ran.second(), ran.first());
  }

  private static <T> T resultOf(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw unchecked(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted", e);
    }
  }

  /** A task's failure as thrown to the caller: itself when unchecked, else wrapped. */
  private static RuntimeException unchecked(ExecutionException e) {
    if (e.getCause() instanceof RuntimeException runtime) {
      return runtime;
    }
    if (e.getCause() instanceof Error error) {
      throw error;
    }
    return new EnvironmentException("work failed: " + e.getCause(), e.getCause());
  }

  /** Waits for a task whose result no longer matters, so that it stops touching shared files. */
  private static void awaitQuietly(Future<?> future) {
    try {
      future.get();
    } catch (ExecutionException e) {
      // the failure already being thrown wins
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public <T, R> List<R> map(List<T> items, Function<T, R> work) {
    if (threads == 1 || items.size() < 2) {
      return items.stream().map(work).toList();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()), WORKERS);
    try {
      List<Future<R>> futures = new ArrayList<>(items.size());
      for (T item : items) {
        futures.add(pool.submit(() -> work.apply(item)));
      }
      List<R> results = new ArrayList<>(items.size());
      for (Future<R> future : futures) {
        results.add(future.get());
      }
      return results;
    } catch (ExecutionException e) {
      throw unchecked(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
