package io.github.deltaimage.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.BaseChoice;
import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.testing.Processes;
import io.github.deltaimage.testing.SyntheticImages;
import io.github.deltaimage.testing.TestServices;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.archive.DockerArchiveSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deltas of multi-platform images: two image indexes (amd64 and arm64, and a riscv64 image only in
 * the target) built here with GNU tar and gzip, pushed to the real test registry by skopeo, diffed
 * and applied through the registry and OCI layouts; skopeo reads what deltaimage wrote.
 */
class IndexDeltaTest {

  private static final DeltaOptions OPTIONS = DeltaOptions.defaults();

  @TempDir
  static Path shared;

  @TempDir
  Path temp;

  private static String registry;
  private static String run;
  private static SyntheticImages.BuiltIndex source;
  private static SyntheticImages.BuiltIndex target;
  private static String sourceOci;
  private static String targetOci;
  private static CopyOptions copy;

  @BeforeAll
  static void buildTwoReleasesOfAMultiPlatformImage() throws IOException {
    registry = TestServices.registry();
    run = UUID.randomUUID().toString().substring(0, 8);
    copy = CopyOptions.defaults().withTempParent(shared);
    Map<String, List<Map<String, String>>> v1 = new LinkedHashMap<>();
    v1.put("amd64", release("amd64", 1));
    v1.put("arm64", release("arm64", 1));
    Map<String, List<Map<String, String>>> v2 = new LinkedHashMap<>();
    v2.put("amd64", release("amd64", 2));
    v2.put("arm64", release("arm64", 2));
    v2.put("riscv64", release("riscv64", 2));
    source = SyntheticImages.ociIndex(shared.resolve("v1"), "1", v1);
    target = SyntheticImages.ociIndex(shared.resolve("v2"), "2", v2);
    sourceOci = "oci:" + shared.resolve("v1") + ":1";
    targetOci = "oci:" + shared.resolve("v2") + ":2";
    Processes.ok(
        null,
        "skopeo",
        "copy",
        "--all",
        "--preserve-digests",
        "--dest-tls-verify=false",
        sourceOci,
        "docker://" + image("1"));
    Processes.ok(
        null,
        "skopeo",
        "copy",
        "--all",
        "--preserve-digests",
        "--dest-tls-verify=false",
        targetOci,
        "docker://" + image("2"));
  }

  /** A base layer per architecture (the same in both releases) and an application layer that changes. */
  private static List<Map<String, String>> release(String arch, int version) {
    StringBuilder tool = new StringBuilder();
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 4000; i++) {
      tool.append(Digest.sha256((arch + i).getBytes(StandardCharsets.UTF_8)).hex())
          .append('\n');
      data.append("record ")
          .append(i)
          .append(' ')
          .append(i % 500 == 0 ? "v" + version : "v1")
          .append(' ')
          .append(Digest.sha256((arch + "data" + i).getBytes(StandardCharsets.UTF_8))
              .hex())
          .append('\n');
    }
    List<Map<String, String>> layers = new ArrayList<>();
    layers.add(
        Map.of("etc/os-release", "ID=synthetic\nARCH=" + arch + "\n", "bin/tool", tool.toString()));
    layers.add(Map.of("opt/app/data.txt", data.toString(), "opt/app/version", version + "\n"));
    return layers;
  }

  private static String image(String tag) {
    return registry + "/deltaimage-test/multi-" + run + ":" + tag;
  }

  /** The manifest or index bytes skopeo reads at {@code ref}, as they are stored. */
  private static byte[] raw(String ref) throws IOException {
    Path out = Files.createTempFile(shared, "raw", ".json");
    Processes.ok(
        null,
        "sh",
        "-c",
        "skopeo inspect --raw --tls-verify=false \"$0\" > \"$1\"",
        ref,
        out.toString());
    return Files.readAllBytes(out);
  }

  private static String platformsOf(ImageDeltaSummary summary) {
    return summary.platforms().stream()
        .map(p -> p.platform() + (p.carriedWhole() ? " whole" : " delta"))
        .toList()
        .toString();
  }

  @Test
  void throughTheRegistryTheRestoredIndexHasTheTargetsDigestAndEveryPlatformItsImage()
      throws IOException {
    String delta = "docker://" + image("2-delta");
    ImageDeltaSummary diff = DeltaImage.diffImages(
        "docker://" + image("1"), "docker://" + image("2"), delta, false, copy.settings());
    assertThat(platformsOf(diff))
        .isEqualTo("[linux/amd64 delta, linux/arm64 delta, linux/riscv64 whole]");
    assertThat(diff.targetManifestDigest()).isEqualTo(target.digest());
    assertThat(diff.manifestExact())
        .as("every manifest will be restored exactly")
        .isTrue();

    byte[] deltaIndex = raw("docker://" + image("2-delta"));
    assertThat(Digest.sha256(deltaIndex)).isEqualTo(diff.manifestDigest());
    var entries = Json.read(deltaIndex, "delta index").path("manifests");
    assertThat(entries.size()).isEqualTo(3);
    assertThat(entries.get(1).path("platform").path("architecture").asText()).isEqualTo("arm64");
    assertThat(entries.get(2).path("digest").asText())
        .as("the platform only in the target is its own image, carried whole")
        .isEqualTo(target.platforms().get("riscv64").manifestDigest().toString());

    String restored = "docker://" + image("2-restored");
    ImageDeltaSummary apply =
        DeltaImage.applyImages(delta, restored, Optional.empty(), copy.settings());
    assertThat(apply.manifestExact()).isTrue();
    assertThat(apply.manifestDigest()).isEqualTo(target.digest());
    assertThat(raw(restored)).isEqualTo(target.bytes());
    for (Map.Entry<String, SyntheticImages.Built> p : target.platforms().entrySet()) {
      byte[] manifest = raw("docker://" + registry + "/deltaimage-test/multi-" + run + "@"
          + p.getValue().manifestDigest());
      assertThat(Digest.sha256(manifest)).isEqualTo(p.getValue().manifestDigest());
    }
    // An independent reader fetches every blob the restored index names, verifying each.
    Processes.ok(
        null,
        "skopeo",
        "copy",
        "--all",
        "--src-tls-verify=false",
        restored,
        "oci:" + temp.resolve("check") + ":x");
  }

  @Test
  void throughOciLayoutsTheRestoredLayoutNamesTheTargetsIndexBytes() throws IOException {
    String delta = "oci:" + temp.resolve("delta") + ":d";
    ImageDeltaSummary diff =
        DeltaImage.diffImages(sourceOci, targetOci, delta, false, copy.settings());
    assertThat(platformsOf(diff))
        .isEqualTo("[linux/amd64 delta, linux/arm64 delta, linux/riscv64 whole]");
    assertThat(diff.deltaBytes())
        .as("two small delta layers and the whole riscv64 image")
        .isLessThan(target.platforms().size() * 200_000L);

    String restored = "oci:" + temp.resolve("restored") + ":2";
    ImageDeltaSummary apply =
        DeltaImage.applyImages(delta, restored, Optional.empty(), copy.settings());
    assertThat(apply.manifestDigest()).isEqualTo(target.digest());
    assertThat(apply.notes()).noneMatch(n -> n.contains("index is new"));
    var top = Json.read(Files.readAllBytes(temp.resolve("restored/index.json")), "index.json");
    assertThat(top.path("manifests").get(0).path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.index.v1+json");
    assertThat(top.path("manifests").get(0).path("digest").asText())
        .isEqualTo(target.digest().toString());
    assertThat(raw(restored)).isEqualTo(target.bytes());
    Processes.ok(null, "skopeo", "copy", "--all", restored, "oci:" + temp.resolve("check") + ":x");
  }

  @Test
  void anUnlinkedIndexDeltaNeedsTheSourceIndexAndRestoresTheSame() throws IOException {
    String delta = "oci:" + temp.resolve("delta") + ":d";
    ImageDeltaSummary diff =
        DeltaImage.diffImages(sourceOci, targetOci, delta, true, copy.settings());
    assertThat(diff.platforms()).hasSize(3);
    String restored = "oci:" + temp.resolve("restored") + ":2";
    assertThatThrownBy(
            () -> DeltaImage.applyImages(delta, restored, Optional.empty(), copy.settings()))
        .hasMessageContaining("source");
    ImageDeltaSummary apply = DeltaImage.applyImages(
        delta, restored, Optional.of("docker://" + image("1")), copy.settings());
    assertThat(apply.manifestDigest()).isEqualTo(target.digest());
    assertThat(raw(restored)).isEqualTo(target.bytes());
  }

  @Test
  void aChosenPlatformMakesTheDeltaOfThatPlatformAlone() throws IOException {
    CopyOptions arm64 = copy.withPlatform(Platform.parse("linux/arm64"));
    String delta = "oci:" + temp.resolve("delta") + ":d";
    ImageDeltaSummary diff = DeltaImage.diffImages(
        "docker://" + image("1"), "docker://" + image("2"), delta, false, arm64.settings());
    assertThat(diff.platforms()).isEmpty();
    assertThat(diff.targetImageId()).isEqualTo(target.platforms().get("arm64").imageId());
    assertThat(Json.read(raw(delta), "delta").path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");

    ImageDeltaSummary apply = DeltaImage.applyImages(
        delta, "oci:" + temp.resolve("restored") + ":arm64", Optional.empty(), copy.settings());
    assertThat(apply.manifestDigest()).isEqualTo(target.platforms().get("arm64").manifestDigest());
  }

  @Test
  void anIndexDeltaAppliedIntoAnArchiveRestoresTheChosenPlatformAndSaysSo() throws IOException {
    String delta = "oci:" + temp.resolve("delta") + ":d";
    DeltaImage.diffImages(sourceOci, targetOci, delta, false, copy.settings());

    Path archive = temp.resolve("arm64.tar");
    ImageDeltaSummary apply = DeltaImage.applyImages(
        delta,
        "docker-archive:" + archive + ":restored:arm64",
        Optional.empty(),
        copy.withPlatform(Platform.parse("linux/arm64")).settings());
    assertThat(apply.targetImageId()).isEqualTo(target.platforms().get("arm64").imageId());
    assertThat(apply.notes())
        .anyMatch(n -> n.contains("holds 3 platforms") && n.contains("restored linux/arm64"));
    try (DockerArchiveSource read =
        new DockerArchiveSource(archive, null, -1, archive.toString())) {
      assertThat(read.image().configDigest())
          .isEqualTo(target.platforms().get("arm64").imageId());
    }

    Path whole = temp.resolve("riscv64.tar");
    ImageDeltaSummary carried = DeltaImage.applyImages(
        delta,
        "docker-archive:" + whole + ":restored:riscv64",
        Optional.empty(),
        copy.withPlatform(Platform.parse("linux/riscv64")).settings());
    assertThat(carried.targetImageId())
        .isEqualTo(target.platforms().get("riscv64").imageId());

    assertThatThrownBy(() -> DeltaImage.applyImages(
            delta,
            "docker-archive:" + temp.resolve("s390x.tar") + ":restored:s390x",
            Optional.empty(),
            copy.withPlatform(Platform.parse("linux/s390x")).settings()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("linux/amd64, linux/arm64, linux/riscv64");
  }

  @Test
  void aDiffOfTwoIndexesIntoAnArchiveIsTheDeltaOfThisMachinesPlatformAndSaysSo() {
    Path archive = temp.resolve("delta.tar");
    ImageDeltaSummary diff = DeltaImage.diffImages(
        sourceOci, targetOci, "docker-archive:" + archive + ":delta:2", false, copy.settings());
    assertThat(diff.platforms()).isEmpty();
    assertThat(diff.notes())
        .anyMatch(
            n -> n.contains("holds one image") && n.contains(Platform.current().toString()));
  }

  @Test
  void aDeltaIndexWhoseTargetIndexWasSwappedIsRefusedAndNothingIsWritten() throws IOException {
    Path layout = temp.resolve("delta");
    DeltaImage.diffImages(sourceOci, targetOci, "oci:" + layout + ":d", false, copy.settings());
    // Swap the carried target index for the source's (two entries, other manifests), as an
    // attacker fixing up digests would, and name the new delta index in index.json.
    Path indexJson = layout.resolve("index.json");
    var top = (com.fasterxml.jackson.databind.node.ObjectNode)
        Json.read(Files.readAllBytes(indexJson), "index.json");
    var entry =
        (com.fasterxml.jackson.databind.node.ObjectNode) top.path("manifests").get(0);
    Digest old = Digest.parse(entry.path("digest").asText());
    var deltaIndex = (com.fasterxml.jackson.databind.node.ObjectNode) Json.read(
        Files.readAllBytes(layout.resolve("blobs/sha256").resolve(old.hex())), "delta index");
    ((com.fasterxml.jackson.databind.node.ObjectNode) deltaIndex.path("annotations"))
        .put(
            DeltaIndex.ANNOTATION_TARGET_INDEX,
            java.util.Base64.getEncoder().encodeToString(source.bytes()));
    byte[] swapped = Json.write(deltaIndex);
    Files.write(layout.resolve("blobs/sha256").resolve(Digest.sha256(swapped).hex()), swapped);
    entry.put("digest", Digest.sha256(swapped).toString());
    entry.put("size", swapped.length);
    Files.write(indexJson, Json.write(top));

    Path out = temp.resolve("restored");
    assertThatThrownBy(() -> DeltaImage.applyImages(
            "oci:" + layout + ":d", "oci:" + out + ":2", Optional.empty(), copy.settings()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is corrupt");
    assertThat(out).doesNotExist();
  }

  @Test
  void theBestBaseAmongIndexesIsWrittenAsADeltaIndexThatRestoresTheTargetIndex()
      throws IOException {
    Map<String, List<Map<String, String>>> unrelated = new LinkedHashMap<>();
    unrelated.put("amd64", List.of(Map.of("etc/unrelated", "nothing of the app\n")));
    unrelated.put("arm64", List.of(Map.of("etc/unrelated", "nothing of the app either\n")));
    SyntheticImages.ociIndex(temp.resolve("decoy"), "0", unrelated);
    String delta = "oci:" + temp.resolve("delta") + ":d";
    BaseChoice choice = DeltaImage.diffImagesFromBestBase(
        List.of("oci:" + temp.resolve("decoy") + ":0", sourceOci),
        targetOci,
        delta,
        false,
        copy.settings());
    assertThat(choice.chosen().toString()).isEqualTo(sourceOci);
    assertThat(platformsOf(choice.summary()))
        .isEqualTo("[linux/amd64 delta, linux/arm64 delta, linux/riscv64 whole]");

    String restored = "oci:" + temp.resolve("restored") + ":2";
    ImageDeltaSummary apply =
        DeltaImage.applyImages(delta, restored, Optional.empty(), copy.settings());
    assertThat(apply.manifestDigest()).isEqualTo(target.digest());
    assertThat(raw(restored)).isEqualTo(target.bytes());
  }
}
