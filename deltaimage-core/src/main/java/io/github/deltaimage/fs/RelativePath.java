package io.github.deltaimage.fs;

import io.github.deltaimage.api.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A path inside a tree, as raw bytes, that cannot leave the tree: relative, no empty, {@code .} or
 * {@code ..} components, no NUL. Ordered byte-wise (unsigned), which is also the order of C's strcmp.
 */
public final class RelativePath implements Comparable<RelativePath> {

  private final byte[] bytes;

  private RelativePath(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Validates {@code bytes} as a path inside a tree.
   *
   * @throws InvalidInputException naming what is wrong with it
   */
  public static RelativePath of(byte[] bytes) {
    byte[] copy = bytes.clone();
    String problem = problemWith(copy);
    if (problem != null) {
      throw new InvalidInputException("path '" + display(copy) + "' " + problem);
    }
    return new RelativePath(copy);
  }

  /** The path of {@code file} relative to {@code root}; {@code file} must lie under it. */
  public static RelativePath between(Path root, Path file) {
    return of(RawPaths.bytes(root.relativize(file)));
  }

  private static String problemWith(byte[] path) {
    if (path.length == 0) {
      return "is empty";
    }
    if (path[0] == '/') {
      return "is absolute; delta paths are relative to the tree root";
    }
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i < path.length && path[i] == 0) {
        return "contains a NUL byte";
      }
      if (i == path.length || path[i] == '/') {
        int length = i - start;
        if (length == 0) {
          return "has an empty component";
        }
        if (length == 1 && path[start] == '.') {
          return "has a '.' component";
        }
        if (length == 2 && path[start] == '.' && path[start + 1] == '.') {
          return "has a '..' component and would leave the tree";
        }
        start = i + 1;
      }
    }
    return null;
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** The file system path of this entry under {@code root}. */
  public Path under(Path root) {
    return RawPaths.resolve(root, bytes);
  }

  /** The leading components, shortest first, excluding the path itself: {@code a}, {@code a/b} for {@code a/b/c}. */
  public List<RelativePath> parents() {
    List<RelativePath> parents = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '/') {
        parents.add(new RelativePath(Arrays.copyOf(bytes, i)));
      }
    }
    return parents;
  }

  @Override
  public int compareTo(RelativePath other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RelativePath && Arrays.equals(bytes, ((RelativePath) other).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Readable form: UTF-8 where valid, {@code \xNN} escapes for the bytes that are not. */
  @Override
  public String toString() {
    return display(bytes);
  }

  static String display(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      StringBuilder text = new StringBuilder();
      for (byte b : bytes) {
        if (b >= 0x20 && b < 0x7f && b != '\\') {
          text.append((char) b);
        } else {
          text.append(String.format("\\x%02x", b & 0xff));
        }
      }
      return text.toString();
    }
  }
}
