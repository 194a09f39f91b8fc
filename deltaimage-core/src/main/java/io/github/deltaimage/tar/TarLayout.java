package io.github.deltaimage.tar;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The layout of a tar file: every member's exact byte ranges, read from the headers alone (content
 * is skipped). What the delta format needs to cut a layer into headers and file bodies and to put
 * it back together byte for byte.
 *
 * <p>Reads what Go's archive/tar (Docker, BuildKit, skopeo) and GNU tar write: ustar and GNU
 * headers, base-256 sizes (files over 8 GiB), GNU long names and links, PAX records (path,
 * linkpath, size) and GNU sparse members, whose extension blocks belong to the header. Header-only
 * types (links, devices, directories, FIFOs) have no content whatever their size field says, as in
 * Go's reader. Everything after the end-of-archive marker is the trailer.
 *
 * @param entries the members, in file order
 * @param trailerOffset where the end-of-archive blocks start (the file's size when there are none)
 * @param size the file's size
 */
public record TarLayout(List<TarEntry> entries, long trailerOffset, long size) {

  private static final int BLOCK = 512;

  public TarLayout {
    entries = List.copyOf(entries);
  }

  /** Reads the layout of the tar file {@code tar}. */
  public static TarLayout read(Path tar) {
    try (FileChannel channel = FileChannel.open(tar, StandardOpenOption.READ)) {
      return read(channel, tar.toString());
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + tar + ": " + e.getMessage(), e);
    }
  }

  private static TarLayout read(FileChannel channel, String what) throws IOException {
    long size = channel.size();
    List<TarEntry> entries = new ArrayList<>();
    ByteBuffer block = ByteBuffer.allocate(BLOCK);
    long position = 0;
    long start = 0;
    byte[] longName = null;
    byte[] longLink = null;
    byte[] paxPath = null;
    byte[] paxLink = null;
    long paxSize = -1;
    while (true) {
      if (position + BLOCK > size) {
        if (position == size && start == position) {
          return new TarLayout(entries, size, size);
        }
        throw new InvalidInputException(
            what + " is truncated: a tar header at offset " + position + " is cut short");
      }
      readBlock(channel, block, position);
      byte[] header = block.array();
      if (isZero(header)) {
        if (start != position) {
          throw new InvalidInputException(
              what + " is malformed: extended headers at offset " + start + " have no member");
        }
        return new TarLayout(entries, position, size);
      }
      if (!checksumMatches(header)) {
        throw new InvalidInputException(
            what + " is not a tar file or is corrupt: bad header checksum at offset " + position);
      }
      byte type = header[156];
      long declared = number(header, 124, 12, what, position);
      long afterHeader = position + BLOCK;
      if (type == 'S' && (header[482] & 0xff) != 0) {
        // GNU sparse: extension blocks follow while their last byte says so.
        ByteBuffer extension = ByteBuffer.allocate(BLOCK);
        do {
          if (afterHeader + BLOCK > size) {
            throw new InvalidInputException(
                what + " is truncated inside a sparse header at offset " + afterHeader);
          }
          readBlock(channel, extension, afterHeader);
          afterHeader += BLOCK;
        } while ((extension.array()[504] & 0xff) != 0);
      }
      boolean meta = type == 'x' || type == 'g' || type == 'L' || type == 'K';
      long bodyLength =
          meta ? declared : headerOnly(type) ? 0 : (paxSize >= 0 ? paxSize : declared);
      long end = afterHeader + padded(bodyLength);
      if (end > size) {
        throw new InvalidInputException(what + " is truncated: member at offset " + start
            + " needs " + end + " bytes, the file has " + size);
      }
      if (meta) {
        if (bodyLength > 16L << 20) {
          throw new InvalidInputException(
              what + " has an extended header of " + bodyLength + " bytes at offset " + position);
        }
        byte[] data = new byte[(int) bodyLength];
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
          if (channel.read(buffer, afterHeader + buffer.position()) < 0) {
            throw new InvalidInputException(what + " is truncated in an extended header");
          }
        }
        switch (type) {
          case 'L' -> longName = cString(data);
          case 'K' -> longLink = cString(data);
          case 'x' -> {
            PaxRecords records = PaxRecords.parse(data, what);
            paxPath = records.get("path");
            paxLink = records.get("linkpath");
            byte[] sizeRecord = records.get("size");
            paxSize = sizeRecord == null ? -1 : parseDecimal(sizeRecord, what);
          }
          default -> {} // 'g': global records change no member's layout
        }
        position = end;
        continue;
      }
      byte[] path = paxPath != null ? paxPath : longName != null ? longName : ustarName(header);
      byte[] link = paxLink != null
          ? paxLink
          : longLink != null ? longLink : cString(Arrays.copyOfRange(header, 157, 257));
      entries.add(new TarEntry(start, afterHeader, bodyLength, end, type, normalize(path), link));
      position = end;
      start = end;
      longName = null;
      longLink = null;
      paxPath = null;
      paxLink = null;
      paxSize = -1;
    }
  }

  private static boolean headerOnly(byte type) {
    return type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6';
  }

  private static long padded(long length) {
    return (length + BLOCK - 1) / BLOCK * BLOCK;
  }

  private static void readBlock(FileChannel channel, ByteBuffer block, long position)
      throws IOException {
    block.clear();
    while (block.hasRemaining()) {
      if (channel.read(block, position + block.position()) < 0) {
        throw new IOException("unexpected end of file at " + position);
      }
    }
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean checksumMatches(byte[] header) {
    long stored;
    try {
      stored = parseOctal(header, 148, 8);
    } catch (NumberFormatException e) {
      return false;
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int value = (i >= 148 && i < 156) ? ' ' : header[i];
      unsigned += value & 0xff;
      signed += (i >= 148 && i < 156) ? ' ' : header[i];
    }
    return stored == unsigned || stored == signed;
  }

  /** A numeric header field: octal text, or base-256 when its first byte has the high bit set. */
  private static long number(byte[] header, int offset, int length, String what, long position) {
    if ((header[offset] & 0x80) != 0) {
      long value = header[offset] & 0x7f;
      for (int i = 1; i < length; i++) {
        if (value > (Long.MAX_VALUE >> 8)) {
          throw new InvalidInputException(what + " has an oversized number at offset " + position);
        }
        value = (value << 8) | (header[offset + i] & 0xff);
      }
      return value;
    }
    try {
      return parseOctal(header, offset, length);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(what + " has a malformed size field at offset " + position);
    }
  }

  private static long parseOctal(byte[] header, int offset, int length) {
    long value = 0;
    boolean digits = false;
    for (int i = offset; i < offset + length; i++) {
      byte b = header[i];
      if (b == 0 || (b == ' ' && digits)) {
        break;
      }
      if (b == ' ') {
        continue;
      }
      if (b < '0' || b > '7') {
        throw new NumberFormatException();
      }
      value = value * 8 + (b - '0');
      digits = true;
    }
    return value;
  }

  private static long parseDecimal(byte[] text, String what) {
    try {
      return Long.parseLong(new String(text, StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(what + " has a malformed PAX size record");
    }
  }

  private static byte[] ustarName(byte[] header) {
    byte[] name = cString(Arrays.copyOfRange(header, 0, 100));
    boolean ustar = header[257] == 'u'
        && header[258] == 's'
        && header[259] == 't'
        && header[260] == 'a'
        && header[261] == 'r'
        && header[262] == 0;
    if (!ustar) {
      return name;
    }
    byte[] prefix = cString(Arrays.copyOfRange(header, 345, 500));
    if (prefix.length == 0) {
      return name;
    }
    byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
    joined[prefix.length] = '/';
    System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
    return joined;
  }

  private static byte[] cString(byte[] field) {
    int end = 0;
    while (end < field.length && field[end] != 0) {
      end++;
    }
    return Arrays.copyOf(field, end);
  }

  /** Drops a leading "./" or "/" and a trailing "/": how layers name the same path differently. */
  public static byte[] normalize(byte[] path) {
    int from = 0;
    int to = path.length;
    while (true) {
      if (to - from >= 2 && path[from] == '.' && path[from + 1] == '/') {
        from += 2;
      } else if (to - from >= 1 && path[from] == '/') {
        from += 1;
      } else {
        break;
      }
    }
    while (to > from && path[to - 1] == '/') {
      to--;
    }
    return Arrays.copyOfRange(path, from, to);
  }
}
