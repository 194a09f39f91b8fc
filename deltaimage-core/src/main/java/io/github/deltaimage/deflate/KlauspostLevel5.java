package io.github.deltaimage.deflate;

/**
 * klauspost's level 5 matcher (level5.go, fast_encoder.go of klauspost/compress 1.15): a short
 * (4-byte) hash table and a long (7-byte) table with two entries per slot, over a history that
 * carries the previous 32 KiB across calls. See NOTICE.
 */
final class KlauspostLevel5 {

  private static final int TABLE_BITS = 15;
  private static final int TABLE_SIZE = 1 << TABLE_BITS;
  private static final int MAX_MATCH_OFFSET = 1 << 15;
  private static final int MAX_MATCH_LENGTH = 258;
  private static final int MAX_STORE_BLOCK_SIZE = 65535;
  private static final int ALLOC_HISTORY = MAX_STORE_BLOCK_SIZE * 5;
  private static final int BUFFER_RESET = (1 << 31) - ALLOC_HISTORY - MAX_STORE_BLOCK_SIZE - 1 + 0;
  private static final int INPUT_MARGIN = 12 - 1;
  private static final int MIN_NON_LITERAL_BLOCK_SIZE = 1 + 1 + INPUT_MARGIN;
  private static final int PRIME_4_BYTES = (int) 2654435761L;
  private static final long PRIME_7_BYTES = 58295818150454627L;

  private final int[] table = new int[TABLE_SIZE];
  private final int[] bTableCur = new int[TABLE_SIZE];
  private final int[] bTablePrev = new int[TABLE_SIZE];
  private byte[] hist = new byte[ALLOC_HISTORY];
  private int histLen;
  private int cur = MAX_STORE_BLOCK_SIZE;

  private static int hash4(long u) {
    return ((int) u * PRIME_4_BYTES) >>> (32 - TABLE_BITS);
  }

  private static int hash7(long u) {
    return (int) (((u << 8) * PRIME_7_BYTES) >>> (64 - TABLE_BITS));
  }

  private static int load32(byte[] b, int i) {
    return (b[i] & 0xff)
        | (b[i + 1] & 0xff) << 8
        | (b[i + 2] & 0xff) << 16
        | (b[i + 3] & 0xff) << 24;
  }

  private static long load64(byte[] b, int i) {
    return (load32(b, i) & 0xffffffffL) | ((long) load32(b, i + 4)) << 32;
  }

  /** Forgets the history (klauspost's fastGen.Reset): old table entries fall out of range. */
  void reset() {
    if (cur <= BUFFER_RESET) {
      cur += MAX_MATCH_OFFSET + histLen;
    }
    histLen = 0;
  }

  private int addBlock(byte[] src, int off, int len) {
    if (histLen + len > hist.length) {
      int offset = histLen - MAX_MATCH_OFFSET;
      System.arraycopy(hist, offset, hist, 0, MAX_MATCH_OFFSET);
      cur += offset;
      histLen = MAX_MATCH_OFFSET;
    }
    int s = histLen;
    System.arraycopy(src, off, hist, histLen, len);
    histLen += len;
    return s;
  }

  private void rebaseOffsets() {
    while (cur >= BUFFER_RESET) {
      if (histLen == 0) {
        java.util.Arrays.fill(table, 0);
        java.util.Arrays.fill(bTableCur, 0);
        java.util.Arrays.fill(bTablePrev, 0);
        cur = MAX_MATCH_OFFSET;
        break;
      }
      int minOff = cur + histLen - MAX_MATCH_OFFSET;
      for (int i = 0; i < TABLE_SIZE; i++) {
        int v = table[i];
        table[i] = v <= minOff ? 0 : v - cur + MAX_MATCH_OFFSET;
      }
      for (int i = 0; i < TABLE_SIZE; i++) {
        int c = bTableCur[i];
        int p = bTablePrev[i];
        if (c <= minOff) {
          bTableCur[i] = 0;
          bTablePrev[i] = 0;
        } else {
          bTableCur[i] = c - cur + MAX_MATCH_OFFSET;
          bTablePrev[i] = p <= minOff ? 0 : p - cur + MAX_MATCH_OFFSET;
        }
      }
      cur = MAX_MATCH_OFFSET;
    }
  }

  private static int matchLen(byte[] b, int s, int t, int max) {
    return MatchLength.of(b, s, b, t, max);
  }

  /** Matches up to 254 bytes from s (klauspost's matchlen, applied at s+4). */
  private int matchlen(int s, int t) {
    int s1 = Math.min(s + MAX_MATCH_LENGTH - 4, histLen);
    return matchLen(hist, s, t, s1 - s);
  }

  private int matchlenLong(int s, int t) {
    return matchLen(hist, s, t, histLen - s);
  }

  private void longInsert(int hash, int offset) {
    bTablePrev[hash] = bTableCur[hash];
    bTableCur[hash] = offset;
  }

  /** Tokenizes {@code src[off..off+len)} into {@code dst}, which must be empty. */
  void encode(KlauspostTokens dst, byte[] srcIn, int off, int len) {
    rebaseOffsets();
    int s = addBlock(srcIn, off, len);
    if (len < MIN_NON_LITERAL_BLOCK_SIZE) {
      // klauspost only sets the count here; callers never reach this with data to emit.
      dst.n = len;
      return;
    }
    byte[] src = hist;
    int nextEmit = s;
    int sLimit = histLen - INPUT_MARGIN;
    long cv = load64(src, s);
    while (true) {
      int nextS = s;
      int l = 0;
      int t;
      while (true) {
        int nextHashS = hash4(cv);
        int nextHashL = hash7(cv);
        s = nextS;
        nextS = s + 1 + ((s - nextEmit) >> 6);
        if (nextS > sLimit) {
          emitRemainder(dst, src, nextEmit);
          return;
        }
        int sCandidate = table[nextHashS];
        int lCandidateCur = bTableCur[nextHashL];
        int lCandidatePrev = bTablePrev[nextHashL];
        long next = load64(src, nextS);
        int entry = s + cur;
        table[nextHashS] = entry;
        longInsert(nextHashL, entry);

        nextHashS = hash4(next);
        nextHashL = hash7(next);

        t = lCandidateCur - cur;
        if (s - t < MAX_MATCH_OFFSET) {
          if ((int) cv == load32(src, lCandidateCur - cur)) {
            table[nextHashS] = nextS + cur;
            longInsert(nextHashL, nextS + cur);
            int t2 = lCandidatePrev - cur;
            if (s - t2 < MAX_MATCH_OFFSET && (int) cv == load32(src, lCandidatePrev - cur)) {
              l = matchlen(s + 4, t + 4) + 4;
              int ml1 = matchlen(s + 4, t2 + 4) + 4;
              if (ml1 > l) {
                t = t2;
                l = ml1;
                break;
              }
            }
            break;
          }
          t = lCandidatePrev - cur;
          if (s - t < MAX_MATCH_OFFSET && (int) cv == load32(src, lCandidatePrev - cur)) {
            table[nextHashS] = nextS + cur;
            longInsert(nextHashL, nextS + cur);
            break;
          }
        }

        t = sCandidate - cur;
        if (s - t < MAX_MATCH_OFFSET && (int) cv == load32(src, sCandidate - cur)) {
          l = matchlen(s + 4, t + 4) + 4;
          lCandidateCur = bTableCur[nextHashL];
          lCandidatePrev = bTablePrev[nextHashL];

          table[nextHashS] = nextS + cur;
          longInsert(nextHashL, nextS + cur);

          int t2 = lCandidateCur - cur;
          if (nextS - t2 < MAX_MATCH_OFFSET) {
            if (load32(src, lCandidateCur - cur) == (int) next) {
              int ml = matchlen(nextS + 4, t2 + 4) + 4;
              if (ml > l) {
                t = t2;
                s = nextS;
                l = ml;
                break;
              }
            }
            t2 = lCandidatePrev - cur;
            if (nextS - t2 < MAX_MATCH_OFFSET && load32(src, lCandidatePrev - cur) == (int) next) {
              int ml = matchlen(nextS + 4, t2 + 4) + 4;
              if (ml > l) {
                t = t2;
                s = nextS;
                l = ml;
                break;
              }
            }
          }
          break;
        }
        cv = next;
      }

      if (l == 0) {
        l = matchlenLong(s + 4, t + 4) + 4;
      } else if (l == MAX_MATCH_LENGTH) {
        l += matchlenLong(s + l, t + l);
      }

      int sAt = s + l;
      if (l < 30 && sAt < sLimit) {
        final int skipBeginning = 2;
        int eLong = bTableCur[hash7(load64(src, sAt))];
        int t2 = eLong - cur - l + skipBeginning;
        int s2 = s + skipBeginning;
        int offset = s2 - t2;
        if (t2 >= 0 && offset < MAX_MATCH_OFFSET && offset > 0) {
          int l2 = matchlenLong(s2, t2);
          if (l2 > l) {
            t = t2;
            l = l2;
            s = s2;
          }
        }
      }

      while (t > 0 && s > nextEmit && src[t - 1] == src[s - 1]) {
        s--;
        t--;
        l++;
      }
      for (int i = nextEmit; i < s; i++) {
        dst.addLiteral(src[i] & 0xff);
      }
      dst.addMatchLong(l, s - t - 1);
      s += l;
      nextEmit = s;
      if (nextS >= s) {
        s = nextS + 1;
      }
      if (s >= sLimit) {
        emitRemainder(dst, src, nextEmit);
        return;
      }

      int i = s - l + 1;
      if (i < s - 1) {
        long v = load64(src, i);
        int te = i + cur;
        table[hash4(v)] = te;
        longInsert(hash7(v), te);
        v >>>= 8;
        te++;
        longInsert(hash7(v), te);
        v >>>= 8;
        te++;
        table[hash4(v)] = te;
        i += 4;
        for (; i < s - 1; i += 3) {
          long w = load64(src, i);
          int tw = i + cur;
          longInsert(hash7(w), tw);
          table[hash4(w >>> 8)] = tw + 1;
        }
      }

      long x = load64(src, s - 1);
      int o = cur + s - 1;
      table[hash4(x)] = o;
      longInsert(hash7(x), o);
      cv = x >>> 8;
    }
  }

  private void emitRemainder(KlauspostTokens dst, byte[] src, int nextEmit) {
    if (nextEmit < histLen) {
      if (dst.n == 0) {
        return;
      }
      for (int i = nextEmit; i < histLen; i++) {
        dst.addLiteral(src[i] & 0xff);
      }
    }
  }
}
