package io.github.deltaimage.deflate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The deflate stream klauspost's pgzip writes (pgzip 1.2): the input cut into blocks (1 MiB by
 * default), each compressed by a fresh klauspost flate writer primed with the last 16 KiB of the
 * previous block and ended with a sync flush; the last block also gets klauspost's Close. Blocks
 * are byte-aligned and independent given their input, so, like pgzip, this compresses them in
 * parallel and writes them in order. See NOTICE.
 */
final class PgzipOutputStream extends OutputStream {

  static final int DEFAULT_BLOCK_SIZE = 1 << 20;
  private static final int TAIL_SIZE = 16384;

  private final OutputStream target;
  private final int level;
  private final int blockSize;
  private final int parallelism;
  private byte[] block;
  private int blockLength;
  private byte[] prevTail;
  private boolean finished;
  private ExecutorService executor;
  private final ArrayDeque<Future<byte[]>> pending = new ArrayDeque<>();

  PgzipOutputStream(OutputStream target, int level, int blockSize) {
    this(target, level, blockSize, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /** With {@code parallelism} blocks compressed at a time (1: all on the writing thread). */
  PgzipOutputStream(OutputStream target, int level, int blockSize, int parallelism) {
    if (blockSize <= TAIL_SIZE) {
      throw new IllegalArgumentException("pgzip block size must be over " + TAIL_SIZE);
    }
    // Fails early on a level that is not modelled.
    new KlauspostFlateWriter(new BitSink(OutputStream.nullOutputStream()), level);
    this.target = target;
    this.level = level;
    this.blockSize = blockSize;
    this.block = new byte[blockSize];
    this.parallelism = Math.max(1, parallelism);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (finished) {
      throw new IOException("stream finished");
    }
    while (len > 0) {
      int n = Math.min(len, blockSize - blockLength);
      System.arraycopy(b, off, block, blockLength, n);
      blockLength += n;
      off += n;
      len -= n;
      if (blockLength == blockSize) {
        submitBlock(false);
      }
    }
  }

  private void submitBlock(boolean last) throws IOException {
    byte[] data = block;
    int length = blockLength;
    byte[] dict = prevTail;
    prevTail = length > TAIL_SIZE ? Arrays.copyOfRange(data, length - TAIL_SIZE, length) : null;
    block = new byte[blockSize];
    blockLength = 0;
    if (parallelism == 1 || (last && pending.isEmpty())) {
      target.write(compress(data, length, dict, last));
      return;
    }
    if (executor == null) {
      executor = Executors.newFixedThreadPool(parallelism, r -> {
        Thread t = new Thread(r, "pgzip-model");
        t.setDaemon(true);
        return t;
      });
    }
    pending.add(executor.submit(() -> compress(data, length, dict, last)));
    while (pending.size() > parallelism || (last && !pending.isEmpty())) {
      writeOldest();
    }
  }

  private void writeOldest() throws IOException {
    try {
      target.write(pending.remove().get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private byte[] compress(byte[] data, int length, byte[] dict, boolean last) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(length / 2 + 64);
    BitSink sink = new BitSink(out);
    KlauspostFlateWriter writer = new KlauspostFlateWriter(sink, level);
    if (dict != null) {
      writer.setDictionary(dict, 0, dict.length);
    }
    writer.write(data, 0, length);
    writer.syncFlush();
    if (last) {
      writer.close();
    }
    sink.drain();
    return out.toByteArray();
  }

  /** Ends the stream (pgzip's Close) without closing the target. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      submitBlock(true);
    } finally {
      if (executor != null) {
        executor.shutdownNow();
      }
    }
  }

  @Override
  public void close() throws IOException {
    finish();
    target.close();
  }
}
