package io.github.deltaimage.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The summary lines the Maven goals and the command line both print, so the two say the same thing
 * in the same words: the sizes users compare, then what apply restores (or will restore).
 */
public final class SummaryText {
  private SummaryText() {}

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
          ByteSizes.format(s.targetStoredBytes()),
          ByteSizes.format(s.newLayersStoredBytes()),
          count(s.newLayers(), "blob"),
          s.platforms().stream().anyMatch(ImageDeltaSummary.PlatformSummary::carriedWhole)
              ? ", and the platforms carried whole"
              : "",
          ByteSizes.format(s.deltaBytes()),
          percent(s.ratio(), s.targetStoredBytes()),
          percent(s.newLayersRatio(), s.newLayersStoredBytes()));
    }
    String stored =
        s.targetCompressed() ? "compressed" : "as tars, as the daemon or an archive holds them";
    return String.format(
        Locale.ROOT,
        "Target %s (%s, %s); new layers %s (%s the source does not store); delta layer %s:"
            + " %s of the target, %s of the new layers",
        ByteSizes.format(s.targetStoredBytes()),
        count(s.layers().size(), "layer blob"),
        stored,
        ByteSizes.format(s.newLayersStoredBytes()),
        count(s.newLayers(), "blob"),
        ByteSizes.format(s.deltaBytes()),
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
    if (s.layersAsTars()) {
      return id + " (every layer tar checked against its diff_id; the destination stores tars and"
          + " no manifest, so there is no manifest digest to compare"
          + (s.targetManifestDigest() == null
              ? ")"
              : ": the target's is " + s.targetManifestDigest() + ")");
    }
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
      return p.platform() + ": only in the target, carried whole ("
          + ByteSizes.format(p.wholeBytes()) + " of layer blobs); " + manifest;
    }
    ImageDeltaSummary d = p.delta();
    return p.platform() + ": image " + d.targetImageId().shortHex() + ", delta layer "
        + ByteSizes.format(d.deltaBytes()) + " for " + count(d.newLayers(), "new layer blob")
        + " of "
        + ByteSizes.format(d.newLayersStoredBytes()) + "; " + manifest;
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

  /** One line per target layer: its sizes and how it is (or will be) had, in the summary's terms. */
  public static List<String> layers(ImageDeltaSummary s) {
    List<String> lines = new ArrayList<>(s.layers().size());
    for (int i = 0; i < s.layers().size(); i++) {
      ImageDeltaSummary.LayerSummary l = s.layers().get(i);
      lines.add(s.layersAsTars() ? tarLayer(i + 1, l) : layer(i + 1, l));
    }
    return lines;
  }

  /** One layer as an output that stores blobs gets it. */
  public static String layer(int index, ImageDeltaSummary.LayerSummary l) {
    String stored = deltaBytes(l);
    String tar = l.tarBytes() < 0 ? "" : ", tar " + ByteSizes.format(l.tarBytes());
    return String.format(
        Locale.ROOT,
        "layer %d %s: blob %s%s%s; %s",
        index,
        shortHex(l.diffId()),
        ByteSizes.format(l.blobBytes()),
        tar,
        stored,
        l.why() == null ? "" : l.why());
  }

  /** One layer as an output that stores tars gets it: the tar first, the target's blob only for scale. */
  private static String tarLayer(int index, ImageDeltaSummary.LayerSummary l) {
    String stored = deltaBytes(l);
    return String.format(
        Locale.ROOT,
        "layer %d %s: tar %s (the target's blob %s)%s; %s",
        index,
        shortHex(l.diffId()),
        ByteSizes.format(l.tarBytes()),
        ByteSizes.format(l.blobBytes()),
        stored,
        l.why() == null ? "" : l.why());
  }

  /**
   * The delta bytes of a rebuilt layer and the engine that made them; nothing for a shared one, or
   * on apply, where they are not known.
   */
  private static String deltaBytes(ImageDeltaSummary.LayerSummary l) {
    return l.fromSource() || l.storedBytes() < 0
        ? ""
        : ", delta bytes " + ByteSizes.format(l.storedBytes())
            + (l.engine() == null ? "" : " (" + l.engine().label() + ")");
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
