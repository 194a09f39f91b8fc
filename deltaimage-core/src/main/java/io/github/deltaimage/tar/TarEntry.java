package io.github.deltaimage.tar;

import java.nio.charset.StandardCharsets;

/**
 * Where one member lies in a tar file, to the byte, and what it is. The member spans
 * {@code [start, end)}: its header blocks (with any PAX or GNU long-name blocks before them) up to
 * {@code bodyOffset}, then {@code bodyLength} bytes of content, then padding up to {@code end}.
 *
 * @param start offset of the member's first block
 * @param bodyOffset offset of its content
 * @param bodyLength length of its content (0 for header-only types)
 * @param end offset just past its padding
 * @param type the typeflag of its main header
 * @param path its effective path (PAX, GNU long name or ustar prefix/name), raw bytes, without a
 *     leading {@code ./} or {@code /}, nor a trailing {@code /}
 * @param linkPath its effective link target, raw bytes (empty when none)
 */
public record TarEntry(
    long start,
    long bodyOffset,
    long bodyLength,
    long end,
    byte type,
    byte[] path,
    byte[] linkPath) {

  public static final byte REGULAR = '0';
  public static final byte REGULAR_OLD = 0;
  public static final byte CONTIGUOUS = '7';
  public static final byte HARD_LINK = '1';
  public static final byte SYMLINK = '2';
  public static final byte DIRECTORY = '5';
  public static final byte GNU_SPARSE = 'S';

  /** Whether the content is file content (not a sparse map, not nothing). */
  public boolean isRegularFile() {
    return type == REGULAR || type == REGULAR_OLD || type == CONTIGUOUS;
  }

  public String pathText() {
    return new String(path, StandardCharsets.UTF_8);
  }
}
