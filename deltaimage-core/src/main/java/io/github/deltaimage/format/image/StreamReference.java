package io.github.deltaimage.format.image;

import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.deflate.ZipLayout;
import io.github.deltaimage.deflate.ZipRecipe;
import io.github.deltaimage.fs.FileRanges;
import io.github.deltaimage.fs.RangeInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * What a layer's stream is encoded against, built the same way on both sides from the recipe: first,
 * in the target's member order, each matched source member (its header unless the target's is
 * predicted from it, its body unless the target copies it whole, its padding when the target's is
 * in the stream), so that the stream and the reference line up and the matcher meets each
 * changed body next to its old version; then source members no target member matched, whole (the
 * rest of the source, for content that moved between files), up to a byte budget the recipe records:
 * the layers most members matched in first, each in tar order, skipping a member that does not fit.
 * The budget keeps the reference within one suffix-sorted window when the matched part is.
 */
final class StreamReference implements Closeable {

  private final SourceIndex sources;
  private final OutputStream out;
  private final List<FileChannel> layers = new ArrayList<>();
  private final boolean[] used;
  private final long[] matchedPerLayer;
  private long written;

  StreamReference(SourceIndex sources, Path file) throws IOException {
    this.sources = sources;
    this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    this.used = new boolean[sources.entries().size()];
    this.matchedPerLayer = new long[sources.tars().size()];
    try {
      for (Path tar : sources.tars()) {
        layers.add(FileChannel.open(tar, StandardOpenOption.READ));
      }
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  /**
   * Adds what a target member matched, unless an earlier member already added it.
   *
   * @return where the source member starts in the reference, or -1 when it was already added
   */
  long member(StreamRecipe.Member member) throws IOException {
    if (member.source() < 0 || used[member.source()]) {
      return -1;
    }
    used[member.source()] = true;
    SourceIndex.Entry entry = sources.entries().get(member.source());
    matchedPerLayer[entry.layer()]++;
    FileChannel layer = layers.get(entry.layer());
    long at = written;
    long bodyEnd = entry.bodyOffset() + entry.bodyLength();
    // What the stream holds of the target member, the reference holds of the source member, in the
    // same order: the stream and the reference then line up member after member.
    if (member.header() == null) {
      append(layer, entry.start(), entry.bodyOffset() - entry.start());
    }
    if (member.inflated() != null && member.inflated().sourceInflated()) {
      written += member.inflated().recipe() instanceof ZipRecipe
          ? expandZip(layer, entry.bodyOffset(), entry.bodyLength(), out)
          : inflate(layer, entry.bodyOffset(), entry.bodyLength(), out);
    } else if (!member.bodyCopied()) {
      append(layer, entry.bodyOffset(), entry.bodyLength());
    }
    if (member.paddingInStream()) {
      append(layer, bodyEnd, entry.end() - bodyEnd);
    }
    return at;
  }

  /** What the members added so far take. */
  long length() {
    return written;
  }

  /** Appends source members not yet added, at most {@code budget} bytes of them. */
  void rest(long budget) throws IOException {
    List<SourceIndex.Entry> entries = sources.entries();
    Integer[] order = new Integer[layers.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order,
        (a, b) -> matchedPerLayer[a] != matchedPerLayer[b]
            ? Long.compare(matchedPerLayer[b], matchedPerLayer[a])
            : Integer.compare(a, b));
    long left = budget;
    for (int layer : order) {
      for (int i = 0; i < entries.size(); i++) {
        SourceIndex.Entry entry = entries.get(i);
        long length = entry.end() - entry.start();
        if (!used[i] && entry.layer() == layer && length <= left) {
          append(layers.get(layer), entry.start(), length);
          left -= length;
        }
      }
    }
  }

  /**
   * Writes the content of the gzip data at {@code [offset, offset + length)} of {@code layer} to
   * {@code to}, refusing more than {@link #MAX_INFLATED} bytes of it (a recipe naming a source
   * member to inflate is not trusted with the disk).
   *
   * @return the content's length
   * @throws InvalidInputException when the bytes are not gzip data or inflate to too much
   */
  static long inflate(FileChannel layer, long offset, long length, OutputStream to)
      throws IOException {
    long total = 0;
    try (InputStream in =
        new GZIPInputStream(new RangeInputStream(layer, offset, length), 1 << 16)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > MAX_INFLATED) {
          throw new InvalidInputException("the delta is corrupt or was made from another source: "
              + "a source member it inflates holds more than " + MAX_INFLATED + " bytes");
        }
        if (to != null) {
          to.write(buffer, 0, n);
        }
      }
    } catch (ZipException | EOFException e) {
      throw new InvalidInputException("the delta is corrupt or was made from another source: "
          + "a source member it inflates is not gzip data (" + e.getMessage() + ")");
    }
    return total;
  }

  /**
   * Writes the zip file at {@code [offset, offset + length)} of {@code layer} to {@code to} with
   * every deflated entry {@link ZipLayout#scan} finds (within {@link #MAX_INFLATED} bytes of
   * content) expanded; a file that is not a zip comes out as it is.
   *
   * @return the expanded form's length
   */
  static long expandZip(FileChannel layer, long offset, long length, OutputStream to)
      throws IOException {
    ZipLayout zip = ZipLayout.scan(layer, offset, length, MAX_INFLATED);
    return zip.expand(layer, offset, length, zip.all(), to);
  }

  /** The most content one gzip or zip member is inflated to, in the reference or the stream. */
  static final long MAX_INFLATED = 256L << 20;

  private void append(FileChannel layer, long offset, long length) throws IOException {
    FileRanges.copy(layer, offset, length, out);
    written += length;
  }

  @Override
  public void close() throws IOException {
    try {
      out.close();
    } finally {
      for (FileChannel layer : layers) {
        layer.close();
      }
    }
  }
}
