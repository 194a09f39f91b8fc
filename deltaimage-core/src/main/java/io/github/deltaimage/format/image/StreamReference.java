package io.github.deltaimage.format.image;

import io.github.deltaimage.fs.FileRanges;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What a layer's stream is encoded against, built the same way on both sides from the recipe: first,
 * in the target's member order, each matched source member (header, body unless the target copies
 * it whole, padding), so that the stream and the reference line up and the matcher meets each
 * changed body next to its old version; then every source member no target member matched, whole,
 * in source order (the rest of the source, for content that moved between files).
 */
final class StreamReference implements Closeable {

  private final SourceIndex sources;
  private final OutputStream out;
  private final List<FileChannel> layers = new ArrayList<>();
  private final boolean[] used;
  private long written;

  StreamReference(SourceIndex sources, Path file) throws IOException {
    this.sources = sources;
    this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    this.used = new boolean[sources.entries().size()];
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
    FileChannel layer = layers.get(entry.layer());
    long at = written;
    if (member.bodyCopied()) {
      long bodyEnd = entry.bodyOffset() + entry.bodyLength();
      append(layer, entry.start(), entry.bodyOffset() - entry.start());
      append(layer, bodyEnd, entry.end() - bodyEnd);
    } else {
      append(layer, entry.start(), entry.end() - entry.start());
    }
    return at;
  }

  /** Appends every source member not yet added. */
  void rest() throws IOException {
    List<SourceIndex.Entry> entries = sources.entries();
    for (int i = 0; i < entries.size(); i++) {
      if (!used[i]) {
        SourceIndex.Entry entry = entries.get(i);
        append(layers.get(entry.layer()), entry.start(), entry.end() - entry.start());
      }
    }
  }

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
