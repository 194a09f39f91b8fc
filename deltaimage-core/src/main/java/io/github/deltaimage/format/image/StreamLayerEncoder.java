package io.github.deltaimage.format.image;

import io.github.deltaimage.api.DeltaEngine;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.FileDecision;
import io.github.deltaimage.api.FileDecision.Outcome;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.StreamEngines;
import io.github.deltaimage.deflate.GzipIdentifier;
import io.github.deltaimage.deflate.GzipRecipe;
import io.github.deltaimage.deflate.ZipLayout;
import io.github.deltaimage.deflate.ZipRecipe;
import io.github.deltaimage.fs.FileRanges;
import io.github.deltaimage.fs.RangeInputStream;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.tar.TarEntry;
import io.github.deltaimage.tar.TarLayout;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Encodes a target layer in the stream format: bodies the source holds verbatim become copies by
 * source member number; everything else (headers, padding, changed and new bodies) is one stream,
 * delta-encoded by one of the {@link StreamEngines} against the {@link StreamReference} of matched source members.
 */
final class StreamLayerEncoder {

  /** What encoding one layer produced: the recipe and the encoded stream. */
  record Encoded(Path recipe, Path stream, List<FileDecision> decisions, DeltaEngine engine) {}

  private final StreamEngines engine;
  private final SourceIndex sources;
  private final RunDirectory run;

  StreamLayerEncoder(StreamEngines engine, SourceIndex sources, RunDirectory run) {
    this.engine = engine;
    this.sources = sources;
    this.run = run;
  }

  Encoded encode(Path targetTar) {
    TarLayout layout = TarLayout.read(targetTar);
    Map<String, List<byte[]>> linkNames = hardLinkNames(layout);
    Path referenceFile = run.newFile("stream-reference");
    Path streamFile = run.newFile("stream");
    Path recipeFile = run.newFile("recipe");
    Path encoded = run.newFile("stream.delta");
    try (FileChannel target = FileChannel.open(targetTar, StandardOpenOption.READ)) {
      List<StreamRecipe.Member> members = new ArrayList<>();
      List<String> bases = new ArrayList<>();
      long streamLength = 0;
      long matchedLength = 0;
      boolean[] seen = new boolean[sources.entries().size()];
      for (TarEntry entry : layout.entries()) {
        StreamRecipe.Member member = expandCompressed(
            target,
            entry,
            members.size(),
            predictHeader(target, entry, plan(target, entry, linkNames, bases)));
        if (!zeros(target, entry.bodyOffset() + entry.bodyLength(), member.padding())) {
          member = member.withPaddingInStream();
        }
        if (entry.end() - (entry.bodyOffset() + entry.bodyLength()) != member.padding()) {
          throw new EnvironmentException("cannot encode " + targetTar + ": member "
              + entry.pathText() + " is not padded to a whole block");
        }
        members.add(member);
        streamLength += member.streamBytes();
        if (member.source() >= 0 && !seen[member.source()]) {
          seen[member.source()] = true;
          SourceIndex.Entry source = sources.entries().get(member.source());
          matchedLength += (member.header() == null ? source.bodyOffset() - source.start() : 0)
              + (member.inflated() != null && member.inflated().sourceInflated()
                  ? sourceContentLength.get(member.source())
                  : member.bodyCopied() ? 0 : source.bodyLength())
              + (member.paddingInStream()
                  ? source.end() - source.bodyOffset() - source.bodyLength()
                  : 0);
        }
      }
      // The unmatched source, for content that moved between files: in proportion to what is left
      // to
      // encode (sorting a window of reference for a few changed bytes costs more than it finds),
      // and
      // within what the matched part leaves of one window, so that one suffix sort does.
      long restBudget = Math.max(
          0, Math.min(engine.window() - matchedLength, Math.max(1L << 20, 2 * streamLength)));
      long trailer = layout.size() - layout.trailerOffset();
      streamLength += trailer;

      long[] anchorTarget = new long[members.size()];
      long[] anchorReference = new long[members.size()];
      int anchors = 0;
      try (StreamReference reference = new StreamReference(sources, referenceFile);
          OutputStream stream =
              new BufferedOutputStream(Files.newOutputStream(streamFile), 1 << 16);
          StreamRecipe.Writer recipe = new StreamRecipe.Writer(
              recipeFile, members.size(), streamLength, layout.size(), restBudget)) {
        long streamAt = 0;
        for (int i = 0; i < members.size(); i++) {
          TarEntry entry = layout.entries().get(i);
          StreamRecipe.Member member = members.get(i);
          recipe.member(member);
          long referenceAt = reference.member(member);
          if (referenceAt >= 0) {
            anchorTarget[anchors] = streamAt;
            anchorReference[anchors++] = referenceAt;
          }
          if (member.header() == null) {
            FileRanges.copy(target, entry.start(), member.headerLength(), stream);
          }
          ExpandedZip zip = expandedZips.get(i);
          if (zip != null) {
            zip.layout()
                .expand(
                    target, entry.bodyOffset(), entry.bodyLength(), zip.found().expanded(), stream);
          } else if (member.inflated() != null) {
            StreamReference.inflate(target, entry.bodyOffset(), entry.bodyLength(), stream);
          } else if (!member.bodyCopied()) {
            FileRanges.copy(target, entry.bodyOffset(), entry.bodyLength(), stream);
          }
          if (member.paddingInStream()) {
            FileRanges.copy(
                target, entry.bodyOffset() + entry.bodyLength(), member.padding(), stream);
          }
          streamAt += member.streamBytes();
        }
        FileRanges.copy(target, layout.trailerOffset(), trailer, stream);
        recipe.trailer(trailer);
        reference.rest(restBudget);
      }
      long[] anchorT = Arrays.copyOf(anchorTarget, anchors);
      long[] anchorR = Arrays.copyOf(anchorReference, anchors);
      DeltaEngine used = engine.encode(referenceFile, streamFile, encoded, position -> {
        int found = Arrays.binarySearch(anchorT, position);
        int at = found >= 0 ? found : -found - 2;
        return at < 0 ? -1 : anchorR[at] + (position - anchorT[at]);
      });
      Files.delete(referenceFile);
      Files.delete(streamFile);
      return new Encoded(
          recipeFile,
          encoded,
          decisions(layout, members, bases, streamLength, Files.size(encoded)),
          used);
    } catch (IOException e) {
      throw new EnvironmentException("cannot encode layer " + targetTar + ": " + e.getMessage(), e);
    } finally {
      for (FileChannel layer : sourceLayers) {
        try {
          layer.close();
        } catch (IOException e) {
          // Read-only; nothing is lost.
        }
      }
      sourceLayers.clear();
    }
  }

  /** The member with its header told as a patch of its source member's, where both are one block. */
  private StreamRecipe.Member predictHeader(
      FileChannel target, TarEntry entry, StreamRecipe.Member member) throws IOException {
    if (member.source() < 0 || member.headerLength() != HeaderPrediction.BLOCK) {
      return member;
    }
    SourceIndex.Entry source = sources.entries().get(member.source());
    if (source.bodyOffset() - source.start() != HeaderPrediction.BLOCK) {
      return member;
    }
    byte[] sourceHeader = read(sourceLayer(source.layer()), source.start());
    byte[] targetHeader = read(target, entry.start());
    HeaderPrediction.Patch patch = HeaderPrediction.between(sourceHeader, targetHeader);
    if (!Arrays.equals(HeaderPrediction.apply(sourceHeader, patch), targetHeader)) {
      return member;
    }
    return member.withHeader(patch);
  }

  /** Each inflated source member's content length, by member number. */
  private final Map<Integer, Long> sourceContentLength = new HashMap<>();

  /** A target zip carried expanded: where its entries are, and which of them are expanded. */
  private record ExpandedZip(ZipLayout layout, ZipRecipe.Found found) {}

  /** The target members carried as expanded zips, by member number. */
  private final Map<Integer, ExpandedZip> expandedZips = new HashMap<>();

  /**
   * How many zip entries one layer expands at most: each costs about 45 bytes of heap until the
   * recipe is written (a layer of a whole Maven repository's jars would otherwise hold hundreds of
   * megabytes); zips past it are carried as their bytes.
   */
  private static final int MAX_EXPANDED_ENTRIES = 1 << 20;

  private int expandedEntries;

  /**
   * The member with its body carried as content when it is gzip data a deflate model rebuilds
   * exactly (Debian's man pages and changelogs, for one), or a zip file (a jar) whose deflated
   * entries a model rebuilds: a changed text or class file's deflate bits differ from the first
   * change on, its content does not; the decoder recompresses and checks.
   */
  private StreamRecipe.Member expandCompressed(
      FileChannel target, TarEntry entry, int index, StreamRecipe.Member member)
      throws IOException {
    if (member.bodyCopied() || !entry.isRegularFile()) {
      return member;
    }
    if (isZip(target, entry.bodyOffset(), entry.bodyLength())) {
      return expandZip(target, entry, index, member);
    }
    if (!isGzip(target, entry.bodyOffset(), entry.bodyLength())) {
      return member;
    }
    long content;
    try {
      content = StreamReference.inflate(target, entry.bodyOffset(), entry.bodyLength(), null);
    } catch (InvalidInputException e) {
      return member; // not gzip after all, or too big: its bytes go in the stream as they are
    }
    Optional<GzipRecipe> recipe = GzipIdentifier.identify(
        () -> new RangeInputStream(target, entry.bodyOffset(), entry.bodyLength()),
        () -> new GZIPInputStream(
            new RangeInputStream(target, entry.bodyOffset(), entry.bodyLength()), 1 << 16));
    if (recipe.isEmpty()) {
      return member;
    }
    boolean sourceInflated = false;
    if (member.source() >= 0) {
      SourceIndex.Entry source = sources.entries().get(member.source());
      FileChannel layer = sourceLayer(source.layer());
      if (isGzip(layer, source.bodyOffset(), source.bodyLength())) {
        try {
          sourceContentLength.put(
              member.source(),
              StreamReference.inflate(layer, source.bodyOffset(), source.bodyLength(), null));
          sourceInflated = true;
        } catch (InvalidInputException e) {
          // The source's bytes are the reference then.
        }
      }
    }
    return member.withInflated(new StreamRecipe.Inflated(recipe.get(), content, sourceInflated));
  }

  /**
   * A zip member as its expanded form (see {@link ZipLayout}), next to its matched source member
   * expanded the same way when that is a zip too; unchanged when no entry of it is rebuilt.
   */
  private StreamRecipe.Member expandZip(
      FileChannel target, TarEntry entry, int index, StreamRecipe.Member member)
      throws IOException {
    ZipLayout layout = ZipLayout.scan(
        target, entry.bodyOffset(), entry.bodyLength(), StreamReference.MAX_INFLATED);
    if (layout.entries() == 0 || expandedEntries + layout.entries() > MAX_EXPANDED_ENTRIES) {
      return member;
    }
    Optional<ZipRecipe.Found> found =
        ZipRecipe.identify(target, entry.bodyOffset(), entry.bodyLength(), layout);
    if (found.isEmpty()) {
      return member;
    }
    boolean sourceExpanded = false;
    if (member.source() >= 0) {
      SourceIndex.Entry source = sources.entries().get(member.source());
      FileChannel layer = sourceLayer(source.layer());
      if (isZip(layer, source.bodyOffset(), source.bodyLength())) {
        ZipLayout sourceLayout = ZipLayout.scan(
            layer, source.bodyOffset(), source.bodyLength(), StreamReference.MAX_INFLATED);
        if (sourceLayout.entries() > 0) {
          sourceContentLength.put(
              member.source(),
              sourceLayout.expandedLength(source.bodyLength(), sourceLayout.all()));
          sourceExpanded = true;
        }
      }
    }
    expandedZips.put(index, new ExpandedZip(layout, found.get()));
    expandedEntries += layout.entries();
    return member.withInflated(new StreamRecipe.Inflated(
        found.get().recipe(),
        layout.expandedLength(entry.bodyLength(), found.get().expanded()),
        sourceExpanded));
  }

  private static boolean isZip(FileChannel channel, long offset, long length) throws IOException {
    byte[] magic = length < 30 ? null : head(channel, offset, 4);
    return magic != null && ZipLayout.looksLikeZip(magic);
  }

  private static boolean isGzip(FileChannel channel, long offset, long length) throws IOException {
    byte[] magic = length < 18 ? null : head(channel, offset, 3);
    return magic != null && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b && magic[2] == 8;
  }

  /** The {@code n} bytes at {@code offset}, or null when the file ends first. */
  private static byte[] head(FileChannel channel, long offset, int n) throws IOException {
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(n);
    while (bytes.hasRemaining()) {
      if (channel.read(bytes, offset + bytes.position()) < 0) {
        return null;
      }
    }
    return bytes.array();
  }

  private final List<FileChannel> sourceLayers = new ArrayList<>();

  private static boolean zeros(FileChannel channel, long offset, long length) throws IOException {
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, offset + buffer.position()) < 0) {
        throw new java.io.EOFException("padding cut short at " + offset);
      }
    }
    for (byte b : buffer.array()) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private FileChannel sourceLayer(int layer) throws IOException {
    while (sourceLayers.size() <= layer) {
      sourceLayers.add(
          FileChannel.open(sources.tars().get(sourceLayers.size()), StandardOpenOption.READ));
    }
    return sourceLayers.get(layer);
  }

  static byte[] read(FileChannel channel, long offset) throws IOException {
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(HeaderPrediction.BLOCK);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, offset + buffer.position()) < 0) {
        throw new java.io.EOFException("a tar header is cut short at " + offset);
      }
    }
    return buffer.array();
  }

  /** How one member is carried; {@code bases} gets the path its body was matched with (or null). */
  private StreamRecipe.Member plan(
      FileChannel target, TarEntry entry, Map<String, List<byte[]>> linkNames, List<String> bases)
      throws IOException {
    long header = entry.bodyOffset() - entry.start();
    if (entry.isRegularFile() && entry.bodyLength() > 0) {
      String sha256 = FileRanges.sha256(target, entry.bodyOffset(), entry.bodyLength());
      SourceIndex.Body same = sources.samePathWithContent(entry.path(), sha256);
      if (same == null) {
        same = sources.withContent(sha256);
      }
      if (same != null) {
        bases.add(text(same.path()));
        return new StreamRecipe.Member(same.entry(), true, header, entry.bodyLength(), null, false);
      }
      SourceIndex.Body base = sources.similarTo(entry.path(), entry.bodyLength());
      for (byte[] alias : linkNames.getOrDefault(latin1(entry.path()), List.of())) {
        if (base == null) {
          base = sources.similarTo(alias, entry.bodyLength());
        }
      }
      if (base != null) {
        bases.add(text(base.path()));
        return new StreamRecipe.Member(
            base.entry(), false, header, entry.bodyLength(), null, false);
      }
    }
    bases.add(null);
    return new StreamRecipe.Member(
        sources.entryAt(entry.path()), false, header, entry.bodyLength(), null, false);
  }

  /**
   * Per file body, how it is carried. The stream is encoded as a whole, so a body's stored size is
   * its share of the encoded stream: an estimate, good for ranking what costs most.
   */
  private static List<FileDecision> decisions(
      TarLayout layout,
      List<StreamRecipe.Member> members,
      List<String> bases,
      long streamLength,
      long encodedLength) {
    List<FileDecision> decisions = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      TarEntry entry = layout.entries().get(i);
      StreamRecipe.Member member = members.get(i);
      if (!entry.isRegularFile() || entry.bodyLength() == 0) {
        continue;
      }
      long share = Math.max(1, encodedLength * entry.bodyLength() / Math.max(1, streamLength));
      if (member.bodyCopied()) {
        decisions.add(new FileDecision(
            entry.pathText(), Outcome.KEPT_FROM_SOURCE, entry.bodyLength(), 0, null));
      } else if (bases.get(i) != null) {
        decisions.add(new FileDecision(
            entry.pathText(),
            Outcome.DELTA,
            entry.bodyLength(),
            share,
            "in the layer stream, next to " + bases.get(i)
                + " (stored size: its share of the stream)"));
      } else {
        decisions.add(new FileDecision(
            entry.pathText(),
            Outcome.NEW,
            entry.bodyLength(),
            share,
            "in the layer stream (stored size: its share of the stream)"));
      }
    }
    return decisions;
  }

  /**
   * The other names of each file: a tar stores a hard-link group's body under whichever name comes
   * first, which may be a new name while another member's name is the one the source has.
   */
  private static Map<String, List<byte[]>> hardLinkNames(TarLayout layout) {
    Map<String, List<byte[]>> names = new HashMap<>();
    for (TarEntry entry : layout.entries()) {
      if (entry.type() == TarEntry.HARD_LINK) {
        byte[] target = TarLayout.normalize(entry.linkPath());
        names.computeIfAbsent(latin1(target), k -> new ArrayList<>()).add(entry.path());
      }
    }
    return names;
  }

  private static String latin1(byte[] path) {
    return new String(path, StandardCharsets.ISO_8859_1);
  }

  private static String text(byte[] path) {
    return new String(path, StandardCharsets.UTF_8);
  }
}
