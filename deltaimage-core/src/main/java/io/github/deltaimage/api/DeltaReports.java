package io.github.deltaimage.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reports an image diff or apply leaves (the Maven goals in {@code target/deltaimage/}, the
 * command line where {@code --report} says): {@code diff|apply-report.json} for machines (release
 * pipelines read sizes and digests from it) and {@code diff|apply-report.html} for people, with a bar
 * chart of where the delta bytes go (per layer, then the costliest files). One class for both front
 * ends, so both write the same fields.
 */
public final class DeltaReports {

  /**
   * What was asked, in the user's words; the summary says what came of it.
   *
   * @param goal {@code diff} or {@code apply}: names the files
   * @param images the images by role (source, target, delta, output, candidates), as the user gave them
   * @param unlinked whether the delta is (or was made) unlinked
   * @param toolVersion the deltaimage version that ran
   */
  public record Run(
      String goal, Map<String, String> images, boolean unlinked, String toolVersion) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DeltaReports() {}

  /** Writes both reports; returns the JSON one's path. */
  public static Path write(Path directory, Run run, ImageDeltaSummary summary) {
    try {
      Files.createDirectories(directory);
      Path json = directory.resolve(run.goal() + "-report.json");
      Files.write(json, JSON.writeValueAsBytes(toJson(run, summary)));
      Files.writeString(
          directory.resolve(run.goal() + "-report.html"),
          toHtml(run, summary),
          StandardCharsets.UTF_8);
      return json;
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write the reports to " + directory + ": " + e.getMessage(), e);
    }
  }

  static ObjectNode toJson(Run run, ImageDeltaSummary summary) {
    ObjectNode root = JSON.createObjectNode();
    root.put("goal", run.goal());
    root.put("deltaimageVersion", run.toolVersion());
    ObjectNode images = root.putObject("images");
    run.images().forEach(images::put);
    root.put("unlinked", run.unlinked());
    root.put("sourceImageId", String.valueOf(summary.sourceImageId()));
    root.put("targetImageId", String.valueOf(summary.targetImageId()));
    ObjectNode sizes = root.putObject("sizes");
    sizes.put("targetStoredBytes", summary.targetStoredBytes());
    sizes.put("targetLayers", summary.layers().size());
    sizes.put("targetCompressed", summary.targetCompressed());
    sizes.put("newLayersStoredBytes", summary.newLayersStoredBytes());
    sizes.put("newLayers", summary.newLayers());
    sizes.put("deltaLayerBytes", summary.deltaBytes());
    sizes.put("deltaPerTarget", summary.ratio());
    sizes.put("deltaPerNewLayers", summary.newLayersRatio());
    sizes.put("sourceTarBytes", summary.sourceBytes());
    sizes.put("rebuiltTarBytes", summary.targetBytes());
    // The two figures pipelines read most, at the top as before.
    root.put("deltaBytes", summary.deltaBytes());
    root.put("ratio", summary.ratio());
    root.put("elapsedSeconds", summary.elapsedNanos() / 1e9);
    if ("diff".equals(run.goal())) {
      if (summary.manifestDigest() != null) {
        root.put("deltaManifestDigest", summary.manifestDigest().toString());
      }
      ObjectNode will = root.putObject("applyWillReproduce");
      will.put("imageId", String.valueOf(summary.targetImageId()));
      will.put("manifestDigest", summary.manifestExact());
      if (summary.targetManifestDigest() != null) {
        will.put("targetManifestDigest", summary.targetManifestDigest().toString());
      }
      ArrayNode why = will.putArray("layers");
      for (ImageDeltaSummary.LayerSummary layer : summary.layers()) {
        why.addObject()
            .put("diffId", layer.diffId().toString())
            .put("blobExact", layer.blobExact())
            .put("why", layer.why());
      }
    } else {
      if (summary.manifestDigest() != null) {
        root.put("restoredManifestDigest", summary.manifestDigest().toString());
      }
      if (summary.targetManifestDigest() != null) {
        root.put("targetManifestDigest", summary.targetManifestDigest().toString());
      }
      root.put("manifestExact", summary.manifestExact());
      // The daemon and docker-archive store tars: there the layers' blob fields claim nothing.
      root.put("layersWrittenAs", summary.layersAsTars() ? "tars" : "blobs");
    }
    ArrayNode layers = root.putArray("layers");
    for (ImageDeltaSummary.LayerSummary layer : summary.layers()) {
      ObjectNode l = layers.addObject();
      l.put("diffId", layer.diffId().toString());
      l.put("blobBytes", layer.blobBytes());
      l.put("compressed", layer.compressed());
      l.put("tarBytes", layer.tarBytes());
      l.put("storedBytes", layer.storedBytes());
      l.put("fromSource", layer.fromSource());
      l.put("blobInSource", layer.blobInSource());
      if (summary.layersAsTars()) {
        // No blob was written; apply checked the tar against the diff_id before writing anything.
        l.putNull("blobExact");
        l.put("tarChecked", true);
      } else {
        l.put("blobExact", layer.blobExact());
      }
      l.put("why", layer.why());
      if (layer.engine() != null) {
        l.put("engine", layer.engine().label());
      }
    }
    ArrayNode files = root.putArray("topFiles");
    for (FileDecision file : summary.topFiles()) {
      ObjectNode f = files.addObject();
      f.put("path", file.path());
      f.put("outcome", file.outcome().name());
      f.put("targetBytes", file.targetSize());
      f.put("storedBytes", file.storedSize());
      if (file.reason() != null) {
        f.put("reason", file.reason());
      }
    }
    if (summary.ofIndex()) {
      // For an index the image IDs and manifest digests above are the indexes' digests.
      root.put("index", true);
      ArrayNode platforms = root.putArray("platforms");
      for (ImageDeltaSummary.PlatformSummary p : summary.platforms()) {
        ObjectNode o = platforms.addObject();
        o.put("platform", p.platform());
        o.put("targetManifestDigest", p.targetManifestDigest().toString());
        o.put("carriedWhole", p.carriedWhole());
        o.put("manifestExact", p.manifestExact());
        if (p.carriedWhole()) {
          o.put("blobBytes", p.wholeBytes());
        } else {
          o.put("targetImageId", p.delta().targetImageId().toString());
          o.put("deltaLayerBytes", p.delta().deltaBytes());
          o.put("targetStoredBytes", p.delta().targetStoredBytes());
          o.put("newLayersStoredBytes", p.delta().newLayersStoredBytes());
        }
      }
    }
    ArrayNode notes = root.putArray("notes");
    summary.notes().forEach(notes::add);
    return root;
  }

  /** One bar of the chart. */
  private record Bar(String label, long value, String detail) {}

  static String toHtml(Run run, ImageDeltaSummary summary) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>deltaimage:")
        .append(run.goal())
        .append("</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse}td,th{padding:.2em .8em;text-align:left;border-bottom:1px solid #ddd}"
            + "td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:90%;overflow-wrap:anywhere}"
            + "table.chart{width:100%;max-width:1100px;table-layout:fixed}"
            + "table.chart td{border:0;vertical-align:top;font-size:12px;padding:.15em .5em}"
            + "table.chart td.label{width:35%;text-align:right;overflow-wrap:anywhere}"
            + "table.chart div.fill{background:#3b7dd8;height:14px;min-width:0}"
            + "table.chart div.detail{color:#555;overflow-wrap:anywhere}</style></head><body>\n");
    h.append("<h1>deltaimage:").append(run.goal()).append("</h1>\n<table>\n");
    run.images().forEach((role, ref) -> row(h, role, "<code>" + esc(ref) + "</code>"));
    row(h, "source image ID", "<code>" + esc(String.valueOf(summary.sourceImageId())) + "</code>");
    row(h, "target image ID", "<code>" + esc(String.valueOf(summary.targetImageId())) + "</code>");
    row(
        h,
        "target, as stored",
        ByteSizes.format(summary.targetStoredBytes()) + " (" + summary.layers().size()
            + " layer blobs"
            + (summary.targetCompressed()
                ? ", compressed)"
                : ", tars as the daemon or an archive holds them)"));
    row(
        h,
        "new layers",
        ByteSizes.format(summary.newLayersStoredBytes()) + " (" + summary.newLayers()
            + " blobs the source does not store: what a registry holding the source stores without a delta)");
    row(
        h,
        "delta layer",
        ByteSizes.format(summary.deltaBytes())
            + String.format(
                Locale.ROOT,
                " (%.2f %% of the target, %.2f %% of the new layers)",
                summary.ratio() * 100,
                summary.newLayersRatio() * 100));
    row(h, "time", String.format(Locale.ROOT, "%.1f s", summary.elapsedNanos() / 1e9));
    if ("diff".equals(run.goal())) {
      if (summary.manifestDigest() != null) {
        row(
            h,
            "the delta image's own manifest",
            "<code>" + esc(summary.manifestDigest().toString()) + "</code>");
      }
      row(
          h,
          "apply will reproduce",
          "image ID: yes; manifest digest: "
              + (summary.manifestExact()
                  ? "yes"
                  : summary.targetManifestDigest() == null
                      ? "the target has none"
                      : "no (see the layers below)"));
    } else {
      if (summary.manifestDigest() != null) {
        row(
            h,
            "restored manifest",
            "<code>" + esc(summary.manifestDigest().toString()) + "</code>");
      }
      if (summary.targetManifestDigest() != null) {
        row(
            h,
            "target manifest",
            "<code>" + esc(summary.targetManifestDigest().toString()) + "</code> "
                + (summary.manifestExact()
                    ? "(equal)"
                    : summary.layersAsTars()
                        ? "(the destination stores layer tars and no manifest)"
                        : summary.manifestDigest() == null
                            ? "(the destination keeps no manifest)"
                            : "(differs)"));
      }
      row(
          h,
          "layers written as",
          summary.layersAsTars()
              ? "tars, each checked against its diff_id (blob bytes are not used by this output)"
              : "blobs; the chart below says per layer how each was had");
    }
    h.append("</table>\n");

    List<Bar> layerBars = new ArrayList<>();
    int n = 0;
    for (ImageDeltaSummary.LayerSummary layer : summary.layers()) {
      n++;
      String label = "layer " + n + " " + layer.diffId().shortHex();
      String why = layer.why() == null ? "" : ": " + layer.why();
      if (layer.fromSource()) {
        layerBars.add(new Bar(
            label,
            0,
            layer.why() == null
                ? "in the source: nothing in the delta"
                : "nothing in the delta; " + layer.why()));
      } else if (layer.storedBytes() >= 0) {
        layerBars.add(new Bar(
            label,
            layer.storedBytes(),
            ByteSizes.format(layer.storedBytes()) + " stored for "
                + ByteSizes.format(layer.tarBytes()) + why));
      } else {
        layerBars.add(new Bar(label, layer.tarBytes(), ByteSizes.format(layer.tarBytes()) + why));
      }
    }
    h.append(
        "diff".equals(run.goal())
            ? "<h2>Where the delta bytes go, per target layer</h2>\n"
            : "<h2>Restored layers</h2>\n");
    chart(h, layerBars);
    if (!summary.topFiles().isEmpty()) {
      List<Bar> fileBars = new ArrayList<>();
      for (FileDecision file : summary.topFiles()) {
        fileBars.add(new Bar(
            file.path(),
            file.storedSize(),
            ByteSizes.format(file.storedSize()) + " for " + ByteSizes.format(file.targetSize())
                + ", " + file.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ')));
      }
      h.append("<h2>The files that cost the most delta bytes</h2>\n");
      chart(h, fileBars);
    }
    if (!summary.notes().isEmpty()) {
      h.append("<h2>Notes</h2>\n<ul>\n");
      summary.notes().forEach(note -> h.append("<li>").append(esc(note)).append("</li>\n"));
      h.append("</ul>\n");
    }
    h.append("<p><small>deltaimage ")
        .append(esc(run.toolVersion()))
        .append("</small></p>\n</body></html>\n");
    return h.toString();
  }

  private static void row(StringBuilder h, String name, String valueHtml) {
    h.append("<tr><th>")
        .append(esc(name))
        .append("</th><td>")
        .append(valueHtml)
        .append("</td></tr>\n");
  }

  /**
   * A horizontal bar chart as a table with CSS bars: no script, no external resource, opens
   * anywhere; labels and details wrap inside their cells (a long path breaks anywhere) instead of
   * running past the chart, whatever the window's width.
   */
  private static void chart(StringBuilder h, List<Bar> bars) {
    long max = Math.max(1, bars.stream().mapToLong(Bar::value).max().orElse(1));
    h.append("<table class=\"chart\">\n");
    for (Bar bar : bars) {
      double percent = bar.value() <= 0 ? 0 : Math.max(0.2, bar.value() * 100.0 / max);
      h.append("<tr><td class=\"label\">")
          .append(esc(bar.label()))
          .append("</td><td class=\"bar\">")
          .append(String.format(
              Locale.ROOT, "<div class=\"fill\" style=\"width:%.1f%%\"></div>", percent))
          .append("<div class=\"detail\">")
          .append(esc(bar.detail()))
          .append("</div></td></tr>\n");
    }
    h.append("</table>\n");
  }

  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
