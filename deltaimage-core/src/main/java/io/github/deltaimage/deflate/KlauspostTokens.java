package io.github.deltaimage.deflate;

/**
 * klauspost's token buffer (token.go): tokens plus the literal, length-code and distance-code
 * histograms kept while matching, which its block writer uses for its size estimates. See NOTICE.
 */
final class KlauspostTokens {

  /** A literal is its byte; a match is MATCH | (length - 3) << 22 | distanceCode << 16 | (distance - 1). */
  static final int MATCH = 1 << 30;

  static final int END_BLOCK = 256;
  private static final int MAX_STORE_BLOCK_SIZE = 65535;

  final int[] tokens = new int[MAX_STORE_BLOCK_SIZE + 1];
  /** Length codes, index = code - 256 (0 is end of block). */
  final int[] extraHist = new int[32];

  final int[] offHist = new int[32];
  final int[] litHist = new int[256];
  int n;

  void reset() {
    if (n == 0) {
      return;
    }
    n = 0;
    java.util.Arrays.fill(litHist, 0);
    java.util.Arrays.fill(extraHist, 0);
    java.util.Arrays.fill(offHist, 0);
  }

  void addLiteral(int b) {
    tokens[n++] = b;
    litHist[b]++;
  }

  /** A match of any length, split into deflate-sized pieces the way klauspost splits it. */
  void addMatchLong(int xlength, int xoffset) {
    int oc = DeflateTables.offsetCode(xoffset);
    int packedOffset = xoffset | oc << 16;
    while (xlength > 0) {
      int xl = xlength;
      if (xl > 258) {
        xl = xl > 258 + 3 ? 258 : 258 - 3;
      }
      xlength -= xl;
      xl -= 3;
      extraHist[DeflateTables.LENGTH_CODE[xl] + 1]++;
      offHist[oc & 31]++;
      tokens[n++] = MATCH | xl << 22 | packedOffset;
    }
  }

  void addEndOfBlock() {
    tokens[n++] = END_BLOCK;
    extraHist[0]++;
  }

  /** klauspost's entropy estimate (float32 arithmetic in its order, so the choices match). */
  int estimatedBits() {
    float shannon = 0;
    int bits = 0;
    int nMatches = 0;
    int total = n;
    if (total > 0) {
      float invTotal = 1.0f / (float) total;
      for (int v : litHist) {
        if (v > 0) {
          float f = (float) v;
          shannon += atLeastOne(-fastLog2(f * invTotal)) * f;
        }
      }
      shannon += 15;
      for (int i = 0; i < 29; i++) {
        int v = extraHist[i + 1];
        if (v > 0) {
          float f = (float) v;
          shannon += atLeastOne(-fastLog2(f * invTotal)) * f;
          bits +=
              (i < DeflateTables.LENGTH_EXTRA_BITS.length ? DeflateTables.LENGTH_EXTRA_BITS[i] : 0)
                  * v;
          nMatches += v;
        }
      }
    }
    if (nMatches > 0) {
      float invTotal = 1.0f / (float) nMatches;
      for (int i = 0; i < 30; i++) {
        int v = offHist[i];
        if (v > 0) {
          float f = (float) v;
          shannon += atLeastOne(-fastLog2(f * invTotal)) * f;
          bits += DeflateTables.OFFSET_EXTRA_BITS[i] * v;
        }
      }
    }
    return (int) shannon + bits;
  }

  private static float fastLog2(float val) {
    int ux = Float.floatToRawIntBits(val);
    float log2 = (float) (((ux >> 23) & 255) - 128);
    ux &= -0x7f800001;
    ux += 127 << 23;
    float uval = Float.intBitsToFloat(ux);
    log2 += ((-0.34484843f) * uval + 2.02466578f) * uval - 0.67487759f;
    return log2;
  }

  private static float atLeastOne(float v) {
    if (v < 1) {
      return 1;
    }
    if (v > 15) {
      return 15;
    }
    return v;
  }
}
