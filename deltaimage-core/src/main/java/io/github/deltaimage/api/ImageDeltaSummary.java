package io.github.deltaimage.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an image diff or apply did, in the sizes users compare: the target as the registry stores
 * it (its layer blobs, all layers), the blobs a registry holding the source would still have to
 * store without a delta (the new layers), and the delta layer's blob. A diff and an apply of the same
 * delta give the same figures, as both read them from the target's own layer list.
 *
 * @param sourceImageId the source's image ID
 * @param targetImageId the target's image ID (for apply: the restored image's, equal by check)
 * @param sourceBytes the source layers' uncompressed size (the layers read from the source image)
 * @param targetBytes the uncompressed size of the target layers rebuilt from the delta (for apply:
 *     of every target layer)
 * @param deltaBytes the delta layer's blob size, as a registry stores it
 * @param layers per target layer: how it is carried
 * @param topFiles the files that cost the most delta bytes, largest first
 * @param manifestDigest the manifest digest of what was written: for diff the delta image's own, for
 *     apply the restored image's; null where the destination keeps no manifest (the daemon)
 * @param manifestExact for apply: the restored manifest digest is the target's; for diff: apply will
 *     reproduce the target's manifest digest (every layer's blob can be rebuilt or kept as it is)
 * @param notes remarks for the log, one per matter
 * @param elapsedNanos wall time
 * @param targetManifestDigest the target's own manifest digest, null when the target has no manifest
 *     (an image read from the daemon or an archive)
 * @param layersAsTars for apply: the output stores layer tars (the daemon, a docker-archive), not
 *     blobs: every layer tar was checked against its diff_id, and blob bytes and manifest digests do
 *     not exist there, so each layer's {@code why} says so and {@code blobExact} claims nothing
 * @param platforms for a delta of two image indexes, one entry per target platform, in the target
 *     index's order; empty for a delta of two images. For an index the other fields speak of the
 *     indexes: the image IDs are the source and target index digests, {@code manifestDigest} the
 *     index written (the delta index on diff, the restored index on apply), {@code targetManifestDigest}
 *     the target index's digest, {@code manifestExact} whether the restored index has that digest
 *     (on diff: will have), the sizes are the platforms' sums and {@code layers} is empty
 */
public record ImageDeltaSummary(
    Digest sourceImageId,
    Digest targetImageId,
    long sourceBytes,
    long targetBytes,
    long deltaBytes,
    List<LayerSummary> layers,
    List<FileDecision> topFiles,
    Digest manifestDigest,
    boolean manifestExact,
    List<String> notes,
    long elapsedNanos,
    Digest targetManifestDigest,
    boolean layersAsTars,
    List<PlatformSummary> platforms) {

  /**
   * What a summary describes, which decides what its per-layer reasons can truthfully say: blobs
   * matter where the output stores them (a registry, an OCI layout), and not where it stores tars.
   */
  public enum Described {
    /** A diff: what apply will write into an output that stores blobs. */
    DIFF,
    /** An apply into an output that stores compressed blobs and a manifest (a registry, an OCI layout). */
    APPLY_INTO_BLOBS,
    /** An apply into an output that stores layer tars (the Docker daemon, a docker-archive). */
    APPLY_INTO_TARS
  }

  public ImageDeltaSummary {
    platforms = platforms == null ? List.of() : List.copyOf(platforms);
  }

  /** A summary of one image's delta (no platforms). */
  public ImageDeltaSummary(
      Digest sourceImageId,
      Digest targetImageId,
      long sourceBytes,
      long targetBytes,
      long deltaBytes,
      List<LayerSummary> layers,
      List<FileDecision> topFiles,
      Digest manifestDigest,
      boolean manifestExact,
      List<String> notes,
      long elapsedNanos,
      Digest targetManifestDigest) {
    this(
        sourceImageId,
        targetImageId,
        sourceBytes,
        targetBytes,
        deltaBytes,
        layers,
        topFiles,
        manifestDigest,
        manifestExact,
        notes,
        elapsedNanos,
        targetManifestDigest,
        false,
        List.of());
  }

  /**
   * One platform of an index delta.
   *
   * @param platform the target entry's platform as {@code OS/ARCH[/VARIANT]} (its digest's short form
   *     when the entry names none)
   * @param targetManifestDigest the target's manifest for this platform
   * @param delta what the platform's delta did, or null when the platform is carried whole (the
   *     source has no such platform)
   * @param wholeBytes for a platform carried whole, its layer blobs' size; else 0
   * @param manifestExact whether this platform's manifest is (on diff: will be) the target's
   */
  public record PlatformSummary(
      String platform,
      Digest targetManifestDigest,
      ImageDeltaSummary delta,
      long wholeBytes,
      boolean manifestExact) {

    public boolean carriedWhole() {
      return delta == null;
    }
  }

  /** This summary with one more note. */
  public ImageDeltaSummary withNote(String note) {
    List<String> more = new ArrayList<>(notes);
    more.add(note);
    return new ImageDeltaSummary(
        sourceImageId,
        targetImageId,
        sourceBytes,
        targetBytes,
        deltaBytes,
        layers,
        topFiles,
        manifestDigest,
        manifestExact,
        more,
        elapsedNanos,
        targetManifestDigest,
        layersAsTars,
        platforms);
  }

  /** Whether this summarises a delta of two image indexes. */
  public boolean ofIndex() {
    return !platforms.isEmpty();
  }

  /** The summary as the diff and apply loops make it; {@link #describingTarget} adds what the target's layer list says. */
  public ImageDeltaSummary(
      Digest sourceImageId,
      Digest targetImageId,
      long sourceBytes,
      long targetBytes,
      long deltaBytes,
      List<LayerSummary> layers,
      List<FileDecision> topFiles,
      Digest manifestDigest,
      boolean manifestExact,
      List<String> notes,
      long elapsedNanos) {
    this(
        sourceImageId,
        targetImageId,
        sourceBytes,
        targetBytes,
        deltaBytes,
        layers,
        topFiles,
        manifestDigest,
        manifestExact,
        notes,
        elapsedNanos,
        null,
        false,
        List.of());
  }

  /**
   * One target layer.
   *
   * @param diffId its diff_id
   * @param tarBytes its uncompressed size (-1 when not read)
   * @param storedBytes the bytes the delta holds for it (0 when the source has it; -1 when not known, on apply)
   * @param fromSource whether the source has it (same diff_id)
   * @param blobExact whether its blob (so the manifest) is, or will be, the target's own; for an
   *     output that stores tars, true: no blob is written, and the tar is the target's (checked)
   * @param blobBytes its blob's size as the target stores it (-1 when not known)
   * @param compressed whether that blob is compressed (false for images read from the daemon or an archive)
   * @param blobInSource whether the source stores this very blob (same digest), so a registry holding
   *     the source already has it
   * @param why how apply comes by its blob (for an output that stores tars: by its tar), in a few words
   * @param engine the engine that encoded its stream, when this run encoded it (a diff), else null
   */
  public record LayerSummary(
      Digest diffId,
      long tarBytes,
      long storedBytes,
      boolean fromSource,
      boolean blobExact,
      long blobBytes,
      boolean compressed,
      boolean blobInSource,
      String why,
      DeltaEngine engine) {

    /** A layer before {@link ImageDeltaSummary#describingTarget} adds what the target's manifest tells. */
    public LayerSummary(
        Digest diffId, long tarBytes, long storedBytes, boolean fromSource, boolean blobExact) {
      this(diffId, tarBytes, storedBytes, fromSource, blobExact, -1, false, false, null, null);
    }

    /** This layer, as encoded by {@code encodedBy}. */
    public LayerSummary encodedBy(DeltaEngine encodedBy) {
      return new LayerSummary(
          diffId,
          tarBytes,
          storedBytes,
          fromSource,
          blobExact,
          blobBytes,
          compressed,
          blobInSource,
          why,
          encodedBy);
    }
  }

  /**
   * A layer as a manifest lists it: what {@link #describingTarget} compares.
   *
   * @param digest the blob's digest
   * @param size the blob's size in bytes
   * @param compressed whether the blob is compressed (gzip), not a plain tar
   */
  public record Blob(Digest digest, long size, boolean compressed) {}

  /**
   * Adds what the target's layer list tells: blob sizes, which blobs the source already stores, why
   * each blob is or is not the target's own, and the target's manifest digest.
   *
   * @param sourceLayers the source's layer blobs (linked or given)
   * @param targetLayers the target's layer blobs, as its manifest lists them, in the order of {@link
   *     #layers()}
   * @param targetManifest the target's own manifest digest, or null
   * @param described a diff (what apply will write: a shared layer keeps the target's blob only when
   *     the source stores the same one), or an apply (the layers' {@code blobExact} is what was
   *     written) into blobs or into tars
   */
  public ImageDeltaSummary describingTarget(
      List<Blob> sourceLayers,
      List<Blob> targetLayers,
      Digest targetManifest,
      Described described) {
    boolean applied = described != Described.DIFF;
    boolean tars = described == Described.APPLY_INTO_TARS;
    Set<Digest> sourceBlobs = new HashSet<>();
    sourceLayers.forEach(l -> sourceBlobs.add(l.digest()));
    List<LayerSummary> withTarget = new ArrayList<>(layers.size());
    boolean allExact = true;
    for (int i = 0; i < layers.size(); i++) {
      LayerSummary l = layers.get(i);
      Blob target = i < targetLayers.size() ? targetLayers.get(i) : null;
      boolean compressed = target != null && target.compressed();
      boolean inSource = target != null && sourceBlobs.contains(target.digest());
      boolean exact = applied || !l.fromSource() ? l.blobExact() : inSource;
      allExact &= exact;
      withTarget.add(new LayerSummary(
          l.diffId(),
          l.tarBytes(),
          l.storedBytes(),
          l.fromSource(),
          exact,
          target == null ? -1 : target.size(),
          compressed,
          inSource,
          tars ? whyTar(l.fromSource()) : why(l.fromSource(), inSource, compressed, exact, applied),
          l.engine()));
    }
    boolean exactManifest = applied ? manifestExact : targetManifest != null && allExact;
    return new ImageDeltaSummary(
        sourceImageId,
        targetImageId,
        sourceBytes,
        targetBytes,
        deltaBytes,
        List.copyOf(withTarget),
        topFiles,
        manifestDigest,
        exactManifest,
        notes,
        elapsedNanos,
        targetManifest,
        tars,
        platforms);
  }

  /**
   * For an output that stores tars: what is true whatever the blobs are. Apply checks every layer
   * tar against its diff_id before anything is written; the output never sees a compressed blob.
   */
  private static String whyTar(boolean fromSource) {
    return (fromSource
            ? "shared with the source: its tar taken from the source's layer"
            : "rebuilt from the delta")
        + " and checked against its diff_id; this output stores layer tars, so blob bytes are not used";
  }

  private static String why(
      boolean fromSource, boolean inSource, boolean compressed, boolean exact, boolean applied) {
    if (fromSource && inSource) {
      return applied
          ? "shared with the source: its blob passed through"
          : "shared with the source: the same blob, kept";
    }
    if (fromSource) {
      return exact
          ? "shared with the source, which stores it in another blob: recompressed to the target's blob"
          : "shared with the source, which stores it in another blob (other compression): "
              + (applied ? "written" : "will get") + " a new blob";
    }
    if (!compressed) {
      return "rebuilt from the delta; stored uncompressed, so its blob is its tar";
    }
    return exact
        ? "rebuilt from the delta; its blob " + (applied ? "was" : "is")
            + " rebuilt by the compressor that made it"
        : "rebuilt from the delta; no known compressor rebuilds its blob, so "
            + (applied ? "it got" : "it gets") + " a new blob";
  }

  /** The target's layer blobs, all layers, as its transport stores them (-1 when a size is not known). */
  public long targetStoredBytes() {
    return ofIndex() ? sumPlatforms(false) : sumBlobs(false);
  }

  /** The target's blobs the source does not store: what a registry holding the source would store without a delta. */
  public long newLayersStoredBytes() {
    return ofIndex() ? sumPlatforms(true) : sumBlobs(true);
  }

  /** For an index: per platform, its delta's figure, or the blobs of a platform carried whole. */
  private long sumPlatforms(boolean newOnly) {
    long total = 0;
    for (PlatformSummary p : platforms) {
      long bytes = p.carriedWhole()
          ? p.wholeBytes()
          : newOnly ? p.delta().newLayersStoredBytes() : p.delta().targetStoredBytes();
      if (bytes < 0) {
        return -1;
      }
      total += bytes;
    }
    return total;
  }

  /** How many target layers have blobs the source does not store. */
  public int newLayers() {
    if (ofIndex()) {
      return platforms.stream()
          .mapToInt(p -> p.carriedWhole() ? 0 : p.delta().newLayers())
          .sum();
    }
    return (int) layers.stream().filter(l -> !l.blobInSource()).count();
  }

  /** Whether every target blob is compressed (false: the sizes are tars, as the daemon or an archive holds them). */
  public boolean targetCompressed() {
    if (ofIndex()) {
      return platforms.stream().allMatch(p -> p.carriedWhole() || p.delta().targetCompressed());
    }
    return !layers.isEmpty() && layers.stream().allMatch(LayerSummary::compressed);
  }

  /** The delta layer per stored target byte. */
  public double ratio() {
    long target = targetStoredBytes();
    return target <= 0 ? 0 : (double) deltaBytes / target;
  }

  /** The delta layer per new-layer byte: what the delta saves over pushing the new layers. */
  public double newLayersRatio() {
    long fresh = newLayersStoredBytes();
    return fresh <= 0 ? 0 : (double) deltaBytes / fresh;
  }

  /** The layers whose blob is not, or will not be, the target's own. */
  public List<LayerSummary> inexactLayers() {
    return layers.stream().filter(l -> !l.blobExact()).toList();
  }

  private long sumBlobs(boolean onlyNew) {
    long total = 0;
    for (LayerSummary l : layers) {
      if (onlyNew && l.blobInSource()) {
        continue;
      }
      if (l.blobBytes() < 0) {
        return -1;
      }
      total += l.blobBytes();
    }
    return total;
  }
}
