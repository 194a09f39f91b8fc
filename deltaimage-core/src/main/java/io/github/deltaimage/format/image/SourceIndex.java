package io.github.deltaimage.format.image;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.fs.FileRanges;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.tar.TarEntry;
import io.github.deltaimage.tar.TarLayout;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the source layers offer a target layer: every file body by content digest, by path and by
 * "rename key" (the path with its digit runs masked, so {@code libfoo-1.2.3.jar} meets
 * {@code libfoo-1.2.4.jar}), and the concatenation of all their tar headers and padding, against
 * which the target's (mostly the same names, modes and owners) delta to almost nothing.
 *
 * <p>Only the members are read up front: applying a delta needs nothing else. The bodies' digests
 * (a pass over every source byte) and the headers file are made the first time an encoder asks.
 */
final class SourceIndex {

  /** A file body in a source layer; {@code entry} is its member's number in {@link #entries()}. */
  record Body(int layer, long offset, long length, byte[] path, int entry, String sha256) {}

  /**
   * A member of a source layer: its header (extended headers included) from {@code start}, its body
   * at {@code bodyOffset}, its padding up to {@code end}.
   */
  record Entry(int layer, long start, long bodyOffset, long bodyLength, long end) {}

  private final List<Path> tars;
  private final List<Long> sizes;
  private final Map<String, Body> byDigest = new HashMap<>();
  private final Map<PathKey, Body> byPath = new HashMap<>();
  private final Map<String, List<Body>> byRenameKey = new HashMap<>();
  private final List<Entry> entries = new ArrayList<>();
  private final Map<PathKey, Integer> entryByPath = new HashMap<>();
  private final RunDirectory run;
  private boolean bodiesIndexed;
  private Path headers;

  private SourceIndex(List<Path> tars, List<Long> sizes, RunDirectory run) {
    this.tars = tars;
    this.sizes = sizes;
    this.run = run;
  }

  /** Reads the source layers' layouts: their members, by number and by path. */
  static SourceIndex build(List<Path> sourceTars, RunDirectory run) {
    List<Long> sizes = new ArrayList<>();
    List<TarLayout> layouts = new ArrayList<>();
    for (Path tar : sourceTars) {
      TarLayout layout = TarLayout.read(tar);
      layouts.add(layout);
      sizes.add(layout.size());
    }
    SourceIndex index = new SourceIndex(List.copyOf(sourceTars), List.copyOf(sizes), run);
    for (int layer = 0; layer < layouts.size(); layer++) {
      for (TarEntry entry : layouts.get(layer).entries()) {
        int number = index.entries.size();
        index.entries.add(
            new Entry(layer, entry.start(), entry.bodyOffset(), entry.bodyLength(), entry.end()));
        index.entryByPath.put(new PathKey(entry.path()), number);
      }
    }
    return index;
  }

  /** Hashes every file body, once: by content, by path and by rename key. */
  private synchronized void indexBodies() {
    if (bodiesIndexed) {
      return;
    }
    int number = 0;
    try {
      for (int layer = 0; layer < tars.size(); layer++) {
        // Read again rather than kept: a 200k-member layout is tens of megabytes of heap.
        TarLayout layout = TarLayout.read(tars.get(layer));
        try (FileChannel channel = FileChannel.open(tars.get(layer), StandardOpenOption.READ)) {
          for (TarEntry entry : layout.entries()) {
            if (entry.isRegularFile() && entry.bodyLength() > 0) {
              String sha256 = FileRanges.sha256(channel, entry.bodyOffset(), entry.bodyLength());
              Body body = new Body(
                  layer, entry.bodyOffset(), entry.bodyLength(), entry.path(), number, sha256);
              byDigest.putIfAbsent(sha256, body);
              byPath.put(new PathKey(entry.path()), body);
              byRenameKey
                  .computeIfAbsent(RenameKey.of(entry.path()), k -> new ArrayList<>())
                  .add(body);
            }
            number++;
          }
        }
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot index the source layers: " + e.getMessage(), e);
    }
    bodiesIndexed = true;
  }

  /** The concatenated headers of the source layers (the base the literal stream is encoded against). */
  synchronized Path headers() {
    if (headers == null) {
      Path file = run.newFile("source-headers");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
        for (int layer = 0; layer < tars.size(); layer++) {
          TarLayout layout = TarLayout.read(tars.get(layer));
          try (FileChannel channel = FileChannel.open(tars.get(layer), StandardOpenOption.READ)) {
            for (TarEntry entry : layout.entries()) {
              // Headers and padding, laid out as a target's literal stream lays them out, so that
              // an unchanged run of members matches as one long copy.
              FileRanges.copy(channel, entry.start(), entry.bodyOffset() - entry.start(), out);
              long bodyEnd = entry.bodyOffset() + entry.bodyLength();
              FileRanges.copy(channel, bodyEnd, entry.end() - bodyEnd, out);
            }
          }
        }
      } catch (IOException e) {
        throw new EnvironmentException("cannot index the source layers: " + e.getMessage(), e);
      }
      headers = file;
    }
    return headers;
  }

  List<Path> tars() {
    return tars;
  }

  List<Long> sizes() {
    return sizes;
  }

  Body withContent(String sha256) {
    indexBodies();
    return byDigest.get(sha256);
  }

  /** Every member of every source layer, in layer and tar order. */
  List<Entry> entries() {
    return entries;
  }

  /** The number of the last source member at {@code path} (any type), or -1. */
  int entryAt(byte[] path) {
    return entryByPath.getOrDefault(new PathKey(path), -1);
  }

  /** The body at {@code path} when it holds exactly the content {@code sha256}, else null. */
  Body samePathWithContent(byte[] path, String sha256) {
    indexBodies();
    Body same = byPath.get(new PathKey(path));
    return same != null && same.sha256().equals(sha256) ? same : null;
  }

  /**
   * The source body a target file at {@code path} of {@code length} bytes most likely evolved from:
   * the one at the same path, else a renamed one of similar size, else none.
   */
  Body similarTo(byte[] path, long length) {
    indexBodies();
    Body same = byPath.get(new PathKey(path));
    if (same != null) {
      return same;
    }
    Body best = null;
    for (Body candidate : byRenameKey.getOrDefault(RenameKey.of(path), List.of())) {
      if (candidate.length() * 2 < length || candidate.length() > length * 2) {
        continue;
      }
      if (best == null
          || Math.abs(candidate.length() - length) < Math.abs(best.length() - length)) {
        best = candidate;
      }
    }
    return best;
  }

  /** A path as a map key (byte arrays compare by identity). */
  private record PathKey(String latin1) {
    PathKey(byte[] path) {
      this(new String(path, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
  }
}
