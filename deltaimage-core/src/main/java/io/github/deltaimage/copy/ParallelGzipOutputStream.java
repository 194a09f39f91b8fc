package io.github.deltaimage.copy;

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
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip on several cores, the way pigz does it: the input is cut into 1 MiB blocks, each deflated
 * on its own thread with the previous block's last 32 KiB as dictionary (so the ratio stays that of
 * plain gzip) and ended with a sync flush, and the pieces are written in order as one gzip member.
 * Compressing layers is what limits a copy from the daemon or an archive to a registry, and the JDK's
 * GZIPOutputStream uses one core.
 *
 * <p>At most {@code 2 x threads} blocks are in flight, a few MiB whatever the layer's size.
 */
final class ParallelGzipOutputStream extends OutputStream {
  private static final int BLOCK = 1 << 20;
  private static final int DICTIONARY = 32 * 1024;

  private final OutputStream out;
  private final int level;
  private final ExecutorService pool;
  private final int maxPending;
  private final ArrayDeque<Future<byte[]>> pending = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private byte[] block = new byte[BLOCK];
  private int fill;
  private byte[] previousTail;
  private long total;
  private boolean closed;

  ParallelGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
    this.out = out;
    this.level = level < 0 || level > 9 ? Deflater.DEFAULT_COMPRESSION : level;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "deltaimage-gzip");
      t.setDaemon(true);
      return t;
    });
    this.maxPending = 2 * threads;
    // gzip header: deflate, no name, no mtime (reproducible), OS unknown
    out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    crc.update(b, off, len);
    total += len;
    while (len > 0) {
      int n = Math.min(len, BLOCK - fill);
      System.arraycopy(b, off, block, fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == BLOCK) {
        submit(false);
      }
    }
  }

  private void submit(boolean last) throws IOException {
    byte[] input = fill == block.length ? block : Arrays.copyOf(block, fill);
    byte[] dictionary = previousTail;
    previousTail = input.length >= DICTIONARY ? Arrays.copyOfRange(input, input.length - DICTIONARY, input.length) : null;
    int lvl = level;
    pending.add(pool.submit(() -> deflate(input, dictionary, lvl, last)));
    block = new byte[BLOCK];
    fill = 0;
    while (pending.size() >= maxPending) {
      drainOne();
    }
  }

  private static byte[] deflate(byte[] input, byte[] dictionary, int level, boolean last) {
    Deflater d = new Deflater(level, true);
    try {
      if (dictionary != null) {
        d.setDictionary(dictionary);
      }
      d.setInput(input);
      ByteArrayOutputStream o = new ByteArrayOutputStream(input.length / 2 + 64);
      byte[] buf = new byte[64 * 1024];
      if (last) {
        d.finish();
        while (!d.finished()) {
          o.write(buf, 0, d.deflate(buf));
        }
      } else {
        int n;
        do {
          n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
          o.write(buf, 0, n);
        } while (n == buf.length || !d.needsInput());
      }
      return o.toByteArray();
    } finally {
      d.end();
    }
  }

  private void drainOne() throws IOException {
    Future<byte[]> f = pending.poll();
    try {
      out.write(f.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      throw new IOException("compression failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      submit(true);
      while (!pending.isEmpty()) {
        drainOne();
      }
      long c = crc.getValue();
      out.write(new byte[] {
        (byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
        (byte) total, (byte) (total >>> 8), (byte) (total >>> 16), (byte) (total >>> 24)
      });
      out.close();
    } finally {
      pool.shutdownNow();
    }
  }
}
