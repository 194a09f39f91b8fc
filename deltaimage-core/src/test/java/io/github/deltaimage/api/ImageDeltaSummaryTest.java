package io.github.deltaimage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageDeltaSummaryTest {

  private static Digest digest(String s) {
    return Digest.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Layer gz(String diffId, String blob, long size) {
    return new Layer(
        digest(diffId), digest(blob), size, MediaTypes.DOCKER_LAYER_GZIP, Compression.GZIP);
  }

  private static ImageDeltaSummary diff(
      List<Layer> source, List<Layer> target, boolean rebuiltExact) {
    return described(source, target, rebuiltExact, ImageDeltaSummary.Described.DIFF);
  }

  private static ImageDeltaSummary described(
      List<Layer> source,
      List<Layer> target,
      boolean rebuiltExact,
      ImageDeltaSummary.Described described) {
    List<ImageDeltaSummary.LayerSummary> layers = target.stream()
        .map(l -> source.stream().anyMatch(s -> s.diffId().equals(l.diffId()))
            ? new ImageDeltaSummary.LayerSummary(l.diffId(), -1, 0, true, true)
            : new ImageDeltaSummary.LayerSummary(l.diffId(), 10_000, 1_000, false, rebuiltExact))
        .toList();
    return new ImageDeltaSummary(
            digest("s"),
            digest("t"),
            0,
            10_000,
            2_000,
            layers,
            List.of(),
            described == ImageDeltaSummary.Described.APPLY_INTO_TARS
                ? null
                : digest("written manifest"),
            false,
            List.of(),
            1)
        .describingTarget(
            Layer.summaryBlobs(source),
            Layer.summaryBlobs(target),
            digest("target manifest"),
            described);
  }

  @Test
  void sizesAreTheTargetsBlobsTheNewBlobsAndTheDeltaLayer() {
    ImageDeltaSummary s = diff(
        List.of(gz("base", "base.gz", 40_000)),
        List.of(gz("base", "base.gz", 40_000), gz("app", "app.gz", 8_000)),
        true);

    assertThat(s.targetStoredBytes()).isEqualTo(48_000);
    assertThat(s.newLayersStoredBytes()).isEqualTo(8_000);
    assertThat(s.newLayers()).isEqualTo(1);
    assertThat(s.ratio()).isEqualTo(2_000.0 / 48_000);
    assertThat(s.newLayersRatio()).isEqualTo(0.25);
    assertThat(s.manifestExact())
        .as("the shared blob is kept, the new one rebuilt exactly")
        .isTrue();
    assertThat(SummaryText.willReproduce(s))
        .contains("and manifest digest " + digest("target manifest"));
    assertThat(SummaryText.sizes(s))
        .isEqualTo(
            "Target 48.0 kB (2 layer blobs, compressed); new layers 8.0 kB (1 blob the source"
                + " does not store); delta layer 2.0 kB: 4.17 % of the target, 25.00 % of the new layers");
  }

  @Test
  void aSharedLayerTheSourceStoresInAnotherBlobIsCountedNewAndInexact() {
    ImageDeltaSummary s = diff(
        List.of(gz("base", "base-by-docker.gz", 41_000)),
        List.of(gz("base", "base-by-jib.gz", 40_000)),
        true);

    assertThat(s.newLayersStoredBytes()).isEqualTo(40_000);
    assertThat(s.manifestExact()).isFalse();
    assertThat(s.layers().get(0).why()).contains("another blob");
    assertThat(SummaryText.willReproduce(s))
        .contains("not manifest digest")
        .contains("1 of 1 layer blobs differ");
  }

  @Test
  void layersNotMadeByJavaUtilZipAreNamedInOneLine() {
    ImageDeltaSummary s = diff(List.of(), List.of(gz("a", "a.gz", 5), gz("b", "b.gz", 5)), false);

    String line = SummaryText.willReproduce(s);
    assertThat(line)
        .contains("2 of 2 layer blobs differ")
        .contains(digest("a").shortHex())
        .contains(digest("b").shortHex())
        .contains("no known compressor rebuilds its blob");
    assertThat(line.lines()).hasSize(1);
  }

  private static final List<Layer> SOURCE = List.of(gz("base", "base.gz", 40_000));
  private static final List<Layer> TARGET =
      List.of(gz("base", "base.gz", 40_000), gz("app", "app.gz", 8_000));

  @Test
  void anApplyIntoBlobsSaysHowEachBlobWasHad() {
    ImageDeltaSummary s =
        described(SOURCE, TARGET, true, ImageDeltaSummary.Described.APPLY_INTO_BLOBS);

    assertThat(s.layersAsTars()).isFalse();
    assertThat(s.layers().get(0).why())
        .isEqualTo("shared with the source: its blob passed through");
    assertThat(s.layers().get(1).why())
        .isEqualTo("rebuilt from the delta; its blob was rebuilt by the compressor that made it");
    assertThat(SummaryText.layers(s).get(1))
        .startsWith("layer 2 " + digest("app").shortHex() + ": blob 8.0 kB, tar 10.0 kB, delta");
  }

  @Test
  void anApplyIntoTarsSpeaksOfTarsCheckedAgainstTheirDiffIdsNotOfBlobs() {
    ImageDeltaSummary s =
        described(SOURCE, TARGET, true, ImageDeltaSummary.Described.APPLY_INTO_TARS);

    assertThat(s.layersAsTars()).isTrue();
    assertThat(s.layers().get(0).why())
        .isEqualTo("shared with the source: its tar taken from the source's layer and checked"
            + " against its diff_id; this output stores layer tars, so blob bytes are not used");
    assertThat(s.layers().get(1).why())
        .isEqualTo("rebuilt from the delta and checked against its diff_id; this output stores"
            + " layer tars, so blob bytes are not used");
    assertThat(s.inexactLayers()).as("no layer is said to differ").isEmpty();
    List<String> lines = SummaryText.layers(s);
    assertThat(lines.get(1))
        .isEqualTo("layer 2 " + digest("app").shortHex() + ": tar 10.0 kB (the target's blob"
            + " 8.0 kB), delta bytes 1.0 kB; rebuilt from the delta and checked against its diff_id; this output"
            + " stores layer tars, so blob bytes are not used");
    assertThat(String.join("\n", lines))
        .doesNotContain("passed through")
        .doesNotContain("compressor")
        .doesNotContain("new blob");
    assertThat(SummaryText.restored(s, "docker-daemon:app:1.1"))
        .isEqualTo("Restored image ID " + digest("t") + " into docker-daemon:app:1.1 (every layer"
            + " tar checked against its diff_id; the destination stores tars and no manifest, so"
            + " there is no manifest digest to compare: the target's is "
            + digest("target manifest")
            + ")");
    assertThat(SummaryText.sizes(s))
        .as("the same figures as diff's, whatever the output")
        .isEqualTo(SummaryText.sizes(diff(SOURCE, TARGET, true)));
  }
}
