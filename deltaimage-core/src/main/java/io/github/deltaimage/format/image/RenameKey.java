package io.github.deltaimage.format.image;

/**
 * A path with every run of digits replaced by {@code #}: files whose names differ only in version
 * numbers ({@code lib/guava-32.1.2.jar}, {@code lib/guava-33.0.0.jar}; {@code python3.11/x} and
 * {@code python3.12/x}) share a key, so a new version is delta'd against the old one.
 */
final class RenameKey {

  private RenameKey() {}

  static String of(byte[] path) {
    StringBuilder key = new StringBuilder(path.length);
    boolean inDigits = false;
    for (byte b : path) {
      boolean digit = b >= '0' && b <= '9';
      if (digit) {
        if (!inDigits) {
          key.append('#');
        }
      } else {
        key.append((char) (b & 0xff));
      }
      inDigits = digit;
    }
    return key.toString();
  }
}
