package io.github.deltaimage.fs;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * A file that another thread (or a process it runs) writes front to back while this thread reads
 * it: a read of a range waits until the writer has got past it, so the reader works behind the
 * writer instead of after it. The writer says when it has ended, and with what failure; a reader
 * waiting for bytes that never came then gets that failure.
 *
 * <p>Whoever reads this way must check what it read afterwards (a layer's diff_id, say): a writer
 * that went back over bytes it had already written would then show as a failed check, never as a
 * wrong result.
 */
public final class GrowingFile implements AutoCloseable {

  /** How long a reader that caught up with the writer sleeps before it looks again. */
  private static final long POLL_NANOS = 200_000;

  private final FileChannel channel;
  private volatile boolean ended;
  private volatile Throwable failure;

  private GrowingFile(FileChannel channel) {
    this.channel = channel;
  }

  /** Opens {@code file} for reading as it grows, creating it empty when the writer has not yet. */
  public static GrowingFile open(Path file) throws IOException {
    try {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      // the writer got there first
    }
    return new GrowingFile(FileChannel.open(file, StandardOpenOption.READ));
  }

  /** Called once the writer is done and has closed the file: with what it failed of, or null. */
  public void ended(Throwable writerFailure) {
    failure = writerFailure;
    ended = true;
  }

  /**
   * Writes {@code length} bytes of the file from {@code offset} to {@code to}, each piece as soon as
   * the writer has written it.
   */
  public void copy(long offset, long length, OutputStream to) throws IOException {
    long done = 0;
    while (done < length) {
      long available = awaitPast(offset + done) - (offset + done);
      long n = Math.min(length - done, available);
      FileRanges.copy(channel, offset + done, n, to);
      done += n;
    }
  }

  /** Waits until the file holds more than {@code position} bytes, and returns its size then. */
  private long awaitPast(long position) throws IOException {
    long size = channel.size();
    while (size <= position) {
      if (ended) {
        size = channel.size();
        if (size > position) {
          break;
        }
        throw writerFailure(position);
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) {
        throw new InterruptedIOException("interrupted while waiting for " + position + " bytes");
      }
      size = channel.size();
    }
    return size;
  }

  /**
   * What a reader waiting for bytes the ended writer never wrote gets: the writer's own failure
   * (unchecked ones thrown from here), or the file's end when the writer ended well but short.
   */
  private IOException writerFailure(long position) throws IOException {
    Throwable cause = failure;
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new EOFException(
        "the file ended at " + channel.size() + " bytes, before byte " + position + " was written");
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
