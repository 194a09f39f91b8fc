package io.github.deltaimage.delta;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Picks "the last N releases before this one" from a repository's tags. A registry lists tags in
 * lexical order ({@code 1.10} before {@code 1.9}), so they are ordered here as versions: runs of
 * digits compare as numbers, the rest as text.
 */
public final class ReleaseTags {
  private ReleaseTags() {}

  /** The suffix the default delta name appends; such tags are deltas, never bases. */
  static final String DELTA_SUFFIX = "-delta";

  /**
   * The {@code count} tags that sort just before {@code target} (nearest last), leaving out
   * {@code target} itself and delta tags.
   */
  public static List<String> before(List<String> tags, String target, int count) {
    List<String> earlier = new ArrayList<>();
    for (String tag : tags) {
      if (!tag.equals(target)
          && !tag.endsWith(DELTA_SUFFIX)
          && VERSION_ORDER.compare(tag, target) < 0) {
        earlier.add(tag);
      }
    }
    earlier.sort(VERSION_ORDER);
    return List.copyOf(earlier.subList(Math.max(0, earlier.size() - count), earlier.size()));
  }

  /** Versions first by their numbers, then by text: {@code 1.9 < 1.10 < 1.10.1}, {@code 1.0-rc1 < 1.0-rc2}. */
  static final Comparator<String> VERSION_ORDER = ReleaseTags::compareVersions;

  private static int compareVersions(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (Character.isDigit(x) && Character.isDigit(y)) {
        int endA = digitsEnd(a, i);
        int endB = digitsEnd(b, j);
        String na = stripZeros(a.substring(i, endA));
        String nb = stripZeros(b.substring(j, endB));
        int byLength = Integer.compare(na.length(), nb.length());
        if (byLength != 0) {
          return byLength;
        }
        int byDigits = na.compareTo(nb);
        if (byDigits != 0) {
          return byDigits;
        }
        i = endA;
        j = endB;
      } else {
        if (x != y) {
          return Character.compare(x, y);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static int digitsEnd(String s, int from) {
    int end = from;
    while (end < s.length() && Character.isDigit(s.charAt(end))) {
      end++;
    }
    return end;
  }

  private static String stripZeros(String digits) {
    int k = 0;
    while (k < digits.length() - 1 && digits.charAt(k) == '0') {
      k++;
    }
    return digits.substring(k);
  }
}
