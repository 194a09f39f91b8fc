package io.github.deltaimage.delta;

import io.github.deltaimage.api.ByteSizes;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.FileDecision;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Descriptor;
import io.github.deltaimage.image.ImageIndex;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.Transports;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The diff use case for two image indexes (multi-platform images): one delta image per target
 * platform, made against the source's image of the same platform (os, architecture, variant), and a
 * {@link DeltaIndex} naming them all. A platform the source lacks is carried whole. The delta index
 * is named last, once every image it lists is written.
 */
final class IndexDeltaDiff {

  /** Buildx marks its attestation manifests so; they have no platform of their own to match. */
  static final String REFERENCE_TYPE = "vnd.docker.reference.type";

  private static final int TOP_FILES = 10;

  private final DeltaCodec codec;
  private final Parallel parallel;
  private final CopyOptions copyOptions;
  private final DeltaListener listener;
  private final String toolVersion;

  IndexDeltaDiff(
      DeltaCodec codec,
      Parallel parallel,
      CopyOptions copyOptions,
      DeltaListener listener,
      String toolVersion) {
    this.codec = codec;
    this.parallel = parallel;
    this.copyOptions = copyOptions;
    this.listener = listener;
    this.toolVersion = toolVersion;
  }

  ImageDeltaSummary diff(
      Transports transports,
      RunDirectory run,
      ImageReference source,
      ImageIndex sourceIndex,
      ImageReference target,
      ImageIndex targetIndex,
      ImageReference delta,
      boolean unlinked)
      throws IOException {
    long started = System.nanoTime();
    for (Descriptor t : targetIndex.manifests()) {
      if (!MediaTypes.isManifest(t.mediaType())) {
        throw new InvalidInputException(target + " lists " + t.digest() + " of media type "
            + t.mediaType() + "; only indexes of image manifests are supported (pass --platform"
            + " to make the delta of one platform)");
      }
    }
    List<DeltaIndex.Entry> entries = new ArrayList<>();
    List<ImageDeltaSummary.PlatformSummary> platforms = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<FileDecision> decisions = new ArrayList<>();
    long sourceBytes = 0;
    long targetBytes = 0;
    long deltaBytes = 0;
    Digest written;
    try (ImageSink sink = transports.openSink(delta)) {
      if (!sink.storesIndexes()) {
        throw new InvalidInputException(source + " and " + target + " are multi-platform images,"
            + " whose delta is an index of delta images, which " + delta + " cannot hold (it holds"
            + " one image); write the delta to a registry or an OCI layout, or pass --platform to"
            + " make the delta of one platform");
      }
      IndexPartSink parts = new IndexPartSink(sink);
      int n = targetIndex.manifests().size();
      for (int i = 0; i < n; i++) {
        Descriptor t = targetIndex.manifests().get(i);
        String platform = DeltaIndex.platformOf(t);
        Optional<Descriptor> match = matching(t, sourceIndex);
        listener.progress("platform " + platform + " (" + (i + 1) + "/" + n + ")", i, n);
        try (RunDirectory own = RunDirectory.create(run.path());
            ImageSource tgt = transports.openManifest(target, t)) {
          if (match.isPresent()) {
            ImageDeltaSummary summary;
            try (ImageSource src = transports.openManifest(source, match.get())) {
              summary = new DeltaDiff(codec, parallel, copyOptions, listener, toolVersion)
                  .diff(
                      own,
                      src,
                      tgt,
                      delta + " (" + platform + ")",
                      unlinked,
                      out -> ImageCopy.transfer(out, parts, copyOptions, own));
            }
            entries.add(new DeltaIndex.Entry(parts.lastWritten(), false, t));
            platforms.add(new ImageDeltaSummary.PlatformSummary(
                platform, t.digest(), summary, 0, summary.manifestExact()));
            summary.notes().forEach(note -> notes.add(platform + ": " + note));
            decisions.addAll(summary.topFiles());
            sourceBytes += summary.sourceBytes();
            targetBytes += summary.targetBytes();
            deltaBytes += summary.deltaBytes();
          } else {
            ImageCopy.transfer(tgt, parts, copyOptions, own);
            Descriptor carried = parts.lastWritten();
            boolean exact = carried.digest().equals(t.digest());
            entries.add(new DeltaIndex.Entry(carried, true, t));
            long bytes = parts.lastWrittenBlobBytes();
            platforms.add(
                new ImageDeltaSummary.PlatformSummary(platform, t.digest(), null, bytes, exact));
            deltaBytes += bytes;
            notes.add(platform + ": not in " + source + ", so carried whole ("
                + ByteSizes.format(bytes) + " of layer blobs)"
                + (exact
                    ? ""
                    : "; " + delta + " stores it under a new manifest, so apply will too"));
          }
        }
      }
      listener.progress("writing the delta index " + delta, 0, -1);
      written = sink.commitIndex(
          DeltaIndex.write(targetIndex, sourceIndex.digest(), entries), MediaTypes.OCI_INDEX);
    }
    decisions.sort(Comparator.comparingLong(FileDecision::storedSize).reversed());
    boolean exact = platforms.stream().allMatch(ImageDeltaSummary.PlatformSummary::manifestExact);
    return new ImageDeltaSummary(
        sourceIndex.digest(),
        targetIndex.digest(),
        sourceBytes,
        targetBytes,
        deltaBytes,
        List.of(),
        List.copyOf(decisions.subList(0, Math.min(TOP_FILES, decisions.size()))),
        written,
        exact,
        notes,
        System.nanoTime() - started,
        targetIndex.digest(),
        false,
        platforms);
  }

  /**
   * The source's image of {@code target}'s platform: same os, architecture and variant, a manifest,
   * not an attestation. None for an entry without a platform or for an attestation, which are carried
   * whole.
   */
  static Optional<Descriptor> matching(Descriptor target, ImageIndex source) {
    if (target.platform() == null || target.annotations().containsKey(REFERENCE_TYPE)) {
      return Optional.empty();
    }
    return source.manifests().stream()
        .filter(d -> d.platform() != null
            && MediaTypes.isManifest(d.mediaType())
            && !d.annotations().containsKey(REFERENCE_TYPE)
            && d.platform().sameAs(target.platform()))
        .findFirst();
  }
}
