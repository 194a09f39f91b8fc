package io.github.deltaimage.deflate;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The raw deflate stream zlib 1.2.x writes with its defaults (window 15 bits, memLevel 8, default
 * strategy) when given input and then Z_FINISH, as java.util.zip's Deflater and GZIPOutputStream
 * do: fast matching at levels 1-3, lazy at 4-9, no hash insertion or match past the input, blocks
 * of at most 16383 symbols. Its output does not depend on how the input is chunked. Written from
 * the published algorithm (deflate.c and trees.c design by Jean-loup Gailly and Mark Adler); it
 * makes exactness independent of the platform's zlib (zlib-ng, for one, writes other bytes).
 */
final class ZlibOutputStream extends OutputStream {

  private static final int W_SIZE = 1 << 15;
  private static final int W_MASK = W_SIZE - 1;
  private static final int WINDOW_SIZE = 2 * W_SIZE;
  private static final int HASH_BITS = 15;
  private static final int HASH_SIZE = 1 << HASH_BITS;
  private static final int HASH_MASK = HASH_SIZE - 1;
  private static final int HASH_SHIFT = (HASH_BITS + 3 - 1) / 3;
  private static final int MIN_MATCH = 3;
  private static final int MAX_MATCH = 258;
  private static final int MIN_LOOKAHEAD = MAX_MATCH + MIN_MATCH + 1;
  private static final int MAX_DIST = W_SIZE - MIN_LOOKAHEAD;
  private static final int TOO_FAR = 4096;
  private static final int LIT_BUFSIZE = 1 << (8 + 6);

  /** good, lazy, nice, chain per level, as zlib's configuration table. */
  private static final int[][] CONFIG = {
    {0, 0, 0, 0},
    {4, 4, 8, 4},
    {4, 5, 16, 8},
    {4, 6, 32, 32},
    {4, 4, 16, 16},
    {8, 16, 32, 32},
    {8, 16, 128, 128},
    {8, 32, 128, 256},
    {32, 128, 258, 1024},
    {32, 258, 258, 4096},
  };

  private final OutputStream target;
  private final BitSink sink;
  private final ClassicTrees trees;
  private final int level;
  private final int goodMatch;
  private final int maxLazyMatch;
  private final int niceMatch;
  private final int maxChainLength;

  private final byte[] window = new byte[WINDOW_SIZE];
  private final int[] head = new int[HASH_SIZE];
  private final int[] prev = new int[W_SIZE];
  private int insH;
  private int strstart;
  private int lookahead;
  private long blockStart;
  private int matchStart;
  private int matchLength = MIN_MATCH - 1;
  private int prevLength = MIN_MATCH - 1;
  private int prevMatch;
  private boolean matchAvailable;

  private byte[] pending = new byte[2 * WINDOW_SIZE];
  private int pendingStart;
  private int pendingEnd;
  private boolean finishing;
  private boolean finished;

  ZlibOutputStream(OutputStream target, int level) {
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("zlib level must be 1..9, got " + level);
    }
    this.target = target;
    this.sink = new BitSink(target);
    this.trees = new ClassicTrees(sink, LIT_BUFSIZE);
    this.level = level;
    this.goodMatch = CONFIG[level][0];
    this.maxLazyMatch = CONFIG[level][1];
    this.niceMatch = CONFIG[level][2];
    this.maxChainLength = CONFIG[level][3];
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
      if (pendingStart > 0) {
        System.arraycopy(pending, pendingStart, pending, 0, pendingEnd - pendingStart);
        pendingEnd -= pendingStart;
        pendingStart = 0;
      }
      int n = Math.min(len, pending.length - pendingEnd);
      System.arraycopy(b, off, pending, pendingEnd, n);
      pendingEnd += n;
      off += n;
      len -= n;
      run();
    }
  }

  /** Ends the stream (Z_FINISH) without closing the target. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finishing = true;
    run();
    finished = true;
    sink.drain();
  }

  @Override
  public void close() throws IOException {
    finish();
    target.close();
  }

  private void updateHash(int c) {
    insH = ((insH << HASH_SHIFT) ^ c) & HASH_MASK;
  }

  private int insertString(int s) {
    updateHash(window[s + MIN_MATCH - 1] & 0xff);
    int matchHead = head[insH];
    prev[s & W_MASK] = matchHead;
    head[insH] = s;
    return matchHead;
  }

  /**
   * {@link #insertString} for each position from {@code first} to {@code last} (none when last is
   * smaller), with the hash and the tables in locals: the loop every match runs.
   */
  private void insertStrings(int first, int last) {
    byte[] w = window;
    int[] heads = head;
    int[] chain = prev;
    int h = insH;
    for (int s = first; s <= last; s++) {
      h = ((h << HASH_SHIFT) ^ (w[s + MIN_MATCH - 1] & 0xff)) & HASH_MASK;
      chain[s & W_MASK] = heads[h];
      heads[h] = s;
    }
    insH = h;
  }

  /** zlib's fill_window over the input received so far. */
  private void fillWindow() {
    do {
      int more = WINDOW_SIZE - lookahead - strstart;
      if (strstart >= W_SIZE + MAX_DIST) {
        System.arraycopy(window, W_SIZE, window, 0, W_SIZE);
        matchStart -= W_SIZE;
        strstart -= W_SIZE;
        blockStart -= W_SIZE;
        for (int n = 0; n < HASH_SIZE; n++) {
          int m = head[n];
          head[n] = m >= W_SIZE ? m - W_SIZE : 0;
        }
        for (int n = 0; n < W_SIZE; n++) {
          int m = prev[n];
          prev[n] = m >= W_SIZE ? m - W_SIZE : 0;
        }
        more += W_SIZE;
      }
      int available = pendingEnd - pendingStart;
      if (available == 0) {
        break;
      }
      int n = Math.min(more, available);
      System.arraycopy(pending, pendingStart, window, strstart + lookahead, n);
      pendingStart += n;
      lookahead += n;
      if (lookahead >= MIN_MATCH) {
        insH = window[strstart] & 0xff;
        updateHash(window[strstart + 1] & 0xff);
      }
    } while (lookahead < MIN_LOOKAHEAD && pendingEnd > pendingStart);
  }

  private int longestMatch(int curMatch) {
    int chainLength = maxChainLength;
    int scan = strstart;
    int bestLen = prevLength;
    int nice = Math.min(niceMatch, lookahead);
    int limit = strstart > MAX_DIST ? strstart - MAX_DIST : 0;
    byte[] w = window;
    if (prevLength >= goodMatch) {
      chainLength >>= 2;
    }
    // The bytes every candidate is first checked against, kept out of the array (deflate.c's
    // scan_end and scan_start), updated when the best length grows.
    byte scanEnd1 = w[scan + bestLen - 1];
    byte scanEnd = w[scan + bestLen];
    byte scan0 = w[scan];
    byte scan1 = w[scan + 1];
    int[] chain = prev;
    do {
      int match = curMatch;
      if (w[match + bestLen] != scanEnd
          || w[match + bestLen - 1] != scanEnd1
          || w[match] != scan0
          || w[match + 1] != scan1) {
        continue;
      }
      int len = 3 + MatchLength.of(w, scan + 3, w, match + 3, MAX_MATCH - 3);
      if (len > bestLen) {
        matchStart = curMatch;
        bestLen = len;
        if (len >= nice) {
          break;
        }
        scanEnd1 = w[scan + bestLen - 1];
        scanEnd = w[scan + bestLen];
      }
    } while ((curMatch = chain[curMatch & W_MASK]) > limit && --chainLength != 0);
    return Math.min(bestLen, lookahead);
  }

  private void flushBlock(boolean last) throws IOException {
    byte[] buf = blockStart >= 0 ? window : null;
    trees.flushBlock(buf, (int) Math.max(blockStart, 0), strstart - blockStart, last);
    blockStart = strstart;
  }

  private boolean full() {
    return trees.lastLit == LIT_BUFSIZE - 1;
  }

  private void run() throws IOException {
    while (true) {
      if (lookahead < MIN_LOOKAHEAD) {
        fillWindow();
        if (lookahead < MIN_LOOKAHEAD && !finishing) {
          return;
        }
        if (lookahead == 0) {
          break;
        }
      }
      if (level <= 3) {
        fastStep();
      } else {
        slowStep();
      }
    }
    if (level > 3 && matchAvailable) {
      trees.tallyLiteral(window[strstart - 1] & 0xff);
      matchAvailable = false;
    }
    flushBlock(true);
  }

  private void fastStep() throws IOException {
    int hashHead = 0;
    if (lookahead >= MIN_MATCH) {
      hashHead = insertString(strstart);
    }
    if (hashHead != 0 && strstart - hashHead <= MAX_DIST) {
      matchLength = longestMatch(hashHead);
    }
    boolean flush;
    if (matchLength >= MIN_MATCH) {
      trees.tallyMatch(strstart - matchStart, matchLength);
      flush = full();
      lookahead -= matchLength;
      if (matchLength <= maxLazyMatch && lookahead >= MIN_MATCH) {
        // Every position of the match after its first goes into the hash chains.
        int n = matchLength - 1;
        insertStrings(strstart + 1, strstart + n);
        strstart += n + 1;
        matchLength = 0;
      } else {
        strstart += matchLength;
        matchLength = 0;
        insH = window[strstart] & 0xff;
        updateHash(window[strstart + 1] & 0xff);
      }
    } else {
      trees.tallyLiteral(window[strstart] & 0xff);
      flush = full();
      lookahead--;
      strstart++;
    }
    if (flush) {
      flushBlock(false);
    }
  }

  private void slowStep() throws IOException {
    int hashHead = 0;
    if (lookahead >= MIN_MATCH) {
      hashHead = insertString(strstart);
    }
    prevLength = matchLength;
    prevMatch = matchStart;
    matchLength = MIN_MATCH - 1;
    if (hashHead != 0 && prevLength < maxLazyMatch && strstart - hashHead <= MAX_DIST) {
      matchLength = longestMatch(hashHead);
      if (matchLength <= 5 && matchLength == MIN_MATCH && strstart - matchStart > TOO_FAR) {
        matchLength = MIN_MATCH - 1;
      }
    }
    if (prevLength >= MIN_MATCH && matchLength <= prevLength) {
      int maxInsert = strstart + lookahead - MIN_MATCH;
      trees.tallyMatch(strstart - 1 - prevMatch, prevLength);
      boolean flush = full();
      lookahead -= prevLength - 1;
      // The match's positions after the one already hashed, none past the input's end.
      int n = prevLength - 2;
      insertStrings(strstart + 1, Math.min(strstart + n, maxInsert));
      strstart += n;
      prevLength = 0;
      matchAvailable = false;
      matchLength = MIN_MATCH - 1;
      strstart++;
      if (flush) {
        flushBlock(false);
      }
    } else if (matchAvailable) {
      trees.tallyLiteral(window[strstart - 1] & 0xff);
      if (full()) {
        flushBlock(false);
      }
      strstart++;
      lookahead--;
    } else {
      matchAvailable = true;
      strstart++;
      lookahead--;
    }
  }
}
