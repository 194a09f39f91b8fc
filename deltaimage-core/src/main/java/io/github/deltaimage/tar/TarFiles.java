package io.github.deltaimage.tar;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.fs.FileRanges;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Small deterministic tars of our own files (the delta layer): ustar headers with fixed owner,
 * mode and time, so the same content always gives the same diff_id; and reading such members back.
 */
public final class TarFiles {

  private static final int BLOCK = 512;

  private TarFiles() {}

  /**
   * Writes {@code members} (tar name to file; names ending in '/' are directories) to {@code tar}.
   * Names must be ASCII and under 100 bytes.
   */
  public static void write(Map<String, Path> members, Path tar) {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16)) {
      for (Map.Entry<String, Path> member : members.entrySet()) {
        String name = member.getKey();
        boolean directory = name.endsWith("/");
        long size = directory ? 0 : Files.size(member.getValue());
        out.write(header(name, size, directory));
        if (!directory) {
          Files.copy(member.getValue(), out);
          int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
          out.write(new byte[pad]);
        }
      }
      out.write(new byte[2 * BLOCK]);
    } catch (IOException e) {
      throw new EnvironmentException("cannot write " + tar + ": " + e.getMessage(), e);
    }
  }

  /** Extracts the regular members of {@code tar} whose names start with {@code prefix}, into {@code dir}; returns name to file. */
  public static Map<String, Path> extract(Path tar, String prefix, Path dir) {
    TarLayout layout = TarLayout.read(tar);
    Map<String, Path> files = new LinkedHashMap<>();
    try (FileChannel channel = FileChannel.open(tar, StandardOpenOption.READ)) {
      int count = 0;
      for (TarEntry entry : layout.entries()) {
        String name = new String(entry.path(), StandardCharsets.UTF_8);
        if (!entry.isRegularFile() || !name.startsWith(prefix)) {
          continue;
        }
        Path file = dir.resolve("member-" + count++);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
          FileRanges.copy(channel, entry.bodyOffset(), entry.bodyLength(), out);
        }
        if (files.put(name.substring(prefix.length()), file) != null) {
          throw new InvalidInputException(tar + " holds " + name + " twice");
        }
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + tar + ": " + e.getMessage(), e);
    }
    return files;
  }

  private static byte[] header(String name, long size, boolean directory) {
    byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length >= 100) {
      throw new IllegalArgumentException("tar member name too long: " + name);
    }
    byte[] header = new byte[BLOCK];
    System.arraycopy(bytes, 0, header, 0, bytes.length);
    octal(header, 100, 8, directory ? 0755 : 0644);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, size);
    octal(header, 136, 12, 0);
    header[156] = directory ? (byte) '5' : (byte) '0';
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
    header[263] = '0';
    header[264] = '0';
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    octal(header, 148, 7, sum);
    header[155] = ' ';
    return header;
  }

  private static void octal(byte[] header, int offset, int length, long value) {
    String text = Long.toOctalString(value);
    if (text.length() > length - 1) {
      throw new IllegalArgumentException("value too large for a tar header: " + value);
    }
    String padded = "0".repeat(length - 1 - text.length()) + text;
    System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
    header[offset + length - 1] = 0;
  }
}
