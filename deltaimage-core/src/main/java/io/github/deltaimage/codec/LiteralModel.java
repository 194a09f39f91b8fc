package io.github.deltaimage.codec;

import java.util.Arrays;

/**
 * A context-mixing model of the suffix-array engine's new bytes, bit by bit. What the reference does
 * not hold is mostly new source text and code. Predicting each bit from several contexts at once
 * (the last one to six bytes, the current word and line, the last bytes' longest earlier occurrence
 * in the reference or in the new bytes so far) and mixing the predictions (two mixers, one keyed by
 * the bits of the byte so far, one by the match's length) codes it in about a sixth fewer bytes
 * than LZMA2 does (the npm pair's 517 KB of new bytes: 51.8 KB instead of 62.5 KB).
 *
 * <p>The encoder and the decoder run the same model. {@link #p()} is the probability (12 bits) that
 * the next bit is 1, and {@link #update(int)} learns the bit that came. The model depends only on
 * bytes already coded and on the dictionary, so both sides stay in step.
 */
final class LiteralModel {

  /**
   * Contexts hashed into the counter tables: orders 1, 2, 3, 4, 6, the current word, the two bytes
   * before the last, and the line so far (its first non-blank bytes and the column).
   */
  private static final int CONTEXTS = 8;
  /** Inputs of the mixer: one per context, the match model's two, and a bias. */
  private static final int INPUTS = CONTEXTS + 3;
  /** Bytes that must agree before the match model follows an earlier occurrence. */
  private static final int MIN_MATCH = 8;
  /** Longest match the model measures backwards when it finds one. */
  private static final int MAX_MEASURED = 400;

  private static final int MATCH_HASH_BITS = 22;
  /**
   * A counter adapts at 1/(n + 1.5) for its first n updates, then at this rate's reciprocal: fast,
   * as hashed contexts are shared and code changes its habits from run to run. On the npm pair's
   * new bytes: 5, 51.1 KB; 8, 51.3 KB; 15, 51.8 KB; 30, 52.5 KB.
   */
  private static final int COUNT_LIMIT = 5;

  private static final float LEARNING_RATE = 0.0005f / 65536f;
  private static final int APM_RATE = 6;

  private static final int[] STRETCH = new int[4096];
  private static final int[] SQUASH = new int[4096];
  private static final int[] RATE = new int[COUNT_LIMIT + 1];

  static {
    for (int i = 0; i < 4096; i++) {
      double x = (i - 2048) / 256.0;
      SQUASH[i] = Math.max(1, Math.min(4095, (int) Math.round(4096 / (1 + Math.exp(-x)))));
    }
    int next = 0;
    for (int x = -2047; x <= 2047; x++) {
      int v = squash(x);
      for (int j = next; j <= v; j++) {
        STRETCH[j] = x;
      }
      next = v + 1;
    }
    for (int j = next; j < 4096; j++) {
      STRETCH[j] = 2047;
    }
    for (int n = 0; n <= COUNT_LIMIT; n++) {
      RATE[n] = (int) (65536 / (n + 1.5));
    }
  }

  /** 1 / (1 + e^-x), x in 1/256ths, as 12 bits. */
  static int squash(int x) {
    if (x > 2047) {
      return 4095;
    }
    if (x < -2047) {
      return 1;
    }
    return SQUASH[x + 2048];
  }

  /** The inverse of {@link #squash}. */
  static int stretch(int p) {
    return STRETCH[p];
  }

  private final int tableMask;
  /**
   * Per context, counters (a 22-bit probability and a 10-bit count), found by hashing the context
   * with the bits of the byte seen so far.
   */
  private final int[][] tables = new int[CONTEXTS][];

  private final int[] slots = new int[CONTEXTS];
  private final int[] hashes = new int[CONTEXTS];

  /** The dictionary followed by the bytes coded so far: what the match model points into. */
  private final byte[] history;

  private int historyLength;
  private final int[] matchTable = new int[1 << MATCH_HASH_BITS];
  private int matchPointer;
  private int matchLength;
  private int expectedByte;
  /** Match model: probabilities by match length bucket and expected bit. */
  private final int[] matchCounters = new int[32 * 2];

  private int matchSlot;

  private final int[] inputs = new int[INPUTS];
  /** The first mixer's weights, one set per value of the bits of the byte so far. */
  private final float[] weights = new float[256 * INPUTS];

  private int weightSet;
  /** The second mixer's weights, one set per match length bucket and bit position. */
  private final float[] matchWeights = new float[32 * 8 * INPUTS];

  private int matchWeightSet;
  /** Each mixer's output: each learns from its own error. */
  private int mixed1;

  private int mixed2;

  /** An adaptive probability map refining the mixers' output by the last byte and the bits so far. */
  private final int[] apm = new int[256 * 256 * 33];

  private int apmSlot;
  private int probability;

  private int partial = 1;
  private int bitCount;
  private long lastBytes;
  private int word;
  private int column;
  private int lineStart;

  /**
   * @param history an array holding the dictionary (bytes the new bytes are likely to repeat: the
   *     reference) in its first {@code dictionaryLength} bytes, with room after it for every byte
   *     that will be coded; the model appends them
   * @param expectedLength how many bytes will be coded, to size the tables
   */
  LiteralModel(byte[] history, int dictionaryLength, long expectedLength) {
    // A counter per bit of the bytes to code: tables four times larger save 2 % and cost twice the
    // time (cache misses), on the npm pair.
    int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, expectedLength));
    int tableBits = Math.max(16, Math.min(22, bits));
    tableMask = (1 << tableBits) - 1;
    for (int i = 0; i < CONTEXTS; i++) {
      tables[i] = new int[1 << tableBits];
      Arrays.fill(tables[i], 0x200000 << 10);
    }
    Arrays.fill(matchCounters, 0x200000 << 10);
    for (int i = 0; i < apm.length; i++) {
      apm[i] = squash(((i % 33) - 16) * 128) * 16;
    }
    Arrays.fill(weights, 0.3f);
    Arrays.fill(matchWeights, 0.3f);
    this.history = history;
    historyLength = dictionaryLength;
    Arrays.fill(matchTable, -1);
    for (int end = MIN_MATCH; end <= historyLength; end++) {
      matchTable[matchHash(end)] = end;
    }
    contextsForNextByte();
    predict();
  }

  /** Hash of the {@link #MIN_MATCH} bytes before {@code end}. */
  private int matchHash(int end) {
    long h = 0;
    for (int i = end - MIN_MATCH; i < end; i++) {
      h = (h << 8) | (history[i] & 0xff);
    }
    return (int) ((h * 0x9E3779B97F4A7C15L) >>> (64 - MATCH_HASH_BITS));
  }

  /** Probability (1..4095 of 4096) that the next bit is 1. */
  int p() {
    return probability;
  }

  /** Learns {@code bit}, the bit that followed the last prediction, and predicts the next. */
  void update(int bit) {
    for (int i = 0; i < CONTEXTS; i++) {
      tables[i][slots[i]] = adapt(tables[i][slots[i]], bit, COUNT_LIMIT);
    }
    if (matchLength > 0) {
      matchCounters[matchSlot] = adapt(matchCounters[matchSlot], bit, 255);
    }
    float error = ((bit << 12) - mixed1) * LEARNING_RATE;
    for (int i = 0; i < INPUTS; i++) {
      weights[weightSet + i] += inputs[i] * error;
    }
    float error2 = ((bit << 12) - mixed2) * LEARNING_RATE;
    for (int i = 0; i < INPUTS; i++) {
      matchWeights[matchWeightSet + i] += inputs[i] * error2;
    }
    int target = bit == 1 ? 65535 : 0;
    apm[apmSlot] += (target - apm[apmSlot]) >> APM_RATE;
    apm[apmSlot + 1] += (target - apm[apmSlot + 1]) >> APM_RATE;

    partial = (partial << 1) | bit;
    bitCount++;
    if (matchLength > 0 && ((expectedByte >> (8 - bitCount)) & 1) != bit) {
      matchLength = 0;
    }
    if (bitCount == 8) {
      byteDone(partial & 0xff);
      partial = 1;
      bitCount = 0;
    }
    predict();
  }

  /** A counter moved toward {@code bit}: fast while it is young, at a steady rate after. */
  private static int adapt(int counter, int bit, int limit) {
    int n = counter & 1023;
    long p = (counter >>> 10) & 0x3fffff;
    long target = bit == 1 ? 0x3fffff : 0;
    p += (target - p) * RATE[Math.min(n, COUNT_LIMIT)] >> 16;
    if (n < limit) {
      n++;
    }
    return (int) ((p << 10) | n);
  }

  /**
   * Shows the model the {@code length} bytes that come before what it codes next (the target's
   * bytes before a run of new bytes) without coding them: they set its contexts and its match, and
   * the last {@code learned} of them also train it, as if coded.
   */
  void context(byte[] bytes, int length, int learned) {
    int shownOnly = Math.max(0, length - learned);
    for (int i = 0; i < shownOnly; i++) {
      byteDone(bytes[i] & 0xff);
    }
    if (shownOnly > 0) {
      predict();
    }
    for (int i = shownOnly; i < length; i++) {
      int c = bytes[i] & 0xff;
      for (int b = 7; b >= 0; b--) {
        update((c >> b) & 1);
      }
    }
  }

  private void byteDone(int c) {
    history[historyLength++] = (byte) c;
    lastBytes = (lastBytes << 8) | c;
    boolean wordByte = (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '$';
    word = wordByte ? (word + c + 1) * 0x3b9aca07 : 0;
    if (c == '\n') {
      column = 0;
      lineStart = 0;
    } else {
      column++;
      if (column <= 12 && c != ' ') {
        lineStart = lineStart * 0x2f0b4ac3 + c + 1;
      }
    }
    if (matchLength > 0) {
      matchLength++;
      matchPointer++;
    }
    if (historyLength >= MIN_MATCH) {
      int h = matchHash(historyLength);
      if (matchLength == 0) {
        int candidate = matchTable[h];
        if (candidate > 0) {
          int length = 0;
          while (length < MAX_MEASURED
              && candidate - length > 0
              && history[candidate - length - 1] == history[historyLength - length - 1]) {
            length++;
          }
          if (length >= MIN_MATCH) {
            matchPointer = candidate;
            matchLength = length;
          }
        }
      }
      matchTable[h] = historyLength;
    }
    // The byte the match predicts must already be known (the pointer is behind the end).
    if (matchLength > 0 && matchPointer >= historyLength) {
      matchLength = 0;
    }
    expectedByte = matchLength > 0 ? history[matchPointer] & 0xff : 0;
    contextsForNextByte();
  }

  private void contextsForNextByte() {
    long b = lastBytes;
    hashes[0] = (int) (b & 0xff) + 1;
    hashes[1] = (int) (b & 0xffff) + 0x10000;
    hashes[2] = (int) (b & 0xffffff) + 0x3000000;
    hashes[3] = (int) ((b & 0xffffffffL) * 0x9E3779B1L >>> 16) + 0x5000000;
    hashes[4] = (int) (((b & 0xffffffffffffL) * 0x9E3779B97F4A7C15L) >>> 32);
    hashes[5] = word + 0x7000000;
    hashes[6] = (int) ((b >>> 8) & 0xffff) * 0x2545F491 + 0x9000000;
    hashes[7] = (lineStart * 0x3b9aca07 + Math.min(column, 40)) * 0x61C88647 + 0xB000000;
  }

  private void predict() {
    for (int i = 0; i < CONTEXTS; i++) {
      int h = hashes[i] + partial * 0x2f0b4ac3;
      h ^= h >>> 13;
      slots[i] = (h * 0x85EBCA6B) & tableMask;
      inputs[i] = stretch((tables[i][slots[i]] >>> 20) & 4095);
    }
    int lengthBucket = 0;
    if (matchLength > 0) {
      int expectedBit = (expectedByte >> (7 - bitCount)) & 1;
      lengthBucket = Math.min(31, matchLength < 16 ? matchLength : 16 + (matchLength >> 4));
      matchSlot = lengthBucket * 2 + expectedBit;
      inputs[CONTEXTS] = stretch((matchCounters[matchSlot] >>> 20) & 4095);
      int strength = Math.min(2047, lengthBucket * 64);
      inputs[CONTEXTS + 1] = expectedBit == 1 ? strength : -strength;
    } else {
      inputs[CONTEXTS] = 0;
      inputs[CONTEXTS + 1] = 0;
    }
    inputs[CONTEXTS + 2] = 256;
    weightSet = partial * INPUTS;
    float dot = 0;
    for (int i = 0; i < INPUTS; i++) {
      dot += inputs[i] * weights[weightSet + i];
    }
    int stretched = (int) Math.max(-2047, Math.min(2047, dot));
    mixed1 = squash(stretched);
    matchWeightSet = (lengthBucket * 8 + bitCount) * INPUTS;
    float dot2 = 0;
    for (int i = 0; i < INPUTS; i++) {
      dot2 += inputs[i] * matchWeights[matchWeightSet + i];
    }
    int stretched2 = (int) Math.max(-2047, Math.min(2047, dot2));
    mixed2 = squash(stretched2);
    // The two mixers' average, in the stretched domain.
    stretched = (stretched + stretched2) / 2;
    int mixed = squash(stretched);
    // Interpolate between two of 33 cells along the stretched probability.
    int index = stretched + 2048;
    int weight = index & 127;
    apmSlot = ((int) (lastBytes & 0xff) * 256 + partial) * 33 + (index >> 7);
    int refined = (apm[apmSlot] * (128 - weight) + apm[apmSlot + 1] * weight) >> 11;
    probability =
        Math.max(1, Math.min(4095, (mixed + 3 * Math.max(1, Math.min(4095, refined))) >> 2));
  }
}
