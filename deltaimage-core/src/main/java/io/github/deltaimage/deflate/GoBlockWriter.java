package io.github.deltaimage.deflate;

import static io.github.deltaimage.deflate.DeflateTables.LENGTH_BASE;
import static io.github.deltaimage.deflate.DeflateTables.LENGTH_CODE;
import static io.github.deltaimage.deflate.DeflateTables.LENGTH_EXTRA_BITS;
import static io.github.deltaimage.deflate.DeflateTables.OFFSET_BASE;
import static io.github.deltaimage.deflate.DeflateTables.OFFSET_EXTRA_BITS;

import java.io.IOException;

/**
 * Writes token blocks the way Go's huffmanBitWriter does (before Go 1.27): the choice between
 * stored, fixed and dynamic blocks, the code-length run encoding, and the size estimates behind
 * those choices all decide the output bytes. See NOTICE.
 */
final class GoBlockWriter {

  /** Tokens: a literal byte is its value; a match is MATCH | (length - 3) << 22 | (distance - 1). */
  static final int MATCH = 1 << 30;

  static final int END_BLOCK = 256;
  private static final int MAX_NUM_LIT = 286;
  private static final int OFFSET_CODE_COUNT = 30;
  private static final int CODEGEN_CODE_COUNT = 19;
  private static final int BAD_CODE = 255;
  static final int MAX_STORE_BLOCK_SIZE = 65535;
  private static final int[] CODEGEN_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  private static final GoHuffmanEncoder FIXED_LITERALS = GoHuffmanEncoder.fixedLiterals();
  private static final GoHuffmanEncoder FIXED_OFFSETS = GoHuffmanEncoder.fixedOffsets();
  private static final GoHuffmanEncoder HUFF_OFFSET = new GoHuffmanEncoder(OFFSET_CODE_COUNT);

  static {
    int[] freq = new int[OFFSET_CODE_COUNT];
    freq[0] = 1;
    HUFF_OFFSET.generate(freq, OFFSET_CODE_COUNT, 15);
  }

  final BitSink sink;
  private final int[] literalFreq = new int[MAX_NUM_LIT];
  private final int[] offsetFreq = new int[OFFSET_CODE_COUNT];
  private final int[] codegenFreq = new int[CODEGEN_CODE_COUNT];
  private final int[] codegen = new int[MAX_NUM_LIT + OFFSET_CODE_COUNT + 1];
  private final GoHuffmanEncoder literalEncoding = new GoHuffmanEncoder(MAX_NUM_LIT);
  private final GoHuffmanEncoder offsetEncoding = new GoHuffmanEncoder(OFFSET_CODE_COUNT);
  private final GoHuffmanEncoder codegenEncoding = new GoHuffmanEncoder(CODEGEN_CODE_COUNT);
  private int numLiterals;
  private int numOffsets;

  GoBlockWriter(BitSink sink) {
    this.sink = sink;
  }

  void writeStoredHeader(int length, boolean eof) throws IOException {
    sink.bits(eof ? 1 : 0, 3);
    sink.alignToByte();
    sink.bits(length, 16);
    sink.bits(~length & 0xffff, 16);
  }

  private void writeStored(byte[] input, int off, int len, boolean eof) throws IOException {
    writeStoredHeader(len, eof);
    sink.bytes(input, off, len);
  }

  /**
   * A block of {@code tokens[0..n)} (the array needs one free slot); {@code input} may be null when
   * the block's bytes are no longer in the window, which rules out a stored block.
   */
  void writeBlock(int[] tokens, int n, boolean eof, byte[] input, int inOff, int inLen)
      throws IOException {
    tokens[n++] = END_BLOCK;
    indexTokens(tokens, n);
    int extraBits = 0;
    boolean storable = input != null && inLen <= MAX_STORE_BLOCK_SIZE;
    int storedSize = storable ? (inLen + 5) * 8 : 0;
    if (storable) {
      for (int lengthCode = 257 + 8; lengthCode < numLiterals; lengthCode++) {
        extraBits += literalFreq[lengthCode] * LENGTH_EXTRA_BITS[lengthCode - 257];
      }
      for (int offsetCode = 4; offsetCode < numOffsets; offsetCode++) {
        extraBits += offsetFreq[offsetCode] * OFFSET_EXTRA_BITS[offsetCode];
      }
    }
    GoHuffmanEncoder literals = FIXED_LITERALS;
    GoHuffmanEncoder offsets = FIXED_OFFSETS;
    int size = fixedSize(extraBits);

    generateCodegen(numLiterals, numOffsets, literalEncoding, offsetEncoding);
    codegenEncoding.generate(codegenFreq, CODEGEN_CODE_COUNT, 7);
    int numCodegens = numCodegens();
    int dynamicSize = dynamicSize(literalEncoding, offsetEncoding, extraBits, numCodegens);
    if (dynamicSize < size) {
      size = dynamicSize;
      literals = literalEncoding;
      offsets = offsetEncoding;
    }
    if (storable && storedSize < size) {
      writeStored(input, inOff, inLen, eof);
      return;
    }
    if (literals == FIXED_LITERALS) {
      sink.bits(eof ? 3 : 2, 3);
    } else {
      writeDynamicHeader(numLiterals, numOffsets, numCodegens, eof);
    }
    writeTokens(tokens, n, literals, offsets);
  }

  /** A dynamic block unless stored is clearly smaller (Go's BestSpeed path). */
  void writeBlockDynamic(int[] tokens, int n, boolean eof, byte[] input, int inOff, int inLen)
      throws IOException {
    tokens[n++] = END_BLOCK;
    indexTokens(tokens, n);
    generateCodegen(numLiterals, numOffsets, literalEncoding, offsetEncoding);
    codegenEncoding.generate(codegenFreq, CODEGEN_CODE_COUNT, 7);
    int numCodegens = numCodegens();
    int size = dynamicSize(literalEncoding, offsetEncoding, 0, numCodegens);
    if (input != null && inLen <= MAX_STORE_BLOCK_SIZE && (inLen + 5) * 8 < size + (size >> 4)) {
      writeStored(input, inOff, inLen, eof);
      return;
    }
    writeDynamicHeader(numLiterals, numOffsets, numCodegens, eof);
    writeTokens(tokens, n, literalEncoding, offsetEncoding);
  }

  /** Literals only, Huffman coded from their histogram (Go's writeBlockHuff). */
  void writeBlockHuff(boolean eof, byte[] input, int off, int len) throws IOException {
    java.util.Arrays.fill(literalFreq, 0);
    for (int i = off, end = off + len; i < end; i++) {
      literalFreq[input[i] & 0xff]++;
    }
    literalFreq[END_BLOCK] = 1;
    int lits = END_BLOCK + 1;
    offsetFreq[0] = 1;
    literalEncoding.generate(literalFreq, MAX_NUM_LIT, 15);
    generateCodegen(lits, 1, literalEncoding, HUFF_OFFSET);
    codegenEncoding.generate(codegenFreq, CODEGEN_CODE_COUNT, 7);
    int numCodegens = numCodegens();
    int size = dynamicSize(literalEncoding, HUFF_OFFSET, 0, numCodegens);
    if (len <= MAX_STORE_BLOCK_SIZE && (len + 5) * 8 < size + (size >> 4)) {
      writeStored(input, off, len, eof);
      return;
    }
    writeDynamicHeader(lits, 1, numCodegens, eof);
    int[] code = literalEncoding.code;
    int[] length = literalEncoding.length;
    for (int i = off, end = off + len; i < end; i++) {
      int b = input[i] & 0xff;
      sink.bits(code[b], length[b]);
    }
    sink.bits(code[END_BLOCK], length[END_BLOCK]);
  }

  private void indexTokens(int[] tokens, int n) {
    java.util.Arrays.fill(literalFreq, 0);
    java.util.Arrays.fill(offsetFreq, 0);
    for (int i = 0; i < n; i++) {
      int t = tokens[i];
      if (t < MATCH) {
        literalFreq[t]++;
        continue;
      }
      literalFreq[257 + LENGTH_CODE[(t >>> 22) & 0xff]]++;
      offsetFreq[DeflateTables.offsetCode(t & 0x3fffff)]++;
    }
    int lits = MAX_NUM_LIT;
    while (literalFreq[lits - 1] == 0) {
      lits--;
    }
    int offs = OFFSET_CODE_COUNT;
    while (offs > 0 && offsetFreq[offs - 1] == 0) {
      offs--;
    }
    if (offs == 0) {
      offsetFreq[0] = 1;
      offs = 1;
    }
    literalEncoding.generate(literalFreq, MAX_NUM_LIT, 15);
    offsetEncoding.generate(offsetFreq, OFFSET_CODE_COUNT, 15);
    numLiterals = lits;
    numOffsets = offs;
  }

  private void generateCodegen(
      int lits, int offs, GoHuffmanEncoder litEnc, GoHuffmanEncoder offEnc) {
    java.util.Arrays.fill(codegenFreq, 0);
    int[] cg = codegen;
    System.arraycopy(litEnc.length, 0, cg, 0, lits);
    System.arraycopy(offEnc.length, 0, cg, lits, offs);
    cg[lits + offs] = BAD_CODE;

    int size = cg[0];
    int count = 1;
    int outIndex = 0;
    for (int inIndex = 1; size != BAD_CODE; inIndex++) {
      int nextSize = cg[inIndex];
      if (nextSize == size) {
        count++;
        continue;
      }
      if (size != 0) {
        cg[outIndex++] = size;
        codegenFreq[size]++;
        count--;
        while (count >= 3) {
          int n = Math.min(6, count);
          cg[outIndex++] = 16;
          cg[outIndex++] = n - 3;
          codegenFreq[16]++;
          count -= n;
        }
      } else {
        while (count >= 11) {
          int n = Math.min(138, count);
          cg[outIndex++] = 18;
          cg[outIndex++] = n - 11;
          codegenFreq[18]++;
          count -= n;
        }
        if (count >= 3) {
          cg[outIndex++] = 17;
          cg[outIndex++] = count - 3;
          codegenFreq[17]++;
          count = 0;
        }
      }
      count--;
      for (; count >= 0; count--) {
        cg[outIndex++] = size;
        codegenFreq[size]++;
      }
      size = nextSize;
      count = 1;
    }
    cg[outIndex] = BAD_CODE;
  }

  private int numCodegens() {
    int n = CODEGEN_CODE_COUNT;
    while (n > 4 && codegenFreq[CODEGEN_ORDER[n - 1]] == 0) {
      n--;
    }
    return n;
  }

  private int dynamicSize(
      GoHuffmanEncoder litEnc, GoHuffmanEncoder offEnc, int extraBits, int numCodegens) {
    int header = 3
        + 5
        + 5
        + 4
        + 3 * numCodegens
        + codegenEncoding.bitLength(codegenFreq, CODEGEN_CODE_COUNT)
        + codegenFreq[16] * 2
        + codegenFreq[17] * 3
        + codegenFreq[18] * 7;
    return header
        + litEnc.bitLength(literalFreq, MAX_NUM_LIT)
        + offEnc.bitLength(offsetFreq, OFFSET_CODE_COUNT)
        + extraBits;
  }

  private int fixedSize(int extraBits) {
    return 3
        + FIXED_LITERALS.bitLength(literalFreq, MAX_NUM_LIT)
        + FIXED_OFFSETS.bitLength(offsetFreq, OFFSET_CODE_COUNT)
        + extraBits;
  }

  private void writeDynamicHeader(int lits, int offs, int numCodegens, boolean eof)
      throws IOException {
    sink.bits(eof ? 5 : 4, 3);
    sink.bits(lits - 257, 5);
    sink.bits(offs - 1, 5);
    sink.bits(numCodegens - 4, 4);
    for (int i = 0; i < numCodegens; i++) {
      sink.bits(codegenEncoding.length[CODEGEN_ORDER[i]], 3);
    }
    int i = 0;
    while (true) {
      int codeWord = codegen[i++];
      if (codeWord == BAD_CODE) {
        break;
      }
      sink.bits(codegenEncoding.code[codeWord], codegenEncoding.length[codeWord]);
      switch (codeWord) {
        case 16 -> sink.bits(codegen[i++], 2);
        case 17 -> sink.bits(codegen[i++], 3);
        case 18 -> sink.bits(codegen[i++], 7);
        default -> {}
      }
    }
  }

  private void writeTokens(int[] tokens, int n, GoHuffmanEncoder literals, GoHuffmanEncoder offsets)
      throws IOException {
    int[] lc = literals.code;
    int[] ll = literals.length;
    int[] oc = offsets.code;
    int[] ol = offsets.length;
    BitSink s = sink;
    for (int i = 0; i < n; i++) {
      int t = tokens[i];
      if (t < MATCH) {
        s.bits(lc[t], ll[t]);
        continue;
      }
      int length = (t >>> 22) & 0xff;
      int lengthCode = LENGTH_CODE[length];
      s.bits(lc[lengthCode + 257], ll[lengthCode + 257]);
      int extraLengthBits = LENGTH_EXTRA_BITS[lengthCode];
      if (extraLengthBits > 0) {
        s.bits(length - LENGTH_BASE[lengthCode], extraLengthBits);
      }
      int offset = t & 0x3fffff;
      int offsetCode = DeflateTables.offsetCode(offset);
      s.bits(oc[offsetCode], ol[offsetCode]);
      int extraOffsetBits = OFFSET_EXTRA_BITS[offsetCode];
      if (extraOffsetBits > 0) {
        s.bits(offset - OFFSET_BASE[offsetCode], extraOffsetBits);
      }
    }
  }
}
