package io.github.deltaimage.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import io.github.deltaimage.api.EnvironmentException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extended attributes of every namespace, read and written without following symlinks. Java's own
 * {@code UserDefinedFileAttributeView} sees only {@code user.*}, but a root filesystem also carries
 * {@code security.capability} (file capabilities), which the kernel drops whenever a file is written
 * to, so a file rewritten in place must have them put back.
 */
public final class Xattrs {

  private static final int ENODATA = 61;
  private static final int ENOTSUP = 95;
  private static final int ERANGE = 34;

  private interface LibC extends Library {
    long llistxattr(byte[] path, byte[] list, long size) throws LastErrorException;

    long lgetxattr(byte[] path, byte[] name, byte[] value, long size) throws LastErrorException;

    int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags)
        throws LastErrorException;

    int lremovexattr(byte[] path, byte[] name) throws LastErrorException;
  }

  private static volatile LibC libc;

  private Xattrs() {}

  private static LibC libc() {
    LibC loaded = libc;
    if (loaded == null) {
      try {
        loaded = Native.load("c", LibC.class);
      } catch (UnsatisfiedLinkError e) {
        throw new EnvironmentException(
            "cannot load the C library for extended attributes: " + e.getMessage(), e);
      }
      libc = loaded;
    }
    return loaded;
  }

  /** All attributes of {@code file}; names are raw bytes held one char a byte (ISO-8859-1), without the NUL. */
  public static Map<String, byte[]> read(Path file) {
    byte[] path = cPath(file);
    Map<String, byte[]> attributes = new LinkedHashMap<>();
    for (byte[] name : names(file, path)) {
      byte[] value = value(file, path, name);
      if (value != null) {
        attributes.put(new String(name, 0, name.length - 1, StandardCharsets.ISO_8859_1), value);
      }
    }
    return attributes;
  }

  /** Makes the attributes of {@code file} equal to {@code wanted}: sets what differs, removes what is extra. */
  public static void restore(Path file, Map<String, byte[]> wanted) {
    Map<String, byte[]> present = read(file);
    byte[] path = cPath(file);
    for (Map.Entry<String, byte[]> entry : wanted.entrySet()) {
      if (!Arrays.equals(present.get(entry.getKey()), entry.getValue())) {
        byte[] name = cString(entry.getKey().getBytes(StandardCharsets.ISO_8859_1));
        try {
          libc().lsetxattr(path, name, entry.getValue(), entry.getValue().length, 0);
        } catch (LastErrorException e) {
          throw new EnvironmentException(
              "cannot set extended attribute " + entry.getKey() + " on " + file + ": errno "
                  + e.getErrorCode(),
              e);
        }
      }
    }
    for (String name : present.keySet()) {
      if (!wanted.containsKey(name)) {
        try {
          libc().lremovexattr(path, cString(name.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (LastErrorException e) {
          throw new EnvironmentException(
              "cannot remove extended attribute " + name + " from " + file + ": errno "
                  + e.getErrorCode(),
              e);
        }
      }
    }
  }

  private static List<byte[]> names(Path file, byte[] path) {
    while (true) {
      try {
        long size = libc().llistxattr(path, null, 0);
        if (size <= 0) {
          return List.of();
        }
        byte[] list = new byte[(int) size];
        long read = libc().llistxattr(path, list, list.length);
        List<byte[]> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < read; i++) {
          if (list[i] == 0) {
            names.add(Arrays.copyOfRange(list, start, i + 1));
            start = i + 1;
          }
        }
        return names;
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ENOTSUP) {
          return List.of();
        }
        if (e.getErrorCode() != ERANGE) {
          throw new EnvironmentException(
              "cannot list extended attributes of " + file + ": errno " + e.getErrorCode(), e);
        }
      }
    }
  }

  /** The value of one attribute, or null when it vanished meanwhile. {@code name} is NUL-terminated. */
  private static byte[] value(Path file, byte[] path, byte[] name) {
    while (true) {
      try {
        long size = libc().lgetxattr(path, name, null, 0);
        byte[] value = new byte[(int) size];
        long read = libc().lgetxattr(path, name, value, value.length);
        return read == value.length ? value : Arrays.copyOf(value, (int) read);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ENODATA) {
          return null;
        }
        if (e.getErrorCode() != ERANGE) {
          throw new EnvironmentException(
              "cannot read extended attribute of " + file + ": errno " + e.getErrorCode(), e);
        }
      }
    }
  }

  private static byte[] cPath(Path file) {
    return cString(RawPaths.bytes(file));
  }

  private static byte[] cString(byte[] bytes) {
    if (bytes.length > 0 && bytes[bytes.length - 1] == 0) {
      return bytes;
    }
    return Arrays.copyOf(bytes, bytes.length + 1);
  }
}
