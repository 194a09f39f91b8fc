package io.github.deltaimage.format.image;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.FileDecision;
import io.github.deltaimage.api.FileDecision.Outcome;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.fs.FileRanges;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.tar.TarEntry;
import io.github.deltaimage.tar.TarLayout;
import io.github.deltaimage.work.Parallel;
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

/**
 * Cuts one target layer tar into a {@link LayerRecipe}: headers and unmatched bodies go to the
 * literal stream, bodies the source holds become copies, bodies that resemble a source file become
 * xdelta3 deltas (computed in parallel), each kept only when it beats storing the body.
 */
final class LayerEncoder {

  /** What encoding one layer produced: the recipe and the two files it refers to. */
  record Encoded(LayerRecipe recipe, Path literals, Path deltaPack, List<FileDecision> decisions) {}

  /** A body that may become a delta, once xdelta3 has had its say. */
  private record Candidate(TarEntry entry, SourceIndex.Body base) {}

  private record Tried(Path delta, long size) {}

  /** Small candidates delta'd in one xdelta3 run; {@code tried.delta()} is null when that did not pay. */
  private record Group(List<Candidate> members, Tried tried) {
    long targetLength() {
      return members.stream().mapToLong(c -> c.entry().bodyLength()).sum();
    }
  }

  /** Files up to this size are delta'd in groups: for them, starting xdelta3 costs more than the delta. */
  static final long SMALL_FILE = 64 * 1024;

  /** How much target content one group gathers. */
  static final long GROUP_TARGET = 4L << 20;

  private final DeltaCodec codec;
  private final SourceIndex sources;
  private final RunDirectory run;
  private final Parallel parallel;

  LayerEncoder(DeltaCodec codec, SourceIndex sources, RunDirectory run, Parallel parallel) {
    this.codec = codec;
    this.sources = sources;
    this.run = run;
    this.parallel = parallel;
  }

  Encoded encode(Path targetTar) {
    TarLayout layout = TarLayout.read(targetTar);
    Map<String, List<byte[]>> linkNames = hardLinkNames(layout);
    try (FileChannel target = FileChannel.open(targetTar, StandardOpenOption.READ)) {
      // First pass: decide copies, and collect the bodies worth a delta.
      List<Object> plan = new ArrayList<>();
      List<Candidate> candidates = new ArrayList<>();
      for (TarEntry entry : layout.entries()) {
        if (!entry.isRegularFile() || entry.bodyLength() == 0) {
          plan.add(entry);
          continue;
        }
        SourceIndex.Body same =
            sources.withContent(FileRanges.sha256(target, entry.bodyOffset(), entry.bodyLength()));
        if (same != null) {
          plan.add(new LayerRecipe.Copy(same.layer(), same.offset(), same.length()));
          continue;
        }
        SourceIndex.Body base = sources.similarTo(entry.path(), entry.bodyLength());
        for (byte[] alias : linkNames.getOrDefault(latin1(entry.path()), List.of())) {
          if (base == null) {
            base = sources.similarTo(alias, entry.bodyLength());
          }
        }
        if (base != null && worthTrying(target, entry, base)) {
          Candidate candidate = new Candidate(entry, base);
          candidates.add(candidate);
          plan.add(candidate);
        } else {
          plan.add(entry);
        }
      }
      List<Candidate> single = new ArrayList<>();
      List<List<Candidate>> grouped = new ArrayList<>();
      Map<Candidate, Integer> groupOf = new HashMap<>();
      long gathered = 0;
      for (Candidate candidate : candidates) {
        if (candidate.entry().bodyLength() > SMALL_FILE || candidate.base().length() > SMALL_FILE) {
          single.add(candidate);
          continue;
        }
        if (grouped.isEmpty() || gathered >= GROUP_TARGET) {
          grouped.add(new ArrayList<>());
          gathered = 0;
        }
        grouped.get(grouped.size() - 1).add(candidate);
        groupOf.put(candidate, grouped.size() - 1);
        gathered += candidate.entry().bodyLength();
      }
      List<Tried> tried = parallel.map(single, candidate -> tryDelta(targetTar, candidate));
      List<Group> groups =
          parallel.map(grouped, members -> new Group(members, tryGroup(targetTar, members)));
      List<LayerRecipe.Batch> batches = new ArrayList<>();

      // Second pass: write the literal stream and the delta pack in tar order.
      Path literals = run.newFile("literals");
      Path deltaPack = run.newFile("deltas");
      LayerRecipe.Builder recipe = new LayerRecipe.Builder();
      List<FileDecision> decisions = new ArrayList<>();
      int next = 0;
      long packed = 0;
      try (OutputStream literal =
              new BufferedOutputStream(Files.newOutputStream(literals), 1 << 16);
          OutputStream pack = new BufferedOutputStream(Files.newOutputStream(deltaPack), 1 << 16)) {
        int index = 0;
        for (TarEntry entry : layout.entries()) {
          Object step = plan.get(index++);
          FileRanges.copy(target, entry.start(), entry.bodyOffset() - entry.start(), literal);
          recipe.literal(entry.bodyOffset() - entry.start());
          if (step instanceof LayerRecipe.Copy copy) {
            recipe.add(copy);
            decisions.add(decision(entry, Outcome.KEPT_FROM_SOURCE, 0, null));
          } else if (step instanceof Candidate candidate
              && groupOf.containsKey(candidate)
              && groups.get(groupOf.get(candidate)).tried().delta() != null) {
            Group group = groups.get(groupOf.get(candidate));
            recipe.add(new LayerRecipe.Batched(groupOf.get(candidate), entry.bodyLength()));
            long share = Math.max(
                1, group.tried().size() * entry.bodyLength() / Math.max(1, group.targetLength()));
            decisions.add(decision(
                entry,
                Outcome.DELTA,
                share,
                "grouped with " + group.members().size() + " small files, against "
                    + new String(candidate.base().path(), StandardCharsets.UTF_8)));
          } else if (step instanceof Candidate candidate && groupOf.containsKey(candidate)) {
            FileRanges.copy(target, entry.bodyOffset(), entry.bodyLength(), literal);
            recipe.literal(entry.bodyLength());
            decisions.add(
                decision(entry, Outcome.STORED_WHOLE, entry.bodyLength(), "delta not smaller"));
          } else if (step instanceof Candidate candidate) {
            Tried result = tried.get(next++);
            if (result.delta() != null) {
              try (FileChannel delta = FileChannel.open(result.delta(), StandardOpenOption.READ)) {
                FileRanges.copy(delta, 0, result.size(), pack);
              }
              Files.delete(result.delta());
              SourceIndex.Body base = candidate.base();
              recipe.add(new LayerRecipe.Delta(
                  base.layer(),
                  base.offset(),
                  base.length(),
                  packed,
                  result.size(),
                  entry.bodyLength()));
              packed += result.size();
              decisions.add(decision(
                  entry,
                  Outcome.DELTA,
                  result.size(),
                  "against " + new String(base.path(), StandardCharsets.UTF_8)));
            } else {
              FileRanges.copy(target, entry.bodyOffset(), entry.bodyLength(), literal);
              recipe.literal(entry.bodyLength());
              decisions.add(
                  decision(entry, Outcome.STORED_WHOLE, entry.bodyLength(), "delta not smaller"));
            }
          } else {
            FileRanges.copy(target, entry.bodyOffset(), entry.bodyLength(), literal);
            recipe.literal(entry.bodyLength());
            if (entry.isRegularFile() && entry.bodyLength() > 0) {
              decisions.add(decision(entry, Outcome.NEW, entry.bodyLength(), null));
            }
          }
          long bodyEnd = entry.bodyOffset() + entry.bodyLength();
          FileRanges.copy(target, bodyEnd, entry.end() - bodyEnd, literal);
          recipe.literal(entry.end() - bodyEnd);
        }
        FileRanges.copy(
            target, layout.trailerOffset(), layout.size() - layout.trailerOffset(), literal);
        recipe.literal(layout.size() - layout.trailerOffset());
        // Group deltas follow every per-file delta in the pack, in group order; a group that did
        // not
        // pay keeps its number but holds nothing, so batch numbers stay group numbers.
        for (Group group : groups) {
          long length = 0;
          long output = 0;
          List<LayerRecipe.Range> ranges = new ArrayList<>();
          if (group.tried().delta() != null) {
            try (FileChannel delta =
                FileChannel.open(group.tried().delta(), StandardOpenOption.READ)) {
              FileRanges.copy(delta, 0, group.tried().size(), pack);
            }
            Files.delete(group.tried().delta());
            length = group.tried().size();
            output = group.targetLength();
            for (Candidate member : group.members()) {
              ranges.add(new LayerRecipe.Range(
                  member.base().layer(), member.base().offset(), member.base().length()));
            }
          }
          batches.add(new LayerRecipe.Batch(ranges, packed, length, output));
          packed += length;
        }
      }
      Path encodedLiterals = run.newFile("literals.vcdiff");
      codec.encode(sources.headers(), literals, encodedLiterals);
      Files.delete(literals);
      return new Encoded(recipe.build(batches), encodedLiterals, deltaPack, decisions);
    } catch (IOException e) {
      throw new EnvironmentException("cannot encode layer " + targetTar + ": " + e.getMessage(), e);
    }
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

  private static FileDecision decision(
      TarEntry entry, Outcome outcome, long stored, String reason) {
    return new FileDecision(entry.pathText(), outcome, entry.bodyLength(), stored, reason);
  }

  /**
   * Single-stream compressed content (gzip, xz, zstd, bzip2) that differs early differs everywhere
   * after, so no delta can help: skip xdelta3 rather than spend time on it. Zip archives (jars)
   * compress entry by entry and are always worth a try.
   */
  private boolean worthTrying(FileChannel target, TarEntry entry, SourceIndex.Body base)
      throws IOException {
    byte[] head = head(target, entry.bodyOffset(), entry.bodyLength(), 1024);
    if (!StreamCompression.isSingleStream(head)) {
      return true;
    }
    try (FileChannel source =
        FileChannel.open(sources.tars().get(base.layer()), StandardOpenOption.READ)) {
      byte[] sourceHead = head(source, base.offset(), base.length(), 1024);
      // Past the format's own header (names, times), do the compressed streams start alike?
      int from = 64;
      int to = Math.min(from + 512, Math.min(head.length, sourceHead.length));
      return to > from && Arrays.mismatch(head, from, to, sourceHead, from, to) < 0;
    }
  }

  private static byte[] head(FileChannel channel, long offset, long length, int max)
      throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    FileRanges.copy(channel, offset, Math.min(length, max), out);
    return out.toByteArray();
  }

  /** One xdelta3 run over the concatenated bodies of {@code members} against their sources, concatenated likewise. */
  private Tried tryGroup(Path targetTar, List<Candidate> members) {
    Path sourceBodies = run.newFile("group-source");
    Path targetBodies = run.newFile("group-target");
    Path delta = run.newFile("group-delta");
    long targetLength = 0;
    try {
      try (FileChannel targetChannel = FileChannel.open(targetTar, StandardOpenOption.READ);
          OutputStream sourceOut =
              new BufferedOutputStream(Files.newOutputStream(sourceBodies), 1 << 16);
          OutputStream targetOut =
              new BufferedOutputStream(Files.newOutputStream(targetBodies), 1 << 16)) {
        Map<Integer, FileChannel> sourceChannels = new HashMap<>();
        try {
          for (Candidate member : members) {
            SourceIndex.Body base = member.base();
            FileChannel source = sourceChannels.get(base.layer());
            if (source == null) {
              source = FileChannel.open(sources.tars().get(base.layer()), StandardOpenOption.READ);
              sourceChannels.put(base.layer(), source);
            }
            FileRanges.copy(source, base.offset(), base.length(), sourceOut);
            FileRanges.copy(
                targetChannel, member.entry().bodyOffset(), member.entry().bodyLength(), targetOut);
            targetLength += member.entry().bodyLength();
          }
        } finally {
          for (FileChannel channel : sourceChannels.values()) {
            channel.close();
          }
        }
      }
      codec.encode(sourceBodies, targetBodies, delta);
      long size = Files.size(delta);
      if (size >= targetLength * 9 / 10) {
        Files.delete(delta);
        return new Tried(null, 0);
      }
      return new Tried(delta, size);
    } catch (IOException e) {
      throw new EnvironmentException("cannot encode a group of small files: " + e.getMessage(), e);
    } finally {
      deleteQuietly(sourceBodies);
      deleteQuietly(targetBodies);
    }
  }

  private Tried tryDelta(Path targetTar, Candidate candidate) {
    TarEntry entry = candidate.entry();
    SourceIndex.Body base = candidate.base();
    Path sourceBody = run.newFile("source-body");
    Path targetBody = run.newFile("target-body");
    Path delta = run.newFile("delta");
    try {
      FileRanges.extract(
          sources.tars().get(base.layer()), base.offset(), base.length(), sourceBody);
      FileRanges.extract(targetTar, entry.bodyOffset(), entry.bodyLength(), targetBody);
      codec.encode(sourceBody, targetBody, delta);
      long size = Files.size(delta);
      // A delta must beat the body by a margin: the literal stream compresses bodies too.
      if (size >= entry.bodyLength() * 9 / 10) {
        Files.delete(delta);
        return new Tried(null, 0);
      }
      return new Tried(delta, size);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot encode " + entry.pathText() + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(sourceBody);
      deleteQuietly(targetBody);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // The run directory goes at the end anyway.
    }
  }
}
