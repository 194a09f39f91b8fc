package io.github.deltaimage.deflate;

import io.github.deltaimage.fs.RangeInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * How to rebuild a zip file byte for byte from its expanded form (see {@link ZipLayout}): the
 * expanded form is runs of bytes kept as they are, each followed by one entry's content, which a
 * {@link DeflateModel} deflates back to the entry's data; after the last entry, the rest is kept
 * as it is. The recipe holds, per expanded entry, the length of the run before it, its content
 * length and its model (an index into {@link #models()}, most archives needing one).
 */
public final class ZipRecipe implements CompressedFileRecipe {

  private final List<DeflateModel> models;
  private final long[] gaps;
  private final long[] contents;
  private final int[] modelIndexes;

  /**
   * @param models the models the entries use
   * @param gaps per entry, the bytes kept as they are before it
   * @param contents per entry, its content length
   * @param modelIndexes per entry, its model's index in {@code models}
   */
  public ZipRecipe(List<DeflateModel> models, long[] gaps, long[] contents, int[] modelIndexes) {
    if (gaps.length != contents.length || gaps.length != modelIndexes.length) {
      throw new IllegalArgumentException("one gap, content length and model per entry");
    }
    for (int i = 0; i < gaps.length; i++) {
      if (gaps[i] < 0 || contents[i] < 0) {
        throw new IllegalArgumentException("entry " + i + " has a negative length");
      }
      if (modelIndexes[i] < 0 || modelIndexes[i] >= models.size()) {
        throw new IllegalArgumentException("entry " + i + " names no model of the recipe");
      }
    }
    this.models = List.copyOf(models);
    this.gaps = gaps.clone();
    this.contents = contents.clone();
    this.modelIndexes = modelIndexes.clone();
  }

  /** Thrown when the expanded form ends before the last entry the recipe lists. */
  public static final class Incomplete extends IOException {
    private static final long serialVersionUID = 1L;

    Incomplete(String message) {
      super(message);
    }
  }

  /** The result of {@link #identify}: the recipe and which of the layout's entries it expands. */
  public record Found(ZipRecipe recipe, boolean[] expanded) {}

  /**
   * The recipe for the zip file at {@code [offset, offset + length)} of {@code file} whose
   * deflated entries {@code layout} lists: each entry a model rebuilds exactly is expanded, others
   * stay as they are; empty when no entry is rebuilt.
   */
  public static Optional<Found> identify(
      FileChannel file, long offset, long length, ZipLayout layout) throws IOException {
    List<DeflateModel> used = new ArrayList<>();
    boolean[] expanded = new boolean[layout.entries()];
    long[] gaps = new long[layout.entries()];
    long[] contents = new long[layout.entries()];
    int[] indexes = new int[layout.entries()];
    int count = 0;
    long end = 0;
    DeflateModel last = null;
    for (int i = 0; i < layout.entries(); i++) {
      long data = offset + layout.dataOffset(i);
      long compressed = layout.compressedLength(i);
      Optional<DeflateModel> model = GzipIdentifier.identifyDeflate(
          () -> new InflaterInputStream(
              new RangeInputStream(file, data, compressed), new Inflater(true), 1 << 16),
          () -> new RangeInputStream(file, data, compressed),
          candidates(last));
      if (model.isEmpty()) {
        continue;
      }
      last = model.get();
      int index = used.indexOf(last);
      if (index < 0) {
        index = used.size();
        used.add(last);
      }
      expanded[i] = true;
      gaps[count] = layout.dataOffset(i) - end;
      contents[count] = layout.contentLength(i);
      indexes[count++] = index;
      end = layout.dataOffset(i) + compressed;
    }
    if (count == 0) {
      return Optional.empty();
    }
    return Optional.of(new Found(
        new ZipRecipe(
            used,
            Arrays.copyOf(gaps, count),
            Arrays.copyOf(contents, count),
            Arrays.copyOf(indexes, count)),
        expanded));
  }

  /**
   * The last entry's model first (an archive is usually written by one tool at one level), then
   * java.util.zip's (what jar, Maven and Gradle write with), then every other.
   */
  private static List<DeflateModel> candidates(DeflateModel last) {
    LinkedHashSet<DeflateModel> ordered = new LinkedHashSet<>();
    if (last != null) {
      ordered.add(last);
    }
    ordered.add(new DeflateModel(DeflateModel.Family.ZLIB, 6));
    ordered.addAll(GzipIdentifier.allModels());
    return new ArrayList<>(ordered);
  }

  /** The models the entries use. */
  public List<DeflateModel> models() {
    return models;
  }

  /** How many entries are expanded. */
  public int entries() {
    return gaps.length;
  }

  /** The bytes kept as they are before entry {@code i}. */
  public long gap(int i) {
    return gaps[i];
  }

  /** Entry {@code i}'s content length. */
  public long contentLength(int i) {
    return contents[i];
  }

  /** Entry {@code i}'s model, as an index into {@link #models()}. */
  public int modelIndex(int i) {
    return modelIndexes[i];
  }

  /** What the runs and the contents add up to: the least the expanded form holds. */
  public long listedLength() {
    long total = 0;
    for (int i = 0; i < gaps.length; i++) {
      total += gaps[i] + contents[i];
    }
    return total;
  }

  @Override
  public OutputStream newCompressingStream(OutputStream out) throws IOException {
    return new Rebuilder(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ZipRecipe other
        && models.equals(other.models)
        && Arrays.equals(gaps, other.gaps)
        && Arrays.equals(contents, other.contents)
        && Arrays.equals(modelIndexes, other.modelIndexes);
  }

  @Override
  public int hashCode() {
    return models.hashCode() * 31 + Arrays.hashCode(contents);
  }

  @Override
  public String toString() {
    return "zip of " + gaps.length + " deflated entries by " + models;
  }

  /**
   * Takes the expanded form and writes the zip: runs pass through, each entry's content goes
   * through a fresh stream of its model, ended when its content length is reached.
   */
  private final class Rebuilder extends OutputStream {
    private final OutputStream out;
    private final OutputStream kept;
    private int entry;
    private boolean inContent;
    private long left;
    private OutputStream deflate;
    private boolean closed;

    Rebuilder(OutputStream out) throws IOException {
      this.out = out;
      this.kept = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void close() {
          // The zip goes on after this entry.
        }
      };
      left = entries() > 0 ? gaps[0] : Long.MAX_VALUE;
      settle();
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        int n = (int) Math.min(len, left);
        (inContent ? deflate : out).write(b, off, n);
        off += n;
        len -= n;
        left -= n;
        settle();
      }
    }

    /** Moves past every part that is complete, ending entries whose content is all in. */
    private void settle() throws IOException {
      while (left == 0) {
        if (inContent) {
          DeflateModel.finish(deflate);
          deflate = null;
          inContent = false;
          entry++;
          left = entry < entries() ? gaps[entry] : Long.MAX_VALUE;
        } else {
          inContent = true;
          deflate = models.get(modelIndexes[entry]).newDeflateStream(kept);
          left = contents[entry];
        }
      }
    }

    @Override
    public void flush() {
      // A flush would change the deflate streams; the bytes come out as the producer wrote them.
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      if (entry < entries()) {
        throw new Incomplete("ends inside entry " + entry + " of the " + entries() + " it lists");
      }
      out.close();
    }
  }
}
