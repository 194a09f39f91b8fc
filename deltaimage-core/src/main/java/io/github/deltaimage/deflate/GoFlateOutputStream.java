package io.github.deltaimage.deflate;

import static io.github.deltaimage.deflate.GoBlockWriter.MATCH;
import static io.github.deltaimage.deflate.GoBlockWriter.MAX_STORE_BLOCK_SIZE;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A raw deflate stream byte-identical to Go's compress/flate Writer before Go 1.27 (deflate.go,
 * deflatefast.go), levels 1 to 9, written and then closed without Flush. Like Go, it ends every
 * stream with an empty final stored block. See NOTICE.
 */
final class GoFlateOutputStream extends OutputStream {

  private static final int WINDOW_SIZE = 1 << 15;
  private static final int WINDOW_MASK = WINDOW_SIZE - 1;
  private static final int BASE_MATCH_LENGTH = 3;
  private static final int MIN_MATCH_LENGTH = 4;
  private static final int MAX_MATCH_LENGTH = 258;
  private static final int BASE_MATCH_OFFSET = 1;
  private static final int MAX_FLATE_BLOCK_TOKENS = 1 << 14;
  private static final int HASH_BITS = 17;
  private static final int HASH_SIZE = 1 << HASH_BITS;
  private static final int HASH_MASK = HASH_SIZE - 1;
  private static final int MAX_HASH_OFFSET = 1 << 24;
  private static final int SKIP_NEVER = Integer.MAX_VALUE;
  private static final int HASH_MUL = 0x1e35a7bd;

  /** level, good, lazy, nice, chain, fastSkipHashing, as Go's levels table. */
  private static final int[][] LEVELS = {
    {0, 0, 0, 0, 0, 0},
    {1, 0, 0, 0, 0, 0},
    {2, 4, 0, 16, 8, 5},
    {3, 4, 0, 32, 32, 6},
    {4, 4, 4, 16, 16, SKIP_NEVER},
    {5, 8, 16, 32, 32, SKIP_NEVER},
    {6, 8, 16, 128, 128, SKIP_NEVER},
    {7, 8, 32, 128, 256, SKIP_NEVER},
    {8, 32, 128, 258, 1024, SKIP_NEVER},
    {9, 32, 258, 258, 4096, SKIP_NEVER},
  };

  private final OutputStream target;
  private final BitSink sink;
  private final GoBlockWriter w;
  private final int level;
  private final int good;
  private final int lazy;
  private final int nice;
  private final int chain;
  private final int fastSkipHashing;

  private final byte[] window;
  private int windowEnd;
  private boolean sync;
  private boolean closed;
  private final int[] tokens;
  private int tokenCount;

  // Levels 2-9.
  private int[] hashHead;
  private int[] hashPrev;
  private int chainHead;
  private int hashOffset;
  private int index;
  private int blockStart;
  private boolean byteAvailable;
  private int length;
  private int offset;
  private int maxInsertIndex;

  // Level 1.
  private GoFastEncoder bestSpeed;

  GoFlateOutputStream(OutputStream target, int level) {
    if (level == -1) {
      level = 6;
    }
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("Go flate level must be 1..9, got " + level);
    }
    this.target = target;
    this.sink = new BitSink(target);
    this.w = new GoBlockWriter(sink);
    int[] p = LEVELS[level];
    this.level = level;
    this.good = p[1];
    this.lazy = p[2];
    this.nice = p[3];
    this.chain = p[4];
    this.fastSkipHashing = p[5];
    if (level == 1) {
      window = new byte[MAX_STORE_BLOCK_SIZE];
      bestSpeed = new GoFastEncoder();
      tokens = new int[MAX_STORE_BLOCK_SIZE + 1];
    } else {
      window = new byte[2 * WINDOW_SIZE];
      hashHead = new int[HASH_SIZE];
      hashPrev = new int[WINDOW_SIZE];
      hashOffset = 1;
      tokens = new int[MAX_FLATE_BLOCK_TOKENS + 1];
      length = MIN_MATCH_LENGTH - 1;
      chainHead = -1;
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (len > 0) {
      step();
      int n = fill(b, off, len);
      off += n;
      len -= n;
    }
  }

  /** Finishes the stream (Go's Close) without closing the target. */
  void finish() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    sync = true;
    step();
    w.writeStoredHeader(0, true);
    sink.alignToByte();
    sink.drain();
  }

  @Override
  public void close() throws IOException {
    finish();
    target.close();
  }

  private void step() throws IOException {
    if (level == 1) {
      encSpeed();
    } else {
      deflate();
    }
  }

  private int fill(byte[] b, int off, int len) {
    if (level == 1) {
      int n = Math.min(len, window.length - windowEnd);
      System.arraycopy(b, off, window, windowEnd, n);
      windowEnd += n;
      return n;
    }
    if (index >= 2 * WINDOW_SIZE - (MIN_MATCH_LENGTH + MAX_MATCH_LENGTH)) {
      System.arraycopy(window, WINDOW_SIZE, window, 0, WINDOW_SIZE);
      index -= WINDOW_SIZE;
      windowEnd -= WINDOW_SIZE;
      if (blockStart >= WINDOW_SIZE) {
        blockStart -= WINDOW_SIZE;
      } else {
        blockStart = Integer.MAX_VALUE;
      }
      hashOffset += WINDOW_SIZE;
      if (hashOffset > MAX_HASH_OFFSET) {
        int delta = hashOffset - 1;
        hashOffset -= delta;
        chainHead -= delta;
        for (int i = 0; i < hashPrev.length; i++) {
          int v = hashPrev[i];
          hashPrev[i] = v > delta ? v - delta : 0;
        }
        for (int i = 0; i < hashHead.length; i++) {
          int v = hashHead[i];
          hashHead[i] = v > delta ? v - delta : 0;
        }
      }
    }
    int n = Math.min(len, window.length - windowEnd);
    System.arraycopy(b, off, window, windowEnd, n);
    windowEnd += n;
    return n;
  }

  private void writeBlock(int idx) throws IOException {
    if (idx > 0) {
      boolean have = blockStart <= idx;
      int start = blockStart;
      blockStart = idx;
      w.writeBlock(tokens, tokenCount, false, have ? window : null, start, have ? idx - start : 0);
    }
  }

  private int hash4(int i) {
    byte[] b = window;
    int v =
        (b[i + 3] & 0xff) | (b[i + 2] & 0xff) << 8 | (b[i + 1] & 0xff) << 16 | (b[i] & 0xff) << 24;
    return (v * HASH_MUL) >>> (32 - HASH_BITS);
  }

  /** Go's findMatch: sets {@link #foundLength} and {@link #foundOffset}; true when found. */
  private int foundLength;

  private int foundOffset;

  private boolean findMatch(int pos, int prevHead, int prevLength, int lookahead) {
    int minMatchLook = Math.min(MAX_MATCH_LENGTH, lookahead);
    byte[] win = window;
    int winLen = pos + minMatchLook;
    int niceLen = Math.min(nice, winLen - pos);
    int tries = chain;
    int len = prevLength;
    int off = 0;
    boolean ok = false;
    if (len >= good) {
      tries >>= 2;
    }
    byte wEnd = win[pos + len];
    int minIndex = pos - WINDOW_SIZE;
    for (int i = prevHead; tries > 0; tries--) {
      if (wEnd == win[i + len]) {
        int n = matchLen(win, i, pos, minMatchLook);
        if (n > len && (n > MIN_MATCH_LENGTH || pos - i <= 4096)) {
          len = n;
          off = pos - i;
          ok = true;
          if (n >= niceLen) {
            break;
          }
          wEnd = win[pos + n];
        }
      }
      if (i == minIndex) {
        break;
      }
      i = hashPrev[i & WINDOW_MASK] - hashOffset;
      if (i < minIndex || i < 0) {
        break;
      }
    }
    foundLength = len;
    foundOffset = off;
    return ok;
  }

  private static int matchLen(byte[] win, int a, int b, int max) {
    return MatchLength.of(win, a, win, b, max);
  }

  private void deflate() throws IOException {
    if (windowEnd - index < MIN_MATCH_LENGTH + MAX_MATCH_LENGTH && !sync) {
      return;
    }
    maxInsertIndex = windowEnd - (MIN_MATCH_LENGTH - 1);
    final boolean skipNever = fastSkipHashing == SKIP_NEVER;
    while (true) {
      int lookahead = windowEnd - index;
      if (lookahead < MIN_MATCH_LENGTH + MAX_MATCH_LENGTH) {
        if (!sync) {
          break;
        }
        if (lookahead == 0) {
          if (byteAvailable) {
            tokens[tokenCount++] = window[index - 1] & 0xff;
            byteAvailable = false;
          }
          if (tokenCount > 0) {
            writeBlock(index);
            tokenCount = 0;
          }
          break;
        }
      }
      if (index < maxInsertIndex) {
        int h = hash4(index) & HASH_MASK;
        chainHead = hashHead[h];
        hashPrev[index & WINDOW_MASK] = chainHead;
        hashHead[h] = index + hashOffset;
      }
      int prevLength = length;
      int prevOffset = offset;
      length = MIN_MATCH_LENGTH - 1;
      offset = 0;
      int minIndex = Math.max(index - WINDOW_SIZE, 0);

      if (chainHead - hashOffset >= minIndex
          && (!skipNever && lookahead > MIN_MATCH_LENGTH - 1
              || skipNever && lookahead > prevLength && prevLength < lazy)) {
        if (findMatch(index, chainHead - hashOffset, MIN_MATCH_LENGTH - 1, lookahead)) {
          length = foundLength;
          offset = foundOffset;
        }
      }
      if (!skipNever && length >= MIN_MATCH_LENGTH
          || skipNever && prevLength >= MIN_MATCH_LENGTH && length <= prevLength) {
        if (!skipNever) {
          tokens[tokenCount++] =
              MATCH | (length - BASE_MATCH_LENGTH) << 22 | (offset - BASE_MATCH_OFFSET);
        } else {
          tokens[tokenCount++] =
              MATCH | (prevLength - BASE_MATCH_LENGTH) << 22 | (prevOffset - BASE_MATCH_OFFSET);
        }
        if (length <= fastSkipHashing) {
          int newIndex = !skipNever ? index + length : index + prevLength - 1;
          int i = index;
          for (i++; i < newIndex; i++) {
            if (i < maxInsertIndex) {
              int h = hash4(i) & HASH_MASK;
              hashPrev[i & WINDOW_MASK] = hashHead[h];
              hashHead[h] = i + hashOffset;
            }
          }
          index = i;
          if (skipNever) {
            byteAvailable = false;
            length = MIN_MATCH_LENGTH - 1;
          }
        } else {
          index += length;
        }
        if (tokenCount == MAX_FLATE_BLOCK_TOKENS) {
          writeBlock(index);
          tokenCount = 0;
        }
      } else {
        if (!skipNever || byteAvailable) {
          int i = skipNever ? index - 1 : index;
          tokens[tokenCount++] = window[i] & 0xff;
          if (tokenCount == MAX_FLATE_BLOCK_TOKENS) {
            writeBlock(i + 1);
            tokenCount = 0;
          }
        }
        index++;
        if (skipNever) {
          byteAvailable = true;
        }
      }
    }
  }

  private void encSpeed() throws IOException {
    if (windowEnd < MAX_STORE_BLOCK_SIZE) {
      if (!sync) {
        return;
      }
      if (windowEnd < 128) {
        if (windowEnd == 0) {
          return;
        } else if (windowEnd <= 16) {
          w.writeStoredHeader(windowEnd, false);
          sink.bytes(window, 0, windowEnd);
        } else {
          w.writeBlockHuff(false, window, 0, windowEnd);
        }
        windowEnd = 0;
        bestSpeed.reset();
        return;
      }
    }
    tokenCount = bestSpeed.encode(tokens, window, windowEnd);
    if (tokenCount > windowEnd - (windowEnd >> 4)) {
      w.writeBlockHuff(false, window, 0, windowEnd);
    } else {
      w.writeBlockDynamic(tokens, tokenCount, false, window, 0, windowEnd);
    }
    windowEnd = 0;
  }
}
