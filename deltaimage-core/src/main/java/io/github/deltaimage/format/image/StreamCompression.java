package io.github.deltaimage.format.image;

/** Recognises content compressed as one stream, where a change early on changes every byte after it. */
final class StreamCompression {

  private StreamCompression() {}

  static boolean isSingleStream(byte[] head) {
    return starts(head, 0x1f, 0x8b) // gzip
        || starts(head, 0xfd, '7', 'z', 'X', 'Z', 0x00) // xz
        || starts(head, 0x28, 0xb5, 0x2f, 0xfd) // zstd
        || starts(head, 'B', 'Z', 'h'); // bzip2
  }

  private static boolean starts(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
