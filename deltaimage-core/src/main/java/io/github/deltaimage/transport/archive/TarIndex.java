package io.github.deltaimage.transport.archive;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The table of contents of a tar file: where each member's data starts and how long it is. One
 * pass over the headers (data is skipped by seeking), then members are read in place, in any
 * order, without extracting. {@code docker save} puts manifest.json last, so a single forward
 * pass could not know what its layers are while passing them.
 *
 * <p>Reads ustar, GNU long names and PAX path/size records: what Go's archive/tar (Docker,
 * skopeo) and GNU tar write. A member whose data runs past the end of the file means the archive
 * is truncated, and says so.
 */
public final class TarIndex {
  /** One member: regular file, symlink or hard link. */
  public record Entry(String name, long offset, long size, char type, String linkTarget) {}

  private final Path file;
  private final Map<String, Entry> entries;

  private TarIndex(Path file, Map<String, Entry> entries) {
    this.file = file;
    this.entries = entries;
  }

  public Path file() {
    return file;
  }

  public Map<String, Entry> entries() {
    return entries;
  }

  /** Indexes {@code file}; {@code what} names it in errors (e.g. the reference the user typed). */
  public static TarIndex read(Path file, String what) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long length = ch.size();
      Map<String, Entry> entries = new LinkedHashMap<>();
      ByteBuffer header = ByteBuffer.allocate(512);
      long pos = 0;
      String longName = null;
      String longLink = null;
      Map<String, String> pax = new HashMap<>();
      while (true) {
        if (pos + 512 > length) {
          throw truncated(what, file);
        }
        header.clear();
        readFully(ch, header, pos);
        byte[] h = header.array();
        if (isZero(h)) {
          break;
        }
        if (!checksumOk(h)) {
          throw new InvalidInputException(what + ": " + file + " is not a tar archive, or is corrupt (bad header at byte " + pos + ")");
        }
        char type = (char) h[156];
        long size = number(h, 124, 12);
        String paxSize = pax.get("size");
        if (paxSize != null) {
          size = Long.parseLong(paxSize.trim());
        }
        long data = pos + 512;
        long next = data + ((size + 511) / 512) * 512;
        if (data + size > length) {
          throw truncated(what, file);
        }
        if (type == 'x' || type == 'L' || type == 'K') {
          byte[] body = new byte[(int) Math.min(size, 1 << 20)];
          readFully(ch, ByteBuffer.wrap(body), data);
          if (type == 'x') {
            parsePax(body, pax);
          } else if (type == 'L') {
            longName = cString(body, 0, body.length);
          } else {
            longLink = cString(body, 0, body.length);
          }
          pos = next;
          continue;
        }
        if (type == 'g') {
          pos = next;
          continue;
        }
        String name = longName != null ? longName : pax.getOrDefault("path", fullName(h));
        String link = longLink != null ? longLink : pax.getOrDefault("linkpath", cString(h, 157, 100));
        longName = null;
        longLink = null;
        pax.clear();
        name = normalise(name);
        if (type == '0' || type == '\0' || type == '7' || type == '1' || type == '2') {
          entries.put(name, new Entry(name, data, size, type == '\0' || type == '7' ? '0' : type, link));
        }
        pos = next;
      }
      return new TarIndex(file, entries);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(what + ": " + file + " does not exist");
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static InvalidInputException truncated(String what, Path file) {
    return new InvalidInputException(what + ": " + file + " is truncated (the tar ends in the middle of a member); copy or save it again");
  }

  /** The regular-file member that {@code name} is or links to, or null. */
  public Entry resolve(String name) {
    String n = normalise(name);
    for (int hops = 0; hops < 16; hops++) {
      Entry e = entries.get(n);
      if (e == null) {
        return null;
      }
      if (e.type() == '0') {
        return e;
      }
      if (e.type() == '1') {
        n = normalise(e.linkTarget());
      } else {
        int slash = n.lastIndexOf('/');
        String base = slash < 0 ? "" : n.substring(0, slash + 1);
        n = normalise(e.linkTarget().startsWith("/") ? e.linkTarget() : base + e.linkTarget());
      }
    }
    return null;
  }

  /** Streams a member's data straight from the file. */
  public InputStream open(Entry e) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    ch.position(e.offset());
    return new BoundedInputStream(Channels.newInputStream(ch), e.size());
  }

  /** Reads the first bytes of a member (for sniffing compression). */
  public byte[] head(Entry e, int n) throws IOException {
    try (InputStream in = open(e)) {
      return in.readNBytes(n);
    }
  }

  static String normalise(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.startsWith("/")) {
      n = n.substring(1);
    }
    // resolve "a/../b" the way link targets like ../<id>/layer.tar need
    String[] parts = n.split("/");
    java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
    for (String p : parts) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        stack.pollLast();
      } else {
        stack.addLast(p);
      }
    }
    return String.join("/", stack);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + buf.position());
      if (n < 0) {
        throw new java.io.EOFException();
      }
    }
  }

  private static boolean isZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean checksumOk(byte[] h) {
    long stored;
    try {
      stored = number(h, 148, 8);
    } catch (NumberFormatException e) {
      return false;
    }
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    }
    return sum == stored;
  }

  private static String fullName(byte[] h) {
    String name = cString(h, 0, 100);
    String magic = new String(h, 257, 5, StandardCharsets.US_ASCII);
    if ("ustar".equals(magic)) {
      String prefix = cString(h, 345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  /** Octal, or GNU base-256 when the high bit of the first byte is set (sizes over 8 GiB). */
  static long number(byte[] h, int off, int len) {
    if ((h[off] & 0x80) != 0) {
      long v = h[off] & 0x7f;
      for (int i = off + 1; i < off + len; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return v;
    }
    String s = cString(h, off, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }

  private static void parsePax(byte[] body, Map<String, String> pax) {
    int i = 0;
    while (i < body.length) {
      int space = i;
      while (space < body.length && body[space] != ' ') {
        space++;
      }
      if (space >= body.length) {
        return;
      }
      int len = Integer.parseInt(new String(body, i, space - i, StandardCharsets.US_ASCII));
      if (len <= 0 || i + len > body.length) {
        return;
      }
      String rec = new String(body, space + 1, len - (space - i) - 2, StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq > 0) {
        pax.put(rec.substring(0, eq), rec.substring(eq + 1));
      }
      i += len;
    }
  }

  /** Reads at most {@code limit} bytes of the underlying stream, and closes it. */
  static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long left;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
