package io.github.deltaimage.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@code image diff SRC TGT DELTA --candidate OTHER...} reads: SRC stays the first candidate, so a
 * tie in the estimate goes to the base the user named first.
 */
final class BestBaseWords {
  private BestBaseWords() {}

  static List<String> sourceFirst(String source, List<String> candidates) {
    List<String> all = new ArrayList<>();
    all.add(source);
    all.addAll(candidates);
    return all;
  }
}
