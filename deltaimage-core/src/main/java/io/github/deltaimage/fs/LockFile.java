package io.github.deltaimage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a lock file, held across processes (an fcntl lock via {@link FileChannel#lock},
 * which the kernel drops when its process dies, even by {@code kill -9}) and across the threads of
 * this JVM (fcntl locks belong to the process, so a plain lock orders the threads).
 *
 * <p>A holder that is about to remove the directory of the lock file {@link #retire}s it first: a
 * live lock file is empty, a retired one is not, so a waiter that wakes up holding a file that has
 * just been removed sees that and starts over on the path.
 */
public final class LockFile implements AutoCloseable {

  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  private final ReentrantLock threads;
  private final FileChannel channel;
  private final FileLock lock;

  private LockFile(ReentrantLock threads, FileChannel channel, FileLock lock) {
    this.threads = threads;
    this.channel = channel;
    this.lock = lock;
  }

  /** Blocks until {@code file} (created when missing; its directory must exist) is locked by this thread. */
  public static LockFile acquire(Path file) throws IOException {
    return acquire(file, Long.MAX_VALUE);
  }

  /** As {@link #acquire(Path)}, giving up (null) after {@code timeoutMillis}; for shutdown hooks, which must not hang. */
  public static LockFile tryAcquire(Path file, long timeoutMillis) throws IOException {
    return acquire(file, timeoutMillis);
  }

  private static LockFile acquire(Path file, long timeoutMillis) throws IOException {
    long deadline = timeoutMillis == Long.MAX_VALUE
        ? Long.MAX_VALUE
        : System.nanoTime() + timeoutMillis * 1_000_000;
    Path key = file.toAbsolutePath().normalize();
    ReentrantLock threads = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
    if (deadline == Long.MAX_VALUE) {
      threads.lock();
    } else {
      try {
        if (!threads.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) {
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    try {
      while (true) {
        FileChannel channel = FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
          FileLock lock = deadline == Long.MAX_VALUE ? channel.lock() : pollLock(channel, deadline);
          if (lock == null) {
            channel.close();
            threads.unlock();
            return null;
          }
          if (channel.size() == 0) {
            return new LockFile(threads, channel, lock);
          }
        } catch (IOException | RuntimeException e) {
          channel.close();
          throw e;
        }
        channel.close();
        // Retired by a holder that removed it: the next open creates a fresh one.
      }
    } catch (IOException | RuntimeException e) {
      threads.unlock();
      throw e;
    }
  }

  private static FileLock pollLock(FileChannel channel, long deadline) throws IOException {
    while (true) {
      FileLock lock = channel.tryLock();
      if (lock != null || System.nanoTime() > deadline) {
        return lock;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /** Marks the file as given up, before its holder removes it (and its directory). */
  public void retire() throws IOException {
    channel.write(ByteBuffer.wrap(new byte[] {'x'}), 0);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      threads.unlock();
    }
  }
}
