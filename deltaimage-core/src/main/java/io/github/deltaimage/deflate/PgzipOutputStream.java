package io.github.deltaimage.deflate;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The deflate stream klauspost's pgzip writes (pgzip 1.2): the input cut into blocks (1 MiB by
 * default), each compressed by a fresh klauspost flate writer primed with the last 16 KiB of the
 * previous block and ended with a sync flush; the last block also gets klauspost's Close. pgzip
 * compresses the blocks in parallel, which does not change the bytes. See NOTICE.
 */
final class PgzipOutputStream extends OutputStream {

  static final int DEFAULT_BLOCK_SIZE = 1 << 20;
  private static final int TAIL_SIZE = 16384;

  private final OutputStream target;
  private final BitSink sink;
  private final int level;
  private final byte[] block;
  private int blockLength;
  private byte[] prevTail;
  private boolean finished;

  PgzipOutputStream(OutputStream target, int level, int blockSize) {
    if (blockSize <= TAIL_SIZE) {
      throw new IllegalArgumentException("pgzip block size must be over " + TAIL_SIZE);
    }
    this.target = target;
    this.sink = new BitSink(target);
    this.level = level;
    this.block = new byte[blockSize];
    // Fails early on a level that is not modelled.
    new KlauspostFlateWriter(sink, level);
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
      int n = Math.min(len, block.length - blockLength);
      System.arraycopy(b, off, block, blockLength, n);
      blockLength += n;
      off += n;
      len -= n;
      if (blockLength == block.length) {
        compressBlock(false);
      }
    }
  }

  private void compressBlock(boolean last) throws IOException {
    KlauspostFlateWriter writer = new KlauspostFlateWriter(sink, level);
    if (prevTail != null) {
      writer.setDictionary(prevTail, 0, prevTail.length);
    }
    prevTail = blockLength > TAIL_SIZE
        ? java.util.Arrays.copyOfRange(block, blockLength - TAIL_SIZE, blockLength)
        : null;
    writer.write(block, 0, blockLength);
    writer.syncFlush();
    if (last) {
      writer.close();
    }
    blockLength = 0;
  }

  /** Ends the stream (pgzip's Close) without closing the target. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    compressBlock(true);
    sink.drain();
  }

  @Override
  public void close() throws IOException {
    finish();
    target.close();
  }
}
