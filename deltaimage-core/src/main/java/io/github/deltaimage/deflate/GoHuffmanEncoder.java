package io.github.deltaimage.deflate;

import java.util.Arrays;

/**
 * Huffman code lengths and codes built the way Go's compress/flate builds them (huffman_code.go,
 * before Go 1.27; klauspost's flate builds the same codes): symbols sorted by (frequency, symbol), lengths from the package-merge style
 * {@code bitCounts}, codes assigned per length in symbol order. Which of several optimal codes a
 * compressor picks changes its output bytes, so this follows Go step by step. See NOTICE.
 */
final class GoHuffmanEncoder {

  private static final int MAX_BITS_LIMIT = 16;

  /** Bit-reversed code per symbol, ready to be written LSB first. */
  final int[] code;
  /** Code length per symbol, 0 when the symbol is absent. */
  final int[] length;

  private final long[] sortKeys;
  private final int[] listSymbols;
  private final int[] listFreqs;
  private final int[] bitCount = new int[17];

  GoHuffmanEncoder(int size) {
    // Room past `size`: klauspost's writer reads (zero) codes up to index 288 and 31.
    code = new int[Math.max(size, 320)];
    length = new int[Math.max(size, 320)];
    sortKeys = new long[size];
    listSymbols = new int[size + 1];
    listFreqs = new int[size + 1];
  }

  /**
   * Like {@link #bitLength} but {@link Integer#MAX_VALUE} when a symbol in use has no code
   * (klauspost's canReuseBits).
   */
  int canReuseBits(int[] freq, int n) {
    int total = 0;
    for (int i = 0; i < n; i++) {
      int f = freq[i];
      if (f != 0) {
        if (length[i] == 0) {
          return Integer.MAX_VALUE;
        }
        total += f * length[i];
      }
    }
    return total;
  }

  /** Total bits these codes spend on {@code freq}. */
  int bitLength(int[] freq, int n) {
    int total = 0;
    for (int i = 0; i < n; i++) {
      int f = freq[i];
      if (f != 0) {
        total += f * length[i];
      }
    }
    return total;
  }

  /** Builds codes for {@code freq[0..n)} limited to {@code maxBits}. */
  void generate(int[] freq, int n, int maxBits) {
    int count = 0;
    for (int i = 0; i < n; i++) {
      int f = freq[i];
      if (f != 0) {
        sortKeys[count++] = ((long) f << 16) | i;
      } else {
        length[i] = 0;
      }
    }
    if (count <= 2) {
      // Go gives the present symbols codes 0 and 1 of length 1, in symbol order.
      int assigned = 0;
      for (int i = 0; i < n && assigned < count; i++) {
        if (freq[i] != 0) {
          code[i] = assigned++;
          length[i] = 1;
        }
      }
      return;
    }
    // (frequency, symbol) is a total order, so any sort gives Go's order.
    Arrays.sort(sortKeys, 0, count);
    for (int i = 0; i < count; i++) {
      listSymbols[i] = (int) (sortKeys[i] & 0xffff);
      listFreqs[i] = (int) (sortKeys[i] >>> 16);
    }
    int bits = bitCounts(count, maxBits);
    assignCodes(bits, count);
  }

  /** Returns the largest code length used; fills {@link #bitCount}. */
  private int bitCounts(int n, int maxBits) {
    int[] f = listFreqs;
    f[n] = Integer.MAX_VALUE;
    if (maxBits > n - 1) {
      maxBits = n - 1;
    }
    int[] lastFreq = new int[MAX_BITS_LIMIT + 1];
    int[] nextCharFreq = new int[MAX_BITS_LIMIT + 1];
    int[] nextPairFreq = new int[MAX_BITS_LIMIT + 1];
    int[] needed = new int[MAX_BITS_LIMIT + 1];
    int[][] leafCounts = new int[MAX_BITS_LIMIT][MAX_BITS_LIMIT];
    for (int level = 1; level <= maxBits; level++) {
      lastFreq[level] = f[1];
      nextCharFreq[level] = f[2];
      nextPairFreq[level] = f[0] + f[1];
      leafCounts[level][level] = 2;
      if (level == 1) {
        nextPairFreq[level] = Integer.MAX_VALUE;
      }
    }
    needed[maxBits] = 2 * n - 4;
    int level = maxBits;
    while (true) {
      if (nextPairFreq[level] == Integer.MAX_VALUE && nextCharFreq[level] == Integer.MAX_VALUE) {
        needed[level] = 0;
        nextPairFreq[level + 1] = Integer.MAX_VALUE;
        level++;
        continue;
      }
      int prevFreq = lastFreq[level];
      if (nextCharFreq[level] < nextPairFreq[level]) {
        int leaves = leafCounts[level][level] + 1;
        lastFreq[level] = nextCharFreq[level];
        leafCounts[level][level] = leaves;
        nextCharFreq[level] = f[leaves];
      } else {
        lastFreq[level] = nextPairFreq[level];
        System.arraycopy(leafCounts[level - 1], 0, leafCounts[level], 0, level);
        needed[level - 1] = 2;
      }
      if (--needed[level] == 0) {
        if (level == maxBits) {
          break;
        }
        nextPairFreq[level + 1] = prevFreq + lastFreq[level];
        level++;
      } else {
        while (needed[level - 1] > 0) {
          level--;
        }
      }
    }
    if (leafCounts[maxBits][maxBits] != n) {
      throw new IllegalStateException("Huffman leaf count mismatch");
    }
    int bits = 1;
    int[] counts = leafCounts[maxBits];
    for (int lv = maxBits; lv > 0; lv--) {
      bitCount[bits] = counts[lv] - counts[lv - 1];
      bits++;
    }
    return maxBits;
  }

  private void assignCodes(int maxBits, int count) {
    int next = 0;
    int end = count;
    int[] chunk = new int[count];
    for (int n = 0; n <= maxBits; n++) {
      next <<= 1;
      int bits = n == 0 ? 0 : bitCount[n];
      if (n == 0 || bits == 0) {
        continue;
      }
      // The `bits` most frequent remaining symbols get length n, in symbol order.
      int start = end - bits;
      System.arraycopy(listSymbols, start, chunk, 0, bits);
      Arrays.sort(chunk, 0, bits);
      for (int i = 0; i < bits; i++) {
        int symbol = chunk[i];
        code[symbol] = reverse(next, n);
        length[symbol] = n;
        next++;
      }
      end = start;
    }
  }

  static int reverse(int value, int bits) {
    return Integer.reverse(value) >>> (32 - bits);
  }

  /** The fixed literal/length code of RFC 1951 3.2.6. */
  static GoHuffmanEncoder fixedLiterals() {
    GoHuffmanEncoder h = new GoHuffmanEncoder(286);
    for (int ch = 0; ch < 286; ch++) {
      int bits;
      int size;
      if (ch < 144) {
        bits = ch + 48;
        size = 8;
      } else if (ch < 256) {
        bits = ch + 400 - 144;
        size = 9;
      } else if (ch < 280) {
        bits = ch - 256;
        size = 7;
      } else {
        bits = ch + 192 - 280;
        size = 8;
      }
      h.code[ch] = reverse(bits, size);
      h.length[ch] = size;
    }
    return h;
  }

  /** The fixed distance code of RFC 1951 3.2.6. */
  static GoHuffmanEncoder fixedOffsets() {
    GoHuffmanEncoder h = new GoHuffmanEncoder(30);
    for (int ch = 0; ch < 30; ch++) {
      h.code[ch] = reverse(ch, 5);
      h.length[ch] = 5;
    }
    return h;
  }
}
