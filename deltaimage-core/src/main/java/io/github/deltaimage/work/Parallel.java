package io.github.deltaimage.work;

import io.github.deltaimage.api.EnvironmentException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

  public <T, R> List<R> map(List<T> items, Function<T, R> work) {
    if (threads == 1 || items.size() < 2) {
      return items.stream().map(work).toList();
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(threads, items.size()), runnable -> {
          Thread thread = new Thread(runnable, "deltaimage-worker");
          thread.setDaemon(true);
          return thread;
        });
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
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new EnvironmentException("work failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
