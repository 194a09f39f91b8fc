package io.github.deltaimage.deflate;

import static io.github.deltaimage.deflate.DeflateTables.LENGTH_BASE;
import static io.github.deltaimage.deflate.DeflateTables.LENGTH_CODE;
import static io.github.deltaimage.deflate.DeflateTables.LENGTH_EXTRA_BITS;
import static io.github.deltaimage.deflate.DeflateTables.OFFSET_BASE;
import static io.github.deltaimage.deflate.DeflateTables.OFFSET_EXTRA_BITS;
import static io.github.deltaimage.deflate.KlauspostTokens.END_BLOCK;

import java.io.IOException;
import java.util.Arrays;

/**
 * klauspost's huffmanBitWriter (klauspost/compress 1.15): unlike Go's it may keep a dynamic block
 * open across calls, reusing its table while its estimate says that pays, ends an empty final
 * block as a fixed one, and checks for stored blocks with a variance test. Every one of those
 * choices shows in the bytes, so this follows it decision by decision. See NOTICE.
 */
final class KlauspostBlockWriter {

  private static final int LITERAL_COUNT = 286;
  private static final int OFFSET_CODE_COUNT = 30;
  private static final int CODEGEN_CODE_COUNT = 19;
  private static final int BAD_CODE = 255;
  private static final int MAX_PREDEFINED_TOKENS = 250;
  private static final int MAX_STORE_BLOCK_SIZE = 65535;
  private static final int LITERAL_FREQ_SIZE = 257 + 32;
  private static final int[] CODEGEN_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  private static final GoHuffmanEncoder FIXED_LITERALS = GoHuffmanEncoder.fixedLiterals();
  private static final GoHuffmanEncoder FIXED_OFFSETS = GoHuffmanEncoder.fixedOffsets();
  private static final GoHuffmanEncoder HUFF_OFFSET = new GoHuffmanEncoder(OFFSET_CODE_COUNT);

  static {
    int[] freq = new int[32];
    freq[0] = 1;
    HUFF_OFFSET.generate(freq, OFFSET_CODE_COUNT, 15);
  }

  private final BitSink sink;
  private final int logNewTablePenalty;
  private boolean lastHuffMan;
  /** Header bits of the dynamic block still open, 0 when none is. */
  private int lastHeader;

  private GoHuffmanEncoder literalEncoding = new GoHuffmanEncoder(LITERAL_COUNT);
  private GoHuffmanEncoder tmpLitEncoding = new GoHuffmanEncoder(LITERAL_COUNT);
  private final GoHuffmanEncoder offsetEncoding = new GoHuffmanEncoder(OFFSET_CODE_COUNT);
  private final GoHuffmanEncoder codegenEncoding = new GoHuffmanEncoder(CODEGEN_CODE_COUNT);
  private final int[] literalFreq = new int[LITERAL_FREQ_SIZE];
  private final int[] offsetFreq = new int[32];
  private final int[] codegenFreq = new int[CODEGEN_CODE_COUNT];
  private final int[] codegen = new int[LITERAL_COUNT + OFFSET_CODE_COUNT + 1];

  KlauspostBlockWriter(BitSink sink, int logNewTablePenalty) {
    this.sink = sink;
    this.logNewTablePenalty = logNewTablePenalty;
  }

  private void writeEndOfBlock() throws IOException {
    sink.bits(literalEncoding.code[END_BLOCK], literalEncoding.length[END_BLOCK]);
  }

  /** Ends an open block and pads to a byte boundary. */
  void flush() throws IOException {
    if (lastHeader > 0) {
      writeEndOfBlock();
      lastHeader = 0;
    }
    sink.alignToByte();
  }

  void writeStoredHeader(int length, boolean eof) throws IOException {
    if (lastHeader > 0) {
      writeEndOfBlock();
      lastHeader = 0;
    }
    if (length == 0 && eof) {
      // An empty final block: fixed Huffman, just the end-of-block code.
      writeFixedHeader(true);
      sink.bits(0, 7);
      flush();
      return;
    }
    sink.bits(eof ? 1 : 0, 3);
    flush();
    sink.bits(length, 16);
    sink.bits(~length & 0xffff, 16);
  }

  void writeStored(byte[] input, int off, int len, boolean eof) throws IOException {
    writeStoredHeader(len, eof);
    sink.bytes(input, off, len);
  }

  private void writeFixedHeader(boolean eof) throws IOException {
    if (lastHeader > 0) {
      writeEndOfBlock();
      lastHeader = 0;
    }
    sink.bits(eof ? 3 : 2, 3);
  }

  private boolean canReuse(KlauspostTokens t) {
    for (int i = 0; i < OFFSET_CODE_COUNT; i++) {
      if (t.offHist[i] != 0 && offsetEncoding.length[i] == 0) {
        return false;
      }
    }
    for (int i = 0; i < LITERAL_COUNT - 256; i++) {
      if (t.extraHist[i] != 0 && literalEncoding.length[256 + i] == 0) {
        return false;
      }
    }
    for (int i = 0; i < 256; i++) {
      if (t.litHist[i] != 0 && literalEncoding.length[i] == 0) {
        return false;
      }
    }
    return true;
  }

  private int numLiterals;
  private int numOffsets;

  private void indexTokens(KlauspostTokens t, boolean filled) {
    System.arraycopy(t.litHist, 0, literalFreq, 0, 256);
    System.arraycopy(t.extraHist, 0, literalFreq, 256, 32);
    System.arraycopy(t.offHist, 0, offsetFreq, 0, 32);
    if (t.n == 0) {
      numLiterals = 0;
      numOffsets = 0;
      return;
    }
    if (filled) {
      numLiterals = LITERAL_COUNT;
      numOffsets = OFFSET_CODE_COUNT;
      return;
    }
    int lits = LITERAL_FREQ_SIZE;
    while (literalFreq[lits - 1] == 0) {
      lits--;
    }
    int offs = 32;
    while (offs > 0 && offsetFreq[offs - 1] == 0) {
      offs--;
    }
    if (offs == 0) {
      offsetFreq[0] = 1;
      offs = 1;
    }
    numLiterals = lits;
    numOffsets = offs;
  }

  private void generate() {
    literalEncoding.generate(literalFreq, LITERAL_COUNT, 15);
    offsetEncoding.generate(offsetFreq, OFFSET_CODE_COUNT, 15);
  }

  private int extraBitSize() {
    int total = 0;
    for (int i = 0; i < LITERAL_COUNT - 257; i++) {
      total += literalFreq[257 + i] * (i < LENGTH_EXTRA_BITS.length ? LENGTH_EXTRA_BITS[i] : 0);
    }
    for (int i = 0; i < OFFSET_CODE_COUNT; i++) {
      total += offsetFreq[i] * OFFSET_EXTRA_BITS[i];
    }
    return total;
  }

  private int fixedSize(int extraBits) {
    return 3
        + FIXED_LITERALS.bitLength(literalFreq, LITERAL_FREQ_SIZE)
        + FIXED_OFFSETS.bitLength(offsetFreq, 32)
        + extraBits;
  }

  private int numCodegens() {
    int n = CODEGEN_CODE_COUNT;
    while (n > 4 && codegenFreq[CODEGEN_ORDER[n - 1]] == 0) {
      n--;
    }
    return n;
  }

  private int headerSize() {
    return 3
        + 5
        + 5
        + 4
        + 3 * numCodegens()
        + codegenEncoding.bitLength(codegenFreq, CODEGEN_CODE_COUNT)
        + codegenFreq[16] * 2
        + codegenFreq[17] * 3
        + codegenFreq[18] * 7;
  }

  private int dynamicSize(GoHuffmanEncoder litEnc, GoHuffmanEncoder offEnc, int extraBits) {
    return headerSize()
        + litEnc.bitLength(literalFreq, LITERAL_FREQ_SIZE)
        + offEnc.bitLength(offsetFreq, 32)
        + extraBits;
  }

  /**
   * A block of the tokens; when {@code sync} is false the block may stay open for the next call
   * to reuse its table.
   */
  void writeBlockDynamic(
      KlauspostTokens tokens, boolean eof, byte[] input, int inOff, int inLen, boolean sync)
      throws IOException {
    sync = sync || eof;
    if (sync) {
      tokens.addEndOfBlock();
    }
    if ((lastHuffMan || eof) && lastHeader > 0) {
      writeEndOfBlock();
      lastHeader = 0;
      lastHuffMan = false;
    }
    if (lastHeader > 0 && !canReuse(tokens)) {
      writeEndOfBlock();
      lastHeader = 0;
    }
    indexTokens(tokens, !sync);
    int extraBits = 0;
    boolean storable = input != null && inLen <= MAX_STORE_BLOCK_SIZE;
    int ssize = storable ? (inLen + 5) * 8 : 0;
    if (storable || lastHeader > 0) {
      extraBits = extraBitSize();
    }
    int size = 0;
    if (lastHeader > 0) {
      int newSize = lastHeader + tokens.estimatedBits();
      newSize += literalEncoding.length[END_BLOCK] + (newSize >> logNewTablePenalty);
      int reuseSize = literalEncoding.bitLength(literalFreq, LITERAL_FREQ_SIZE)
          + offsetEncoding.bitLength(offsetFreq, 32)
          + extraBits;
      if (newSize < reuseSize) {
        writeEndOfBlock();
        size = newSize;
        lastHeader = 0;
      } else {
        size = reuseSize;
      }
      if (tokens.n < MAX_PREDEFINED_TOKENS) {
        int preSize = fixedSize(extraBits) + 7;
        if (preSize < size) {
          if (storable && ssize <= size) {
            writeStored(input, inOff, inLen, eof);
            return;
          }
          writeFixedHeader(eof);
          if (!sync) {
            tokens.addEndOfBlock();
          }
          writeTokens(tokens, FIXED_LITERALS, FIXED_OFFSETS);
          return;
        }
      }
      if (storable && ssize <= size) {
        writeStored(input, inOff, inLen, eof);
        return;
      }
    }
    if (lastHeader == 0) {
      literalFreq[END_BLOCK] = 1;
      generate();
      generateCodegen(numLiterals, numOffsets, literalEncoding, offsetEncoding);
      codegenEncoding.generate(codegenFreq, CODEGEN_CODE_COUNT, 7);
      int numCodegens = numCodegens();
      size = dynamicSize(literalEncoding, offsetEncoding, extraBits);
      if (tokens.n < MAX_PREDEFINED_TOKENS) {
        int preSize = fixedSize(extraBits);
        if (preSize <= size) {
          if (storable && ssize <= preSize) {
            writeStored(input, inOff, inLen, eof);
            return;
          }
          writeFixedHeader(eof);
          if (!sync) {
            tokens.addEndOfBlock();
          }
          writeTokens(tokens, FIXED_LITERALS, FIXED_OFFSETS);
          return;
        }
      }
      if (storable && ssize <= size) {
        writeStored(input, inOff, inLen, eof);
        return;
      }
      writeDynamicHeader(numLiterals, numOffsets, numCodegens, eof);
      if (!sync) {
        lastHeader = headerSize();
      }
      lastHuffMan = false;
    }
    if (sync) {
      lastHeader = 0;
    }
    writeTokens(tokens, literalEncoding, offsetEncoding);
  }

  /** Literals only, Huffman coded from their histogram (klauspost's writeBlockHuff). */
  void writeBlockHuff(boolean eof, byte[] input, int off, int len, boolean sync)
      throws IOException {
    Arrays.fill(literalFreq, 0);
    if (!lastHuffMan) {
      Arrays.fill(offsetFreq, 0);
    }
    for (int i = off, end = off + len; i < end; i++) {
      literalFreq[input[i] & 0xff]++;
    }
    boolean storable = len <= MAX_STORE_BLOCK_SIZE;
    int ssize = storable ? (len + 5) * 8 : 0;
    if (storable && len > 1024) {
      // Close to uniform bytes do not compress: store them.
      double abs = 0;
      double avg = (double) len / 256;
      double max = (double) (len * 2);
      for (int i = 0; i < 256; i++) {
        double diff = (double) literalFreq[i] - avg;
        abs += diff * diff;
        if (abs > max) {
          break;
        }
      }
      if (abs < max) {
        writeStored(input, off, len, eof);
        return;
      }
    }
    literalFreq[END_BLOCK] = 1;
    tmpLitEncoding.generate(literalFreq, END_BLOCK + 1, 15);
    int estBits = tmpLitEncoding.canReuseBits(literalFreq, END_BLOCK + 1);
    if (estBits < Integer.MAX_VALUE) {
      estBits += lastHeader;
      if (lastHeader == 0) {
        estBits += 70 * 8;
      }
      estBits += estBits >> logNewTablePenalty;
    }
    if (storable && ssize <= estBits) {
      writeStored(input, off, len, eof);
      return;
    }
    if (lastHeader > 0) {
      int reuseSize = literalEncoding.canReuseBits(literalFreq, 256);
      if (estBits < reuseSize) {
        writeEndOfBlock();
        lastHeader = 0;
      }
    }
    if (lastHeader == 0) {
      GoHuffmanEncoder swap = literalEncoding;
      literalEncoding = tmpLitEncoding;
      tmpLitEncoding = swap;
      generateCodegen(END_BLOCK + 1, 1, literalEncoding, HUFF_OFFSET);
      codegenEncoding.generate(codegenFreq, CODEGEN_CODE_COUNT, 7);
      writeDynamicHeader(END_BLOCK + 1, 1, numCodegens(), eof);
      lastHuffMan = true;
      lastHeader = headerSize();
    }
    int[] code = literalEncoding.code;
    int[] length = literalEncoding.length;
    for (int i = off, end = off + len; i < end; i++) {
      int b = input[i] & 0xff;
      sink.bits(code[b], length[b]);
    }
    if (eof || sync) {
      writeEndOfBlock();
      lastHeader = 0;
      lastHuffMan = false;
    }
  }

  private void generateCodegen(
      int lits, int offs, GoHuffmanEncoder litEnc, GoHuffmanEncoder offEnc) {
    Arrays.fill(codegenFreq, 0);
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

  private void writeTokens(
      KlauspostTokens tokens, GoHuffmanEncoder literals, GoHuffmanEncoder offsets)
      throws IOException {
    int n = tokens.n;
    if (n == 0) {
      return;
    }
    int[] tk = tokens.tokens;
    boolean deferEndOfBlock = false;
    if (tk[n - 1] == END_BLOCK) {
      n--;
      deferEndOfBlock = true;
    }
    int[] lc = literals.code;
    int[] ll = literals.length;
    int[] oc = offsets.code;
    int[] ol = offsets.length;
    BitSink s = sink;
    for (int i = 0; i < n; i++) {
      int t = tk[i];
      if (t < 256) {
        s.bits(lc[t], ll[t]);
        continue;
      }
      int length = (t >>> 22) & 0xff;
      int lengthCode = LENGTH_CODE[length];
      s.bits(lc[lengthCode + 257], ll[lengthCode + 257]);
      if (lengthCode >= 8) {
        s.bits(length - LENGTH_BASE[lengthCode], LENGTH_EXTRA_BITS[lengthCode]);
      }
      int offsetCode = (t >>> 16) & 31;
      s.bits(oc[offsetCode], ol[offsetCode]);
      if (offsetCode >= 4) {
        s.bits((t & 0xffff) - OFFSET_BASE[offsetCode], OFFSET_EXTRA_BITS[offsetCode]);
      }
    }
    if (deferEndOfBlock) {
      s.bits(lc[END_BLOCK], ll[END_BLOCK]);
    }
  }
}
