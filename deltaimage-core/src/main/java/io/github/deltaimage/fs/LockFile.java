package io.github.deltaimage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
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

  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

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
    Path key = file.toAbsolutePath().normalize();
    ReentrantLock threads = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
    threads.lock();
    try {
      while (true) {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
          FileLock lock = channel.lock();
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
