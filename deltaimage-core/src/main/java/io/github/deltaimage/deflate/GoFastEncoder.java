package io.github.deltaimage.deflate;

import static io.github.deltaimage.deflate.GoBlockWriter.MATCH;
import static io.github.deltaimage.deflate.GoBlockWriter.MAX_STORE_BLOCK_SIZE;

/**
 * Go's BestSpeed matcher (deflatefast.go before Go 1.27): a single-entry hash table with
 * Snappy-style skipping, matching into the previous block too. See NOTICE.
 */
final class GoFastEncoder {

  private static final int TABLE_BITS = 14;
  private static final int TABLE_SIZE = 1 << TABLE_BITS;
  private static final int TABLE_MASK = TABLE_SIZE - 1;
  private static final int TABLE_SHIFT = 32 - TABLE_BITS;
  private static final int MAX_MATCH_OFFSET = 1 << 15;
  private static final int MAX_MATCH_LENGTH = 258;
  private static final int BUFFER_RESET = Integer.MAX_VALUE - MAX_STORE_BLOCK_SIZE * 2;
  private static final int INPUT_MARGIN = 16 - 1;
  private static final int MIN_NON_LITERAL_BLOCK_SIZE = 1 + 1 + INPUT_MARGIN;

  private final int[] tableVal = new int[TABLE_SIZE];
  private final int[] tableOffset = new int[TABLE_SIZE];
  private final byte[] prev = new byte[MAX_STORE_BLOCK_SIZE];
  private int prevLen;
  private int cur = MAX_STORE_BLOCK_SIZE;

  private static int load32(byte[] b, int i) {
    return (b[i] & 0xff)
        | (b[i + 1] & 0xff) << 8
        | (b[i + 2] & 0xff) << 16
        | (b[i + 3] & 0xff) << 24;
  }

  private static long load64(byte[] b, int i) {
    return (load32(b, i) & 0xffffffffL) | ((long) load32(b, i + 4)) << 32;
  }

  private static int hash(int u) {
    return (u * 0x1e35a7bd) >>> TABLE_SHIFT;
  }

  /** Tokenizes {@code src[0..n)} into {@code dst}; returns the token count. */
  int encode(int[] dst, byte[] src, int n) {
    int count = 0;
    if (cur >= BUFFER_RESET) {
      shiftOffsets();
    }
    if (n < MIN_NON_LITERAL_BLOCK_SIZE) {
      cur += MAX_STORE_BLOCK_SIZE;
      prevLen = 0;
      for (int i = 0; i < n; i++) {
        dst[count++] = src[i] & 0xff;
      }
      return count;
    }
    int sLimit = n - INPUT_MARGIN;
    int nextEmit = 0;
    int s = 0;
    int cv = load32(src, s);
    int nextHash = hash(cv);

    outer:
    while (true) {
      int skip = 32;
      int nextS = s;
      int candidateVal;
      int candidateOffset;
      while (true) {
        s = nextS;
        int bytesBetweenHashLookups = skip >> 5;
        nextS = s + bytesBetweenHashLookups;
        skip += bytesBetweenHashLookups;
        if (nextS > sLimit) {
          break outer;
        }
        int slot = nextHash & TABLE_MASK;
        candidateVal = tableVal[slot];
        candidateOffset = tableOffset[slot];
        int now = load32(src, nextS);
        tableOffset[slot] = s + cur;
        tableVal[slot] = cv;
        nextHash = hash(now);
        int offset = s - (candidateOffset - cur);
        if (offset > MAX_MATCH_OFFSET || cv != candidateVal) {
          cv = now;
          continue;
        }
        break;
      }
      for (int i = nextEmit; i < s; i++) {
        dst[count++] = src[i] & 0xff;
      }
      while (true) {
        s += 4;
        int t = candidateOffset - cur + 4;
        int l = matchLen(s, t, src, n);
        dst[count++] = MATCH | (l + 4 - 3) << 22 | (s - t - 1);
        s += l;
        nextEmit = s;
        if (s >= sLimit) {
          break outer;
        }
        long x = load64(src, s - 1);
        int prevHash = hash((int) x);
        tableOffset[prevHash & TABLE_MASK] = cur + s - 1;
        tableVal[prevHash & TABLE_MASK] = (int) x;
        x >>>= 8;
        int currHash = hash((int) x) & TABLE_MASK;
        candidateVal = tableVal[currHash];
        candidateOffset = tableOffset[currHash];
        tableOffset[currHash] = cur + s;
        tableVal[currHash] = (int) x;
        int offset = s - (candidateOffset - cur);
        if (offset > MAX_MATCH_OFFSET || (int) x != candidateVal) {
          cv = (int) (x >>> 8);
          nextHash = hash(cv);
          s++;
          break;
        }
      }
    }
    for (int i = nextEmit; i < n; i++) {
      dst[count++] = src[i] & 0xff;
    }
    cur += n;
    System.arraycopy(src, 0, prev, 0, n);
    prevLen = n;
    return count;
  }

  private int matchLen(int s, int t, byte[] src, int n) {
    int s1 = Math.min(s + MAX_MATCH_LENGTH - 4, n);
    if (t >= 0) {
      return MatchLength.of(src, s, src, t, s1 - s);
    }
    int tp = prevLen + t;
    if (tp < 0) {
      return 0;
    }
    int len = Math.min(s1 - s, prevLen - tp);
    int common = MatchLength.of(src, s, prev, tp, len);
    if (common < len || s + len == s1) {
      return common;
    }
    return len + MatchLength.of(src, s + len, src, 0, s1 - (s + len));
  }

  /** Forgets the previous block, as Go does after a small block written without matching. */
  void reset() {
    prevLen = 0;
    cur += MAX_MATCH_OFFSET;
    if (cur >= BUFFER_RESET) {
      shiftOffsets();
    }
  }

  private void shiftOffsets() {
    if (prevLen == 0) {
      java.util.Arrays.fill(tableVal, 0);
      java.util.Arrays.fill(tableOffset, 0);
      cur = MAX_MATCH_OFFSET + 1;
      return;
    }
    for (int i = 0; i < TABLE_SIZE; i++) {
      int v = tableOffset[i] - cur + MAX_MATCH_OFFSET + 1;
      tableOffset[i] = Math.max(v, 0);
    }
    cur = MAX_MATCH_OFFSET + 1;
  }
}
