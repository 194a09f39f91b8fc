package io.github.deltaimage.deflate;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The raw deflate stream GNU gzip (1.x, e.g. {@code gzip -9n}) writes for a regular file: zlib's
 * ancestor, with its own rules that change the bytes: one 64 KiB window read in whole chunks, hash
 * insertions and match comparisons that run past the end of the input (into zeroed or stale window
 * bytes, as gzip's static window holds them), blocks of up to 32767 symbols, and a block-split
 * estimate every 4096 symbols at levels above 2. Written from the published algorithm (deflate.c
 * and trees.c design by Jean-loup Gailly).
 */
final class GnuGzipOutputStream extends OutputStream {

  private static final int WSIZE = 0x8000;
  private static final int WMASK = WSIZE - 1;
  private static final int WINDOW_SIZE = 2 * WSIZE;
  private static final int HASH_BITS = 15;
  private static final int HASH_SIZE = 1 << HASH_BITS;
  private static final int HASH_MASK = HASH_SIZE - 1;
  private static final int H_SHIFT = (HASH_BITS + 3 - 1) / 3;
  private static final int MIN_MATCH = 3;
  private static final int MAX_MATCH = 258;
  private static final int MIN_LOOKAHEAD = MAX_MATCH + MIN_MATCH + 1;
  private static final int MAX_DIST = WSIZE - MIN_LOOKAHEAD;
  private static final int TOO_FAR = 4096;
  private static final int LIT_BUFSIZE = 0x8000;
  private static final int DIST_BUFSIZE = LIT_BUFSIZE;

  /** good, lazy, nice, chain per level, as gzip's configuration table. */
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
  private final int[] prev = new int[WSIZE];
  private int insH;
  private int strstart;
  private int lookahead;
  private long blockStart;
  private int matchStart;
  private int prevLength = MIN_MATCH - 1;
  private boolean eofile;

  // Lazy-evaluation state carried across pauses for input.
  private int matchLength = MIN_MATCH - 1;
  private boolean matchAvailable;
  private boolean started;

  /** Input received but not yet read into the window (gzip reads whole chunks). */
  private byte[] pending = new byte[2 * WINDOW_SIZE];

  private int pendingStart;
  private int pendingEnd;
  private boolean finishing;
  private boolean finished;

  GnuGzipOutputStream(OutputStream target, int level) {
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("gzip level must be 1..9, got " + level);
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
      if (pendingStart > 0 && pendingEnd == pending.length) {
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

  /** Ends the stream without closing the target. */
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

  /**
   * A read(2) of a regular file: all {@code size} bytes unless the file ends first. Returns -1
   * when that needs input not received yet.
   */
  private int readBuf(int dest, int size) {
    int available = pendingEnd - pendingStart;
    if (available < size && !finishing) {
      return -1;
    }
    int n = Math.min(size, available);
    System.arraycopy(pending, pendingStart, window, dest, n);
    pendingStart += n;
    if (pendingStart == pendingEnd) {
      pendingStart = pendingEnd = 0;
    }
    return n;
  }

  private void updateHash(int c) {
    insH = ((insH << H_SHIFT) ^ c) & HASH_MASK;
  }

  /** INSERT_STRING: returns the previous head of the string at {@code s}. */
  /**
   * {@link #insertString} for each position from {@code first} to {@code last}, with the hash and
   * the tables in locals: the loop every match runs.
   */
  private void insertStrings(int first, int last) {
    byte[] w = window;
    int[] heads = head;
    int[] chain = prev;
    int h = insH;
    for (int s = first; s <= last; s++) {
      h = ((h << H_SHIFT) ^ (w[s + MIN_MATCH - 1] & 0xff)) & HASH_MASK;
      chain[s & WMASK] = heads[h];
      heads[h] = s;
    }
    insH = h;
  }

  private int insertString(int s) {
    updateHash(window[s + MIN_MATCH - 1] & 0xff);
    int matchHead = head[insH];
    prev[s & WMASK] = matchHead;
    head[insH] = s;
    return matchHead;
  }

  /** gzip's fill_window; false when it must wait for input. */
  private boolean fillWindow() {
    int more = WINDOW_SIZE - lookahead - strstart;
    boolean slide = strstart >= WSIZE + MAX_DIST;
    int request = slide ? more + WSIZE : more;
    if (!finishing && pendingEnd - pendingStart < request) {
      return false;
    }
    if (slide) {
      System.arraycopy(window, WSIZE, window, 0, WSIZE);
      matchStart -= WSIZE;
      strstart -= WSIZE;
      blockStart -= WSIZE;
      for (int n = 0; n < HASH_SIZE; n++) {
        int m = head[n];
        head[n] = m >= WSIZE ? m - WSIZE : 0;
      }
      for (int n = 0; n < WSIZE; n++) {
        int m = prev[n];
        prev[n] = m >= WSIZE ? m - WSIZE : 0;
      }
      more += WSIZE;
    }
    if (!eofile) {
      int n = readBuf(strstart + lookahead, more);
      if (n == 0) {
        eofile = true;
        // gzip zeroes two bytes past the end so they do not pollute the hash chains.
        int at = strstart + lookahead;
        for (int i = 0; i < MIN_MATCH - 1 && at + i < WINDOW_SIZE; i++) {
          window[at + i] = 0;
        }
      } else {
        lookahead += n;
      }
    }
    return true;
  }

  /** gzip's lm_init: the first read of a whole window. */
  private boolean start() {
    if (!finishing && pendingEnd - pendingStart < WINDOW_SIZE) {
      return false;
    }
    lookahead = readBuf(0, WINDOW_SIZE);
    if (lookahead == 0) {
      eofile = true;
    }
    insH = 0;
    for (int j = 0; j < MIN_MATCH - 1; j++) {
      updateHash(window[j] & 0xff);
    }
    started = true;
    return true;
  }

  private int longestMatch(int curMatch) {
    int chainLength = maxChainLength;
    int scan = strstart;
    int bestLen = prevLength;
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
      // The third byte is equal whenever the hashes are (gzip skips it); the rest compared to 258.
      int len = 3 + MatchLength.of(w, scan + 3, w, match + 3, MAX_MATCH - 3);
      if (len > bestLen) {
        matchStart = curMatch;
        bestLen = len;
        if (len >= niceMatch) {
          break;
        }
        scanEnd1 = w[scan + bestLen - 1];
        scanEnd = w[scan + bestLen];
      }
    } while ((curMatch = chain[curMatch & WMASK]) > limit && --chainLength != 0);
    return bestLen;
  }

  private boolean tallyLiteral(int c) {
    trees.tallyLiteral(c);
    return tallyDone();
  }

  private boolean tallyMatch(int distance, int length) {
    trees.tallyMatch(distance, length);
    return tallyDone();
  }

  /** gzip's ct_tally tail: whether the block should end here. */
  private boolean tallyDone() {
    int lastLit = trees.lastLit;
    if (level > 2 && (lastLit & 0xfff) == 0) {
      long outLength = (long) lastLit * 8L;
      long inLength = (long) strstart - blockStart;
      for (int dcode = 0; dcode < 30; dcode++) {
        outLength +=
            (long) trees.distanceFrequency(dcode) * (5L + ClassicTrees.extraDistanceBits(dcode));
      }
      outLength >>= 3;
      if (trees.lastDist < lastLit / 2 && outLength < inLength / 2) {
        return true;
      }
    }
    return lastLit == LIT_BUFSIZE - 1 || trees.lastDist == DIST_BUFSIZE;
  }

  private void flushBlock(boolean eof) throws IOException {
    byte[] buf = blockStart >= 0 ? window : null;
    trees.flushBlock(buf, (int) Math.max(blockStart, 0), strstart - blockStart, eof);
  }

  private void run() throws IOException {
    if (finished) {
      return;
    }
    if (!started && !start()) {
      return;
    }
    while (true) {
      while (lookahead < MIN_LOOKAHEAD && !eofile) {
        if (!fillWindow()) {
          return;
        }
      }
      if (lookahead == 0) {
        break;
      }
      if (level <= 3) {
        fastStep();
      } else {
        lazyStep();
      }
    }
    if (!finishing) {
      return;
    }
    if (level > 3 && matchAvailable) {
      tallyLiteral(window[strstart - 1] & 0xff);
      matchAvailable = false;
    }
    flushBlock(true);
  }

  /** One step of gzip's deflate_fast (levels 1-3: no lazy matching). */
  private void fastStep() throws IOException {
    int hashHead = insertString(strstart);
    if (hashHead != 0
        && strstart - hashHead <= MAX_DIST
        && strstart <= WINDOW_SIZE - MIN_LOOKAHEAD) {
      matchLength = longestMatch(hashHead);
      if (matchLength > lookahead) {
        matchLength = lookahead;
      }
    }
    boolean flush;
    if (matchLength >= MIN_MATCH) {
      flush = tallyMatch(strstart - matchStart, matchLength);
      lookahead -= matchLength;
      if (matchLength <= maxLazyMatch) {
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
      flush = tallyLiteral(window[strstart] & 0xff);
      lookahead--;
      strstart++;
    }
    if (flush) {
      flushBlock(false);
      blockStart = strstart;
    }
  }

  /** One step of gzip's lazy deflate (levels 4-9). */
  private void lazyStep() throws IOException {
    int hashHead = insertString(strstart);
    prevLength = matchLength;
    int prevMatch = matchStart;
    matchLength = MIN_MATCH - 1;
    if (hashHead != 0
        && prevLength < maxLazyMatch
        && strstart - hashHead <= MAX_DIST
        && strstart <= WINDOW_SIZE - MIN_LOOKAHEAD) {
      matchLength = longestMatch(hashHead);
      if (matchLength > lookahead) {
        matchLength = lookahead;
      }
      if (matchLength == MIN_MATCH && strstart - matchStart > TOO_FAR) {
        matchLength--;
      }
    }
    if (prevLength >= MIN_MATCH && matchLength <= prevLength) {
      boolean flush = tallyMatch(strstart - 1 - prevMatch, prevLength);
      lookahead -= prevLength - 1;
      // The match's positions after the one already hashed.
      int n = prevLength - 2;
      insertStrings(strstart + 1, strstart + n);
      strstart += n;
      prevLength = 0;
      matchAvailable = false;
      matchLength = MIN_MATCH - 1;
      strstart++;
      if (flush) {
        flushBlock(false);
        blockStart = strstart;
      }
    } else if (matchAvailable) {
      if (tallyLiteral(window[strstart - 1] & 0xff)) {
        flushBlock(false);
        blockStart = strstart;
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
