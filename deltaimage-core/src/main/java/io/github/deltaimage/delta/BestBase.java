package io.github.deltaimage.delta;

import io.github.deltaimage.api.BaseChoice;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.fs.TempSpace;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.tar.TarEntry;
import io.github.deltaimage.tar.TarLayout;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.Transports;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Makes the delta against whichever of several candidate sources gives the smallest one.
 *
 * <p>Cheap first: a target layer a candidate already has (same diff_id) costs nothing; for the
 * others, every regular file's content is hashed, and a candidate is estimated by the bytes of
 * target files whose content it holds nowhere (what the delta must still carry, before xdelta).
 * Ties go to the candidate that has more of those files at the same path (a delta partner), then
 * to the earlier one. The best two by that estimate are then encoded for real and the smaller
 * delta is kept: the estimate cannot see how well xdelta does on changed files, so it only
 * shortlists. Hashes are taken once per layer diff_id, so candidates sharing base layers are cheap.
 */
public final class BestBase {

  /** Makes one delta; {@link ImageDeltas#diff} in practice. */
  @FunctionalInterface
  public interface Encoder {
    ImageDeltaSummary diff(
        ImageReference source, ImageReference target, ImageReference delta, boolean unlinked);
  }

  /** How many candidates are encoded for real. */
  static final int SHORTLIST = 2;

  private final Encoder encoder;
  private final CopyOptions copyOptions;
  private final Path tempParent;
  private final DeltaListener listener;
  private final Map<Digest, List<FileContent>> layerFiles = new HashMap<>();

  public BestBase(
      Encoder encoder, CopyOptions copyOptions, Path tempParent, DeltaListener listener) {
    this.encoder = encoder;
    this.copyOptions = copyOptions;
    this.tempParent = tempParent;
    this.listener = listener;
  }

  /** A regular file of a layer: its normalised path, content sha256 (hex) and size. */
  record FileContent(String path, String sha256, long size) {}

  /** The estimate for one candidate, before any encoding. */
  record Estimate(
      int index,
      ImageReference reference,
      Digest imageId,
      int sharedLayers,
      long neededBytes,
      long unpartneredBytes) {}

  /** Writes {@code delta} against the best of {@code candidates} (at least one; duplicates are dropped). */
  public BaseChoice diff(
      List<ImageReference> candidates,
      ImageReference target,
      ImageReference delta,
      boolean unlinked) {
    List<ImageReference> distinct = distinct(candidates);
    if (distinct.isEmpty()) {
      throw new InvalidInputException(
          "no candidate source given: name at least one image to make the delta against");
    }
    if (distinct.size() == 1) {
      ImageDeltaSummary summary = encoder.diff(distinct.get(0), target, delta, unlinked);
      return new BaseChoice(
          summary,
          distinct.get(0),
          List.of(new BaseChoice.Candidate(
              distinct.get(0),
              summary.sourceImageId(),
              (int) summary.layers().stream()
                  .filter(ImageDeltaSummary.LayerSummary::fromSource)
                  .count(),
              -1,
              summary.deltaBytes())));
    }
    try (RunDirectory run = RunDirectory.create(tempParent);
        Transports transports = new Transports(copyOptions, run)) {
      List<Estimate> estimates = estimate(transports, run, distinct, target);
      List<Estimate> ranked = new ArrayList<>(estimates);
      ranked.sort(Comparator.comparingLong(Estimate::neededBytes)
          .thenComparingLong(Estimate::unpartneredBytes)
          .thenComparingInt(Estimate::index));
      List<Estimate> shortlist = ranked.subList(0, Math.min(SHORTLIST, ranked.size()));

      Map<Integer, ImageDeltaSummary> encoded = new HashMap<>();
      Map<Integer, ImageReference> trials = new HashMap<>();
      for (Estimate candidate : shortlist) {
        ImageReference trial = ImageReference.parse(
            "oci:" + run.path().resolve("trial-" + candidate.index()) + ":delta");
        listener.progress(
            "encoding against candidate " + candidate.reference(),
            encoded.size(),
            shortlist.size());
        encoded.put(
            candidate.index(), encoder.diff(candidate.reference(), target, trial, unlinked));
        trials.put(candidate.index(), trial);
      }
      Estimate winner = shortlist.stream()
          .min(Comparator.comparingLong((Estimate e) -> encoded.get(e.index()).deltaBytes())
              .thenComparingInt(Estimate::index))
          .orElseThrow();
      listener.progress("writing " + delta, 0, -1);
      ImageDeltaSummary won = encoded.get(winner.index());
      Digest written;
      if (won.ofIndex()) {
        // A copy takes one image out of an index: a delta index is made again, straight into place.
        won = encoder.diff(winner.reference(), target, delta, unlinked);
        written = won.manifestDigest();
      } else {
        written = ImageCopy.copy(trials.get(winner.index()), delta, copyOptions)
            .manifestDigest()
            .orElse(null);
      }
      List<String> notes = new ArrayList<>();
      notes.add(verdict(winner, shortlist, encoded));
      notes.add(estimatesLine(estimates, encoded));
      notes.addAll(won.notes());
      ImageDeltaSummary summary = new ImageDeltaSummary(
          won.sourceImageId(),
          won.targetImageId(),
          won.sourceBytes(),
          won.targetBytes(),
          won.deltaBytes(),
          won.layers(),
          won.topFiles(),
          written,
          won.manifestExact(),
          notes,
          won.elapsedNanos(),
          won.targetManifestDigest(),
          won.layersAsTars(),
          won.platforms());
      List<BaseChoice.Candidate> judged = new ArrayList<>();
      for (Estimate e : estimates) {
        ImageDeltaSummary s = encoded.get(e.index());
        judged.add(new BaseChoice.Candidate(
            e.reference(),
            e.imageId(),
            e.sharedLayers(),
            e.neededBytes(),
            s == null ? -1 : s.deltaBytes()));
      }
      return new BaseChoice(summary, winner.reference(), judged);
    } catch (IOException e) {
      if (TempSpace.isOutOfSpace(e)) {
        throw TempSpace.outOfSpace(tempParent, "choosing the best base", e);
      }
      throw new EnvironmentException("cannot choose the best base: " + e.getMessage(), e);
    }
  }

  private List<Estimate> estimate(
      Transports transports,
      RunDirectory run,
      List<ImageReference> candidates,
      ImageReference target)
      throws IOException {
    Map<Digest, List<FileContent>> targetFiles = new HashMap<>();
    try (ImageSource tgt = transports.openSource(target)) {
      List<Layer> targetLayers = tgt.image().layers();
      // The target's layers are hashed lazily: only those some candidate lacks are ever looked
      // into.
      List<Estimate> estimates = new ArrayList<>();
      for (int i = 0; i < candidates.size(); i++) {
        ImageReference reference = candidates.get(i);
        listener.progress("estimating candidate " + reference, i, candidates.size());
        try (ImageSource src = transports.openSource(reference)) {
          Image s = src.image();
          Set<Digest> sourceLayers = new HashSet<>(s.diffIds());
          Set<String> contents = new HashSet<>();
          Set<String> paths = new HashSet<>();
          for (Layer layer : s.layers()) {
            for (FileContent file : files(src, layer, run, "candidate")) {
              contents.add(file.sha256());
              paths.add(file.path());
            }
          }
          int shared = 0;
          long needed = 0;
          long unpartnered = 0;
          for (Layer layer : targetLayers) {
            if (sourceLayers.contains(layer.diffId())) {
              shared++;
              continue;
            }
            List<FileContent> files = targetFiles.get(layer.diffId());
            if (files == null) {
              files = files(tgt, layer, run, "target");
              targetFiles.put(layer.diffId(), files);
            }
            for (FileContent file : files) {
              if (!contents.contains(file.sha256())) {
                needed += file.size();
                if (!paths.contains(file.path())) {
                  unpartnered += file.size();
                }
              }
            }
          }
          estimates.add(new Estimate(i, reference, s.configDigest(), shared, needed, unpartnered));
        }
      }
      return estimates;
    }
  }

  /** The regular files of {@code layer}, hashed once per diff_id for the whole run. */
  private List<FileContent> files(ImageSource image, Layer layer, RunDirectory run, String role)
      throws IOException {
    List<FileContent> known = layerFiles.get(layer.diffId());
    if (known != null) {
      return known;
    }
    Path tar = LayerFiles.spoolTar(image, layer, run, "estimate-" + role);
    List<FileContent> files = new ArrayList<>();
    try (FileChannel channel = FileChannel.open(tar, StandardOpenOption.READ)) {
      for (TarEntry entry : TarLayout.read(tar).entries()) {
        if (entry.isRegularFile() && entry.bodyLength() > 0) {
          files.add(new FileContent(
              entry.pathText(),
              sha256(channel, entry.bodyOffset(), entry.bodyLength()),
              entry.bodyLength()));
        }
      }
    } finally {
      Files.deleteIfExists(tar);
    }
    layerFiles.put(layer.diffId(), files);
    return files;
  }

  private static String sha256(FileChannel channel, long offset, long length) throws IOException {
    MessageDigest digest = Digest.newSha256();
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    long position = offset;
    long end = offset + length;
    while (position < end) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
      int read = channel.read(buffer, position);
      if (read < 0) {
        throw new IOException("layer tar ends inside a file body");
      }
      digest.update(buffer.array(), 0, read);
      position += read;
    }
    return Digest.ofSha256(digest.digest()).hex();
  }

  private static String verdict(
      Estimate winner, List<Estimate> shortlist, Map<Integer, ImageDeltaSummary> encoded) {
    long won = encoded.get(winner.index()).deltaBytes();
    StringBuilder line = new StringBuilder("base ")
        .append(winner.reference())
        .append(" chosen: delta ")
        .append(won)
        .append(" bytes");
    for (Estimate other : shortlist) {
      if (other.index() != winner.index()) {
        long lost = encoded.get(other.index()).deltaBytes();
        line.append(String.format(
            Locale.ROOT,
            ", %d bytes (%.1f %%) smaller than against %s (%d bytes)",
            lost - won,
            lost == 0 ? 0.0 : 100.0 * (lost - won) / lost,
            other.reference(),
            lost));
      }
    }
    return line.toString();
  }

  private static String estimatesLine(
      List<Estimate> estimates, Map<Integer, ImageDeltaSummary> encoded) {
    StringBuilder line = new StringBuilder("candidates by target bytes still needed:");
    for (Estimate e : estimates) {
      line.append(' ')
          .append(e.reference())
          .append(" = ")
          .append(e.neededBytes())
          .append(" (")
          .append(e.sharedLayers())
          .append(" layers shared")
          .append(encoded.containsKey(e.index()) ? ", encoded" : "")
          .append(");");
    }
    line.setLength(line.length() - 1);
    return line.toString();
  }

  private static List<ImageReference> distinct(List<ImageReference> candidates) {
    Set<String> seen = new LinkedHashSet<>();
    List<ImageReference> out = new ArrayList<>();
    for (ImageReference candidate : candidates) {
      if (seen.add(candidate.toString())) {
        out.add(candidate);
      }
    }
    return out;
  }
}
