package io.github.deltaimage.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/** Lines of code-like text for the engines' tests: indentation, words of a small vocabulary, numbers. */
final class CodeLikeText {

  private static final String[] WORDS = {
    "const",
    "node",
    "return",
    "function",
    "checker",
    "type",
    "symbol",
    "flags",
    "if",
    "else",
    "declaration",
    "getTypeOfSymbol",
    "isIdentifier",
    "factory",
    "undefined"
  };

  private CodeLikeText() {}

  /** One line, ending in a newline. */
  static String line(Random random) {
    StringBuilder text = new StringBuilder("  ".repeat(1 + random.nextInt(4)));
    for (int w = 0; w < 2 + random.nextInt(6); w++) {
      text.append(word(random)).append(w % 3 == 2 ? "(" : " ");
    }
    return text.append(random.nextInt(300)).append(");\n").toString();
  }

  static String word(Random random) {
    return WORDS[random.nextInt(WORDS.length)];
  }

  /** {@code length} bytes of lines. */
  static byte[] bytes(int length, long seed) {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder();
    while (text.length() < length) {
      text.append(line(random));
    }
    return Arrays.copyOf(text.toString().getBytes(StandardCharsets.US_ASCII), length);
  }
}
