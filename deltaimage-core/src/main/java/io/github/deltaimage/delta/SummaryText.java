package io.github.deltaimage.delta;

import io.github.deltaimage.image.Digest;
import java.util.List;
import java.util.Locale;

/**
 * The summary lines the Maven goals and the command line both print, so the two say the same thing
 * in the same words: the sizes users compare, then what apply restores (or will restore).
 */
public final class SummaryText {
  private SummaryText() {}

  /** Bytes as people read them (SI units, as registries and {@code docker images} show them). */
  public static String bytes(long n) {
    if (n < 0) {
      return "?";
    }
    if (n < 1_000) {
      return n + " B";
    }
    if (n < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
    }
    if (n < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f GB", n / 1e9);
  }

  /**
   * The sizes: the target as stored, the new layers a registry holding the source would store
   * without a delta, the delta layer, and both ratios. The same line for diff and apply.
   */
  public static String sizes(ImageDeltaSummary s) {
    if (s.ofIndex()) {
      return String.format(
          Locale.ROOT,
          "Index of %s: target %s; new layers %s (%s%s);"
              + " delta %s: %s of the target, %s of the new layers",
          count(s.platforms().size(), "platform"),
          bytes(s.targetStoredBytes()),
          bytes(s.newLayersStoredBytes()),
          count(s.newLayers(), "blob"),
          s.platforms().stream().anyMatch(ImageDeltaSummary.PlatformSummary::carriedWhole)
              ? ", and the platforms carried whole"
              : "",
          bytes(s.deltaBytes()),
          percent(s.ratio(), s.targetStoredBytes()),
          percent(s.newLayersRatio(), s.newLayersStoredBytes()));
    }
    String stored =
        s.targetCompressed() ? "compressed" : "as tars, as the daemon or an archive holds them";
    return String.format(
        Locale.ROOT,
        "Target %s (%s, %s); new layers %s (%s the source does not store); delta layer %s:"
            + " %s of the target, %s of the new layers",
        bytes(s.targetStoredBytes()),
        count(s.layers().size(), "layer blob"),
        stored,
        bytes(s.newLayersStoredBytes()),
        count(s.newLayers(), "blob"),
        bytes(s.deltaBytes()),
        percent(s.ratio(), s.targetStoredBytes()),
        percent(s.newLayersRatio(), s.newLayersStoredBytes()));
  }

  /** For diff: what apply will reproduce (the image ID always; the manifest digest when every blob allows). */
  public static String willReproduce(ImageDeltaSummary s) {
    if (s.ofIndex()) {
      return s.manifestExact()
          ? "Apply will restore index " + s.targetManifestDigest()
              + " byte for byte (every platform's manifest exactly)"
          : "Apply will restore every platform's image ID, but not index digest "
              + s.targetManifestDigest() + ": platforms " + inexactPlatforms(s)
              + " will get new manifests, so a new index names them";
    }
    String id = "Apply will restore image ID " + s.targetImageId();
    if (s.targetManifestDigest() == null) {
      return id
          + "; the target has no manifest digest to compare (read from the daemon or an archive)";
    }
    if (s.manifestExact()) {
      return id + " and manifest digest " + s.targetManifestDigest()
          + " (every layer blob is kept or rebuilt exactly)";
    }
    return id + ", not manifest digest " + s.targetManifestDigest() + ": "
        + inexact(s.inexactLayers(), s.layers().size());
  }

  /** For apply: the restored manifest digest next to the target's. */
  public static String restored(ImageDeltaSummary s, String output) {
    if (s.ofIndex()) {
      String index = "Restored index " + s.manifestDigest() + " of "
          + count(s.platforms().size(), "platform") + " into " + output;
      return s.manifestExact()
          ? index + " = the target's"
          : index + ", the target's is " + s.targetManifestDigest() + ": platforms "
              + inexactPlatforms(s) + " got new manifests";
    }
    String id = "Restored image ID " + s.targetImageId() + " into " + output;
    if (s.manifestDigest() == null) {
      return id + " (the destination keeps no manifest"
          + (s.targetManifestDigest() == null
              ? ")"
              : "; the target's manifest digest is " + s.targetManifestDigest() + ")");
    }
    if (s.targetManifestDigest() == null) {
      return id + " with manifest " + s.manifestDigest()
          + " (the target had none: it was read from the daemon or an archive)";
    }
    if (s.manifestExact()) {
      return id + " with manifest " + s.manifestDigest() + " = the target's";
    }
    List<ImageDeltaSummary.LayerSummary> inexact = s.inexactLayers();
    return id + " with manifest " + s.manifestDigest() + ", the target's is "
        + s.targetManifestDigest() + ": "
        + (inexact.isEmpty()
            ? "every layer blob is the target's; the destination stores the manifest in its own format"
            : inexact(inexact, s.layers().size()));
  }

  private static List<String> inexactPlatforms(ImageDeltaSummary s) {
    return s.platforms().stream()
        .filter(p -> !p.manifestExact())
        .map(ImageDeltaSummary.PlatformSummary::platform)
        .toList();
  }

  /**
   * One line for one platform of an index delta: how it travels, its sizes and whether its manifest
   * is (or will be) the target's.
   */
  public static String platform(ImageDeltaSummary.PlatformSummary p, boolean applied) {
    String manifest = p.manifestExact()
        ? "manifest " + p.targetManifestDigest().shortHex() + " "
            + (applied ? "restored exactly" : "will be restored exactly")
        : "manifest " + (applied ? "new" : "will be new") + " (the target's is "
            + p.targetManifestDigest().shortHex() + ")";
    if (p.carriedWhole()) {
      return p.platform() + ": only in the target, carried whole (" + bytes(p.wholeBytes())
          + " of layer blobs); " + manifest;
    }
    ImageDeltaSummary d = p.delta();
    return p.platform() + ": image " + d.targetImageId().shortHex() + ", delta layer "
        + bytes(d.deltaBytes()) + " for " + count(d.newLayers(), "new layer blob") + " of "
        + bytes(d.newLayersStoredBytes()) + "; " + manifest;
  }

  /** One line for every layer whose blob is not the target's, however many there are. */
  static String inexact(List<ImageDeltaSummary.LayerSummary> inexact, int layers) {
    StringBuilder out = new StringBuilder();
    out.append(inexact.size()).append(" of ").append(layers).append(" layer blobs differ (");
    for (int i = 0; i < inexact.size(); i++) {
      ImageDeltaSummary.LayerSummary l = inexact.get(i);
      out.append(i == 0 ? "" : "; ").append(shortHex(l.diffId())).append(": ").append(l.why());
    }
    return out.append(')').toString();
  }

  /** One layer, for per-layer listings. */
  public static String layer(int index, ImageDeltaSummary.LayerSummary l) {
    String stored = l.fromSource() ? "" : ", delta bytes " + bytes(l.storedBytes());
    String tar = l.tarBytes() < 0 ? "" : ", tar " + bytes(l.tarBytes());
    return String.format(
        Locale.ROOT,
        "layer %d %s: blob %s%s%s; %s",
        index,
        shortHex(l.diffId()),
        bytes(l.blobBytes()),
        tar,
        stored,
        l.why() == null ? "" : l.why());
  }

  private static String shortHex(Digest d) {
    return d.shortHex();
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  private static String percent(double ratio, long of) {
    return of <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f %%", ratio * 100);
  }
}
