package io.github.deltaimage.deflate;

import java.io.IOException;

/**
 * The block writer that GNU gzip and zlib share (trees.c by Jean-loup Gailly): heap-built Huffman
 * trees with depth tie-breaking and the bit-length overflow fix-up, the code-length run encoding,
 * and the stored / fixed / dynamic choice from exact sizes. Written from the published algorithm
 * (RFC 1951 and the trees.c design notes); tally limits are the caller's.
 */
final class ClassicTrees {

  private static final int MAX_BITS = 15;
  private static final int MAX_BL_BITS = 7;
  private static final int L_CODES = 286;
  private static final int D_CODES = 30;
  private static final int BL_CODES = 19;
  private static final int LITERALS = 256;
  private static final int END_BLOCK = 256;
  private static final int HEAP_SIZE = 2 * L_CODES + 1;
  private static final int REP_3_6 = 16;
  private static final int REPZ_3_10 = 17;
  private static final int REPZ_11_138 = 18;
  private static final int[] BL_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };
  private static final int[] EXTRA_LBITS = DeflateTables.LENGTH_EXTRA_BITS;
  private static final int[] EXTRA_DBITS = DeflateTables.OFFSET_EXTRA_BITS;
  private static final int[] EXTRA_BLBITS = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7
  };

  /** One tree: frequency or code (freqCode), dad or length (dadLen), as trees.c's unions. */
  private static final class Tree {
    final int[] freq;
    final int[] code;
    final int[] dad;
    final int[] len;

    Tree(int size) {
      freq = new int[size];
      code = new int[size];
      dad = new int[size];
      len = new int[size];
    }
  }

  private static final Tree STATIC_L = new Tree(L_CODES + 2);
  private static final Tree STATIC_D = new Tree(D_CODES);

  static {
    int[] count = new int[MAX_BITS + 1];
    for (int n = 0; n < L_CODES + 2; n++) {
      int l = n <= 143 ? 8 : n <= 255 ? 9 : n <= 279 ? 7 : 8;
      STATIC_L.len[n] = l;
      count[l]++;
    }
    genCodes(STATIC_L, L_CODES + 1, count);
    for (int n = 0; n < D_CODES; n++) {
      STATIC_D.len[n] = 5;
      STATIC_D.code[n] = GoHuffmanEncoder.reverse(n, 5);
    }
  }

  private final BitSink sink;
  private final Tree dynL = new Tree(HEAP_SIZE);
  private final Tree dynD = new Tree(2 * D_CODES + 1);
  private final Tree blTree = new Tree(2 * BL_CODES + 1);
  private final int[] heap = new int[2 * L_CODES + 1];
  private final int[] depth = new int[2 * L_CODES + 1];
  private final int[] blCount = new int[MAX_BITS + 1];
  private int heapLen;
  private int heapMax;
  private long optLen;
  private long staticLen;
  private int lMaxCode;
  private int dMaxCode;

  /** The pending symbols: literal byte, or match length - 3 with distance - 1. */
  final int[] litLen;

  final int[] dist;
  int lastLit;
  int lastDist;
  /** Bits written since the start, to align stored blocks (compressed_len in trees.c). */
  private long compressedLen;

  ClassicTrees(BitSink sink, int bufferSize) {
    this.sink = sink;
    this.litLen = new int[bufferSize];
    this.dist = new int[bufferSize];
    initBlock();
  }

  private void initBlock() {
    java.util.Arrays.fill(dynL.freq, 0, L_CODES, 0);
    java.util.Arrays.fill(dynD.freq, 0, D_CODES, 0);
    java.util.Arrays.fill(blTree.freq, 0, BL_CODES, 0);
    dynL.freq[END_BLOCK] = 1;
    optLen = 0;
    staticLen = 0;
    lastLit = 0;
    lastDist = 0;
  }

  /** Records a literal; distance-coded frequencies for the tally heuristics. */
  void tallyLiteral(int c) {
    litLen[lastLit] = c;
    dist[lastLit] = -1;
    lastLit++;
    dynL.freq[c]++;
  }

  /** Records a match of {@code length} at {@code distance}. */
  void tallyMatch(int distance, int length) {
    int lc = length - 3;
    int d = distance - 1;
    litLen[lastLit] = lc;
    dist[lastLit] = d;
    lastLit++;
    lastDist++;
    dynL.freq[DeflateTables.LENGTH_CODE[lc] + LITERALS + 1]++;
    dynD.freq[DeflateTables.offsetCode(d)]++;
  }

  /** Frequency of distance code {@code code} in the pending block. */
  int distanceFrequency(int code) {
    return dynD.freq[code];
  }

  static int extraDistanceBits(int code) {
    return EXTRA_DBITS[code];
  }

  private boolean smaller(Tree tree, int n, int m) {
    return tree.freq[n] < tree.freq[m] || (tree.freq[n] == tree.freq[m] && depth[n] <= depth[m]);
  }

  private void pqdownheap(Tree tree, int k) {
    int v = heap[k];
    int j = k << 1;
    while (j <= heapLen) {
      if (j < heapLen && smaller(tree, heap[j + 1], heap[j])) {
        j++;
      }
      if (smaller(tree, v, heap[j])) {
        break;
      }
      heap[k] = heap[j];
      k = j;
      j <<= 1;
    }
    heap[k] = v;
  }

  /** Builds {@code tree}; returns its max code. */
  private int buildTree(
      Tree tree, Tree stree, int elems, int[] extra, int extraBase, int maxLength) {
    int maxCode = -1;
    int node = elems;
    heapLen = 0;
    heapMax = HEAP_SIZE;
    for (int n = 0; n < elems; n++) {
      if (tree.freq[n] != 0) {
        heap[++heapLen] = maxCode = n;
        depth[n] = 0;
      } else {
        tree.len[n] = 0;
      }
    }
    // At least two codes of non-zero frequency, as the format needs one distance code.
    while (heapLen < 2) {
      int added = heap[++heapLen] = maxCode < 2 ? ++maxCode : 0;
      tree.freq[added] = 1;
      depth[added] = 0;
      optLen--;
      if (stree != null) {
        staticLen -= stree.len[added];
      }
    }
    for (int n = heapLen / 2; n >= 1; n--) {
      pqdownheap(tree, n);
    }
    do {
      int n = heap[1];
      heap[1] = heap[heapLen--];
      pqdownheap(tree, 1);
      int m = heap[1];
      heap[--heapMax] = n;
      heap[--heapMax] = m;
      tree.freq[node] = tree.freq[n] + tree.freq[m];
      depth[node] = Math.max(depth[n], depth[m]) + 1;
      tree.dad[n] = tree.dad[m] = node;
      heap[1] = node++;
      pqdownheap(tree, 1);
    } while (heapLen >= 2);
    heap[--heapMax] = heap[1];
    genBitlen(tree, stree, maxCode, extra, extraBase, maxLength);
    genCodes(tree, maxCode, blCount);
    return maxCode;
  }

  private void genBitlen(Tree tree, Tree stree, int maxCode, int[] extra, int base, int maxLength) {
    java.util.Arrays.fill(blCount, 0);
    int overflow = 0;
    tree.len[heap[heapMax]] = 0;
    int h;
    for (h = heapMax + 1; h < HEAP_SIZE; h++) {
      int n = heap[h];
      int bits = tree.len[tree.dad[n]] + 1;
      if (bits > maxLength) {
        bits = maxLength;
        overflow++;
      }
      tree.len[n] = bits;
      if (n > maxCode) {
        continue;
      }
      blCount[bits]++;
      int xbits = n >= base ? extra[n - base] : 0;
      long f = tree.freq[n];
      optLen += f * (bits + xbits);
      if (stree != null) {
        staticLen += f * (stree.len[n] + xbits);
      }
    }
    if (overflow == 0) {
      return;
    }
    do {
      int bits = maxLength - 1;
      while (blCount[bits] == 0) {
        bits--;
      }
      blCount[bits]--;
      blCount[bits + 1] += 2;
      blCount[maxLength]--;
      overflow -= 2;
    } while (overflow > 0);
    for (int bits = maxLength; bits != 0; bits--) {
      int n = blCount[bits];
      while (n != 0) {
        int m = heap[--h];
        if (m > maxCode) {
          continue;
        }
        if (tree.len[m] != bits) {
          optLen += ((long) bits - tree.len[m]) * tree.freq[m];
          tree.len[m] = bits;
        }
        n--;
      }
    }
  }

  private static void genCodes(Tree tree, int maxCode, int[] count) {
    int[] nextCode = new int[MAX_BITS + 1];
    int code = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) {
      code = (code + count[bits - 1]) << 1;
      nextCode[bits] = code;
    }
    for (int n = 0; n <= maxCode; n++) {
      int len = tree.len[n];
      if (len == 0) {
        continue;
      }
      tree.code[n] = GoHuffmanEncoder.reverse(nextCode[len]++ & 0xffff, len);
    }
  }

  private void scanTree(Tree tree, int maxCode) {
    int prevlen = -1;
    int nextlen = tree.len[0];
    int count = 0;
    int maxCount = 7;
    int minCount = 4;
    if (nextlen == 0) {
      maxCount = 138;
      minCount = 3;
    }
    tree.len[maxCode + 1] = 0xffff; // guard
    for (int n = 0; n <= maxCode; n++) {
      int curlen = nextlen;
      nextlen = tree.len[n + 1];
      if (++count < maxCount && curlen == nextlen) {
        continue;
      } else if (count < minCount) {
        blTree.freq[curlen] += count;
      } else if (curlen != 0) {
        if (curlen != prevlen) {
          blTree.freq[curlen]++;
        }
        blTree.freq[REP_3_6]++;
      } else if (count <= 10) {
        blTree.freq[REPZ_3_10]++;
      } else {
        blTree.freq[REPZ_11_138]++;
      }
      count = 0;
      prevlen = curlen;
      if (nextlen == 0) {
        maxCount = 138;
        minCount = 3;
      } else if (curlen == nextlen) {
        maxCount = 6;
        minCount = 3;
      } else {
        maxCount = 7;
        minCount = 4;
      }
    }
  }

  private void sendCode(int c, Tree tree) throws IOException {
    sink.bits(tree.code[c], tree.len[c]);
  }

  private void sendTree(Tree tree, int maxCode) throws IOException {
    int prevlen = -1;
    int nextlen = tree.len[0];
    int count = 0;
    int maxCount = 7;
    int minCount = 4;
    if (nextlen == 0) {
      maxCount = 138;
      minCount = 3;
    }
    for (int n = 0; n <= maxCode; n++) {
      int curlen = nextlen;
      nextlen = tree.len[n + 1];
      if (++count < maxCount && curlen == nextlen) {
        continue;
      } else if (count < minCount) {
        do {
          sendCode(curlen, blTree);
        } while (--count != 0);
      } else if (curlen != 0) {
        if (curlen != prevlen) {
          sendCode(curlen, blTree);
          count--;
        }
        sendCode(REP_3_6, blTree);
        sink.bits(count - 3, 2);
      } else if (count <= 10) {
        sendCode(REPZ_3_10, blTree);
        sink.bits(count - 3, 3);
      } else {
        sendCode(REPZ_11_138, blTree);
        sink.bits(count - 11, 7);
      }
      count = 0;
      prevlen = curlen;
      if (nextlen == 0) {
        maxCount = 138;
        minCount = 3;
      } else if (curlen == nextlen) {
        maxCount = 6;
        minCount = 3;
      } else {
        maxCount = 7;
        minCount = 4;
      }
    }
  }

  private int buildBlTree() {
    scanTree(dynL, lMaxCode);
    scanTree(dynD, dMaxCode);
    buildTree(blTree, null, BL_CODES, EXTRA_BLBITS, 0, MAX_BL_BITS);
    int maxBlindex;
    for (maxBlindex = BL_CODES - 1; maxBlindex >= 3; maxBlindex--) {
      if (blTree.len[BL_ORDER[maxBlindex]] != 0) {
        break;
      }
    }
    optLen += 3L * (maxBlindex + 1) + 5 + 5 + 4;
    return maxBlindex;
  }

  private void compressBlock(Tree ltree, Tree dtree) throws IOException {
    for (int i = 0; i < lastLit; i++) {
      int lc = litLen[i];
      int d = dist[i];
      if (d < 0) {
        sendCode(lc, ltree);
        continue;
      }
      int code = DeflateTables.LENGTH_CODE[lc];
      sendCode(code + LITERALS + 1, ltree);
      int extra = EXTRA_LBITS[code];
      if (extra != 0) {
        sink.bits(lc - DeflateTables.LENGTH_BASE[code], extra);
      }
      code = DeflateTables.offsetCode(d);
      sendCode(code, dtree);
      extra = EXTRA_DBITS[code];
      if (extra != 0) {
        sink.bits(d - DeflateTables.OFFSET_BASE[code], extra);
      }
    }
    sendCode(END_BLOCK, ltree);
  }

  /**
   * Writes the pending symbols as one block (trees.c flush_block): stored when that is no longer
   * than the best Huffman coding and the input bytes are still at hand ({@code buf} non-null),
   * fixed codes when they tie with or beat dynamic ones, else dynamic.
   */
  void flushBlock(byte[] buf, int bufOff, long storedLen, boolean eof) throws IOException {
    lMaxCode = buildTree(dynL, STATIC_L, L_CODES, EXTRA_LBITS, LITERALS + 1, MAX_BITS);
    dMaxCode = buildTree(dynD, STATIC_D, D_CODES, EXTRA_DBITS, 0, MAX_BITS);
    int maxBlindex = buildBlTree();
    long optLenb = (optLen + 3 + 7) >> 3;
    long staticLenb = (staticLen + 3 + 7) >> 3;
    if (staticLenb <= optLenb) {
      optLenb = staticLenb;
    }
    if (storedLen + 4 <= optLenb && buf != null) {
      sink.bits(eof ? 1 : 0, 3);
      compressedLen = (compressedLen + 3 + 7) & ~7L;
      compressedLen += (storedLen + 4) << 3;
      sink.alignToByte();
      int len = (int) storedLen;
      sink.bits(len & 0xffff, 16);
      sink.bits(~len & 0xffff, 16);
      sink.bytes(buf, bufOff, len);
    } else if (staticLenb == optLenb) {
      sink.bits((1 << 1) + (eof ? 1 : 0), 3);
      compressBlock(STATIC_L, STATIC_D);
      compressedLen += 3 + staticLen;
    } else {
      sink.bits((2 << 1) + (eof ? 1 : 0), 3);
      sendAllTrees(lMaxCode + 1, dMaxCode + 1, maxBlindex + 1);
      compressBlock(dynL, dynD);
      compressedLen += 3 + optLen;
    }
    initBlock();
    if (eof) {
      sink.alignToByte();
      compressedLen += 7;
    }
  }

  private void sendAllTrees(int lcodes, int dcodes, int blcodes) throws IOException {
    sink.bits(lcodes - 257, 5);
    sink.bits(dcodes - 1, 5);
    sink.bits(blcodes - 4, 4);
    for (int rank = 0; rank < blcodes; rank++) {
      sink.bits(blTree.len[BL_ORDER[rank]], 3);
    }
    sendTree(dynL, lcodes - 1);
    sendTree(dynD, dcodes - 1);
  }
}
