package io.github.deltaimage.deflate;

import java.io.IOException;

/**
 * klauspost's flate compressor at its fast levels (deflate.go storeFast, klauspost/compress 1.15):
 * input in windows of 65535 bytes, each tokenized and written as a dynamic, Huffman-only or stored
 * block; Flush and Close as klauspost writes them. Only level 5 (its default, what pgzip users
 * get) is modelled so far. See NOTICE.
 */
final class KlauspostFlateWriter {

  private static final int MAX_STORE_BLOCK_SIZE = 65535;
  private static final int MAX_MATCH_OFFSET = 1 << 15;

  private final KlauspostBlockWriter w;
  private final KlauspostLevel5 fast = new KlauspostLevel5();
  private final KlauspostTokens tokens = new KlauspostTokens();
  private final byte[] window = new byte[MAX_STORE_BLOCK_SIZE];
  private int windowEnd;
  private boolean sync;

  KlauspostFlateWriter(BitSink sink, int level) {
    if (level != 5) {
      throw new IllegalArgumentException(
          "klauspost flate level " + level + " is not modelled (only 5)");
    }
    this.w = new KlauspostBlockWriter(sink, 7);
  }

  /** Primes the matcher with a preset dictionary, as NewWriterDict/ResetDict do. */
  void setDictionary(byte[] dict, int off, int len) {
    if (len > MAX_MATCH_OFFSET) {
      off += len - MAX_MATCH_OFFSET;
      len = MAX_MATCH_OFFSET;
    }
    fast.encode(tokens, dict, off, len);
    tokens.reset();
  }

  void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (windowEnd == window.length || sync) {
        storeFast();
      }
      int n = Math.min(len, window.length - windowEnd);
      System.arraycopy(b, off, window, windowEnd, n);
      windowEnd += n;
      off += n;
      len -= n;
    }
  }

  /** Go's Flush: the pending data, then an empty stored block (a sync marker). */
  void syncFlush() throws IOException {
    sync = true;
    storeFast();
    w.writeStoredHeader(0, false);
    w.flush();
    sync = false;
  }

  /** Go's Close: the pending data, then an empty final block. */
  void close() throws IOException {
    sync = true;
    storeFast();
    w.writeStoredHeader(0, true);
    w.flush();
  }

  private void storeFast() throws IOException {
    if (windowEnd < window.length) {
      if (!sync) {
        return;
      }
      if (windowEnd < 128) {
        if (windowEnd == 0) {
          return;
        }
        if (windowEnd <= 32) {
          w.writeStored(window, 0, windowEnd, false);
        } else {
          w.writeBlockHuff(false, window, 0, windowEnd, true);
        }
        tokens.reset();
        windowEnd = 0;
        fast.reset();
        return;
      }
    }
    fast.encode(tokens, window, 0, windowEnd);
    if (tokens.n == 0) {
      w.writeStored(window, 0, windowEnd, false);
    } else if (tokens.n > windowEnd - (windowEnd >> 4)) {
      w.writeBlockHuff(false, window, 0, windowEnd, sync);
    } else {
      w.writeBlockDynamic(tokens, false, window, 0, windowEnd, sync);
    }
    tokens.reset();
    windowEnd = 0;
  }
}
