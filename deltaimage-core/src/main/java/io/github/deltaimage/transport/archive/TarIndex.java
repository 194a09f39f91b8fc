package io.github.deltaimage.transport.archive;

import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.tar.TarEntry;
import io.github.deltaimage.tar.TarLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A docker-archive's members by name, read in place, in any order, without extracting: {@code
 * docker save} puts manifest.json last, so a single forward pass could not know what its layers
 * are while passing them. The headers are read by {@link TarLayout} (ustar, GNU, PAX, base-256;
 * a member cut short means a truncated archive); this adds name lookup and link resolution
 * (Docker writes a repeated layer as a symlink to the first).
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
    if (!Files.exists(file)) {
      throw new InvalidInputException(what + ": " + file + " does not exist");
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(what + ": " + file + " is not a file");
    }
    TarLayout layout;
    try {
      layout = TarLayout.read(file);
    } catch (InvalidInputException e) {
      // the tar reader names the file; add which reference it was and what to do
      throw new InvalidInputException(
          what + ": " + e.getMessage() + "; copy or save the archive again");
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (TarEntry e : layout.entries()) {
      char type = e.isRegularFile() ? '0' : (char) e.type();
      if (type == '0' || type == '1' || type == '2') {
        String name = normalise(e.pathText());
        entries.put(
            name,
            new Entry(
                name,
                e.bodyOffset(),
                e.bodyLength(),
                type,
                new String(e.linkPath(), StandardCharsets.UTF_8)));
      }
    }
    return new TarIndex(file, entries);
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
