package io.github.deltaimage.codec;

/**
 * Builds the suffix array of a byte array with SA-IS (Nong, Zhang and Chan's induced sorting): linear
 * time, and beyond the {@code int[]} result only a bit per position and the bucket counts of the
 * reduced problem, which lives inside the result array itself. Long runs of one byte (tar padding,
 * zeroed regions) cost no more than any other input, unlike comparison-based sorts.
 */
final class SuffixSorter {

  private SuffixSorter() {}

  /**
   * The start offsets of the suffixes of {@code data[0, length)} in lexicographic (unsigned) order,
   * {@code length + 1} of them: the empty suffix ({@code length}) first, then a suffix that is a
   * prefix of another before it (bsdiff's layout, kept to save a copy of the array).
   */
  static int[] sort(byte[] data, int length) {
    // One slot more for a virtual sentinel, smaller than every byte, that ends the text.
    int[] sa = new int[length + 1];
    if (length == 0) {
      return sa;
    }
    induce(new ByteText(data, length), sa, length + 1, 257);
    return sa;
  }

  /** A text whose last symbol is a unique smallest sentinel (0). */
  private abstract static class Text {
    abstract int at(int i);
  }

  /** Bytes shifted up by one, with the sentinel 0 after the last. */
  private static final class ByteText extends Text {
    private final byte[] data;
    private final int length;

    ByteText(byte[] data, int length) {
      this.data = data;
      this.length = length;
    }

    @Override
    int at(int i) {
      return i < length ? (data[i] & 0xff) + 1 : 0;
    }
  }

  /** The reduced problem: names stored in a slice of the suffix array. */
  private static final class IntText extends Text {
    private final int[] values;
    private final int offset;

    IntText(int[] values, int offset) {
      this.values = values;
      this.offset = offset;
    }

    @Override
    int at(int i) {
      return values[offset + i];
    }
  }

  /** Marks of S-type positions, one bit each. */
  private static final class Types {
    private final long[] bits;

    Types(int n) {
      bits = new long[(n + 63) >>> 6];
    }

    boolean s(int i) {
      return (bits[i >>> 6] & (1L << i)) != 0;
    }

    void setS(int i) {
      bits[i >>> 6] |= 1L << i;
    }

    boolean lms(int i) {
      return i > 0 && s(i) && !s(i - 1);
    }
  }

  /** Sorts the suffixes of {@code text[0, n)} (alphabet {@code [0, k)}, last symbol the sentinel) into {@code sa[0, n)}. */
  private static void induce(Text text, int[] sa, int n, int k) {
    Types types = new Types(n);
    types.setS(n - 1);
    for (int i = n - 2; i >= 0; i--) {
      int c = text.at(i);
      int next = text.at(i + 1);
      if (c < next || (c == next && types.s(i + 1))) {
        types.setS(i);
      }
    }
    int[] buckets = new int[k];
    // Stage 1: sort the LMS substrings by inducing from their bucket ends.
    bucketEnds(text, buckets, n, k);
    java.util.Arrays.fill(sa, 0, n, -1);
    for (int i = 1; i < n; i++) {
      if (types.lms(i)) {
        sa[--buckets[text.at(i)]] = i;
      }
    }
    induceL(text, sa, types, buckets, n, k);
    induceS(text, sa, types, buckets, n, k);

    int lmsCount = 0;
    for (int i = 0; i < n; i++) {
      if (types.lms(sa[i])) {
        sa[lmsCount++] = sa[i];
      }
    }
    // Name the sorted LMS substrings: equal substrings get equal names.
    java.util.Arrays.fill(sa, lmsCount, n, -1);
    int names = 0;
    int previous = -1;
    for (int i = 0; i < lmsCount; i++) {
      int position = sa[i];
      boolean differs = false;
      for (int d = 0; d < n; d++) {
        if (previous == -1
            || text.at(position + d) != text.at(previous + d)
            || types.s(position + d) != types.s(previous + d)) {
          differs = true;
          break;
        } else if (d > 0 && (types.lms(position + d) || types.lms(previous + d))) {
          break;
        }
      }
      if (differs) {
        names++;
        previous = position;
      }
      sa[lmsCount + (position >>> 1)] = names - 1;
    }
    for (int i = n - 1, j = n - 1; i >= lmsCount; i--) {
      if (sa[i] >= 0) {
        sa[j--] = sa[i];
      }
    }
    // Stage 2: sort the reduced string (stored at the end of sa) into sa[0, lmsCount).
    int reducedAt = n - lmsCount;
    if (names < lmsCount) {
      induce(new IntText(sa, reducedAt), sa, lmsCount, names);
    } else {
      for (int i = 0; i < lmsCount; i++) {
        sa[sa[reducedAt + i]] = i;
      }
    }
    // Stage 3: place the LMS suffixes in their sorted order, then induce every other suffix.
    for (int i = 1, j = 0; i < n; i++) {
      if (types.lms(i)) {
        sa[reducedAt + j++] = i;
      }
    }
    for (int i = 0; i < lmsCount; i++) {
      sa[i] = sa[reducedAt + sa[i]];
    }
    java.util.Arrays.fill(sa, lmsCount, n, -1);
    bucketEnds(text, buckets, n, k);
    for (int i = lmsCount - 1; i >= 0; i--) {
      int j = sa[i];
      sa[i] = -1;
      sa[--buckets[text.at(j)]] = j;
    }
    induceL(text, sa, types, buckets, n, k);
    induceS(text, sa, types, buckets, n, k);
  }

  private static void counts(Text text, int[] buckets, int n, int k) {
    java.util.Arrays.fill(buckets, 0, k, 0);
    for (int i = 0; i < n; i++) {
      buckets[text.at(i)]++;
    }
  }

  private static void bucketEnds(Text text, int[] buckets, int n, int k) {
    counts(text, buckets, n, k);
    int sum = 0;
    for (int c = 0; c < k; c++) {
      sum += buckets[c];
      buckets[c] = sum;
    }
  }

  private static void bucketStarts(Text text, int[] buckets, int n, int k) {
    counts(text, buckets, n, k);
    int sum = 0;
    for (int c = 0; c < k; c++) {
      int count = buckets[c];
      buckets[c] = sum;
      sum += count;
    }
  }

  private static void induceL(Text text, int[] sa, Types types, int[] buckets, int n, int k) {
    bucketStarts(text, buckets, n, k);
    for (int i = 0; i < n; i++) {
      int j = sa[i] - 1;
      if (j >= 0 && !types.s(j)) {
        sa[buckets[text.at(j)]++] = j;
      }
    }
  }

  private static void induceS(Text text, int[] sa, Types types, int[] buckets, int n, int k) {
    bucketEnds(text, buckets, n, k);
    for (int i = n - 1; i >= 0; i--) {
      int j = sa[i] - 1;
      if (j >= 0 && types.s(j)) {
        sa[--buckets[text.at(j)]] = j;
      }
    }
  }
}
