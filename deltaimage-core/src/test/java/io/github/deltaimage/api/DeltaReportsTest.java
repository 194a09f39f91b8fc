package io.github.deltaimage.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaReportsTest {

  @TempDir
  Path dir;

  private static Digest digest(String s) {
    return Digest.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Layer gz(String diffId, String blob, long size) {
    return new Layer(
        digest(diffId), digest(blob), size, MediaTypes.DOCKER_LAYER_GZIP, Compression.GZIP);
  }

  static final String LONG_PATH =
      "usr/share/app/lib/" + "very-long-directory-name/".repeat(6) + "commons-lang3-3.18.0.jar";

  /** Three target layers: one shared blob for blob, one shared but stored in another blob by the source, one rebuilt. */
  static ImageDeltaSummary summary(boolean applied) {
    return summary(
        applied ? ImageDeltaSummary.Described.APPLY_INTO_BLOBS : ImageDeltaSummary.Described.DIFF);
  }

  static ImageDeltaSummary summary(ImageDeltaSummary.Described described) {
    boolean applied = described != ImageDeltaSummary.Described.DIFF;
    boolean tars = described == ImageDeltaSummary.Described.APPLY_INTO_TARS;
    List<Layer> source = List.of(gz("l1", "b1", 30_000_000), gz("l2", "b2-docker", 2_100_000));
    List<Layer> target = List.of(
        gz("l1", "b1", 30_000_000), gz("l2", "b2-jib", 2_000_000), gz("l3", "b3", 1_000_000));
    List<ImageDeltaSummary.LayerSummary> layers = List.of(
        new ImageDeltaSummary.LayerSummary(digest("l1"), applied ? 80_000_000 : -1, 0, true, true),
        new ImageDeltaSummary.LayerSummary(digest("l2"), applied ? 5_000_000 : -1, 0, true, false),
        new ImageDeltaSummary.LayerSummary(digest("l3"), 3_000_000, 400_000, false, true));
    return new ImageDeltaSummary(
            digest("source"),
            digest("target"),
            85_000_000,
            3_000_000,
            500_000,
            layers,
            List.of(
                new FileDecision("etc/<odd>&name", FileDecision.Outcome.DELTA, 500, 30, null),
                new FileDecision(LONG_PATH, FileDecision.Outcome.DELTA, 900_000, 300_000, null)),
            tars ? null : digest(applied ? "restored-manifest" : "delta-manifest"),
            false,
            List.of("a note"),
            2_500_000_000L)
        .describingTarget(
            Layer.summaryBlobs(source),
            Layer.summaryBlobs(target),
            digest("target-manifest"),
            described);
  }

  @Test
  void diffReportSaysWhatApplyWillReproduceAndNamesTheDeltasOwnManifest() throws Exception {
    Path json = DeltaReports.write(
        dir,
        new DeltaReports.Run("diff", Map.of("source", "oci:/a:1"), false, "test-version"),
        summary(false));

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(json.getFileName()).hasToString("diff-report.json");
    assertThat(report.path("deltaimageVersion").asText()).isEqualTo("test-version");
    assertThat(report.path("images").path("source").asText()).isEqualTo("oci:/a:1");
    JsonNode sizes = report.path("sizes");
    assertThat(sizes.path("targetStoredBytes").asLong()).isEqualTo(33_000_000);
    assertThat(sizes.path("targetCompressed").asBoolean()).isTrue();
    assertThat(sizes.path("newLayersStoredBytes").asLong())
        .as("the blobs the source does not store")
        .isEqualTo(3_000_000);
    assertThat(sizes.path("newLayers").asInt()).isEqualTo(2);
    assertThat(sizes.path("deltaLayerBytes").asLong()).isEqualTo(500_000);
    assertThat(sizes.path("deltaPerNewLayers").asDouble()).isEqualTo(500_000.0 / 3_000_000);
    assertThat(report.path("ratio").asDouble()).isEqualTo(500_000.0 / 33_000_000);
    assertThat(report.path("deltaManifestDigest").asText())
        .isEqualTo(digest("delta-manifest").toString());
    assertThat(report.has("manifestDigest"))
        .as("no field whose owner is unclear")
        .isFalse();
    JsonNode will = report.path("applyWillReproduce");
    assertThat(will.path("imageId").asText()).isEqualTo(digest("target").toString());
    assertThat(will.path("manifestDigest").asBoolean())
        .as("layer 2's blob differs in the source")
        .isFalse();
    assertThat(will.path("targetManifestDigest").asText())
        .isEqualTo(digest("target-manifest").toString());
    assertThat(will.path("layers").get(1).path("blobExact").asBoolean()).isFalse();
    assertThat(will.path("layers").get(1).path("why").asText()).contains("another blob");
    assertThat(will.path("layers").get(2).path("why").asText())
        .contains("rebuilt by the compressor that made it");
    assertThat(report.path("elapsedSeconds").asDouble()).isEqualTo(2.5);
    assertThat(report.path("topFiles").get(0).path("outcome").asText()).isEqualTo("DELTA");
    assertThat(report.path("notes").get(0).asText()).isEqualTo("a note");
  }

  @Test
  void applyReportShowsTheTargetsManifestNextToTheRestoredOne() throws Exception {
    Path json = DeltaReports.write(
        dir,
        new DeltaReports.Run("apply", Map.of("delta", "oci:/a:d"), false, "test-version"),
        summary(true));

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("restoredManifestDigest").asText())
        .isEqualTo(digest("restored-manifest").toString());
    assertThat(report.path("targetManifestDigest").asText())
        .isEqualTo(digest("target-manifest").toString());
    assertThat(report.path("manifestExact").asBoolean()).isFalse();
    assertThat(report.path("sizes").path("targetStoredBytes").asLong())
        .as("the same figure as diff's")
        .isEqualTo(33_000_000);

    String html = Files.readString(dir.resolve("apply-report.html"));
    assertThat(html)
        .contains(digest("target-manifest").toString())
        .contains(digest("restored-manifest").toString());
    assertThat(html)
        .as("a shared layer that got a new blob is not 'nothing stored'")
        .contains(
            "shared with the source, which stores it in another blob (other compression): written a new blob")
        .doesNotContain("nothing stored");
  }

  @Test
  void applyIntoTheDaemonReportsTarsCheckedAgainstTheirDiffIdsAndNoBlobClaims() throws Exception {
    Path json = DeltaReports.write(
        dir,
        new DeltaReports.Run(
            "apply", Map.of("output", "docker-daemon:app:1.1"), false, "test-version"),
        summary(ImageDeltaSummary.Described.APPLY_INTO_TARS));

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("layersWrittenAs").asText()).isEqualTo("tars");
    assertThat(report.has("restoredManifestDigest")).isFalse();
    assertThat(report.path("targetManifestDigest").asText())
        .isEqualTo(digest("target-manifest").toString());
    for (JsonNode layer : report.path("layers")) {
      assertThat(layer.path("blobExact").isNull()).as("no blob was written").isTrue();
      assertThat(layer.path("tarChecked").asBoolean()).isTrue();
      assertThat(layer.path("why").asText())
          .contains("checked against its diff_id")
          .contains("blob bytes are not used");
    }
    assertThat(report.path("layers").get(1).path("why").asText())
        .as("the shared layer the source stores in another blob: its tar is what counts")
        .startsWith("shared with the source: its tar taken from the source's layer");

    String html = Files.readString(dir.resolve("apply-report.html"));
    assertThat(html)
        .contains("(the destination stores layer tars and no manifest)")
        .contains("tars, each checked against its diff_id")
        .doesNotContain("passed through")
        .doesNotContain("compressor")
        .doesNotContain("new blob");
  }

  @Test
  void applyIntoBlobsReportsBlobExactPerLayer() throws Exception {
    Path json = DeltaReports.write(
        dir,
        new DeltaReports.Run(
            "apply", Map.of("output", "registry.example.com/app:1.1"), false, "test-version"),
        summary(true));

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("layersWrittenAs").asText()).isEqualTo("blobs");
    assertThat(report.path("layers").get(0).path("blobExact").asBoolean()).isTrue();
    assertThat(report.path("layers").get(0).path("why").asText())
        .isEqualTo("shared with the source: its blob passed through");
    assertThat(report.path("layers").get(0).has("tarChecked")).isFalse();
  }

  /** Leaves both reports in target/report-sample for scripts/report-screenshots.sh to open in a real browser. */
  @Test
  void sampleReportsForTheBrowserCheck() throws Exception {
    Path out = Path.of("target", "report-sample");
    DeltaReports.write(
        out,
        new DeltaReports.Run(
            "diff",
            Map.of(
                "source",
                "registry.example.com/team/app:1.0",
                "target",
                "registry.example.com/team/app:1.1",
                "delta",
                "registry.example.com/team/app-delta:1.1"),
            false,
            "test-version"),
        summary(false));
    DeltaReports.write(
        out,
        new DeltaReports.Run(
            "apply",
            Map.of(
                "delta",
                "registry.example.com/team/app-delta:1.1",
                "output",
                "docker-daemon:app:1.1"),
            false,
            "test-version"),
        summary(ImageDeltaSummary.Described.APPLY_INTO_TARS));
    assertThat(Files.readString(out.resolve("diff-report.html"))).contains(LONG_PATH);
  }

  @Test
  void htmlHasTheChartEscapesNamesAndWrapsLongLabels() throws Exception {
    DeltaReports.write(
        dir,
        new DeltaReports.Run("diff", Map.of("source", "oci:/a:1"), false, "test-version"),
        summary(false));

    String html = Files.readString(dir.resolve("diff-report.html"));
    assertThat(html)
        .contains("class=\"chart\"")
        .contains("Where the delta bytes go")
        .contains("etc/&lt;odd&gt;&amp;name")
        .doesNotContain("<odd>")
        .contains("a note");
    assertThat(html)
        .as("the whole path, in a cell that wraps it")
        .contains(LONG_PATH)
        .contains("overflow-wrap:anywhere");
    assertThat(html).contains("the delta image's own manifest");
  }
}
