package io.github.deltaimage.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.testing.Processes;
import io.github.deltaimage.testing.SyntheticImages;
import io.github.deltaimage.testing.TestServices;
import io.github.deltaimage.transport.CopyOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Docker manifest list of real images: the amd64 Debian fixture (pushed from the test daemon) and
 * a small arm64 image (GNU tar and gzip, pushed by skopeo as Docker schema 2), the list itself put
 * with curl. Diff and apply through the registry give back the list's very bytes.
 */
class ManifestListDeltaTest {

  @TempDir
  Path temp;

  private final String registry = TestServices.registry();
  private final String repo =
      "deltaimage-test/list-" + UUID.randomUUID().toString().substring(0, 8);

  private String image(String tag) {
    return registry + "/" + repo + ":" + tag;
  }

  private byte[] raw(String ref) throws IOException {
    Path out = Files.createTempFile(temp, "raw", ".json");
    Processes.ok(
        null,
        "sh",
        "-c",
        "skopeo inspect --raw --tls-verify=false \"$0\" > \"$1\"",
        ref,
        out.toString());
    return Files.readAllBytes(out);
  }

  /** Puts a manifest list of the two images under {@code tag} with curl; its bytes. */
  private byte[] putList(String tag, String amd64, String arm64) throws IOException {
    StringBuilder list = new StringBuilder("{\n   \"schemaVersion\": 2,\n   \"mediaType\": \""
        + MediaTypes.DOCKER_MANIFEST_LIST + "\",\n   \"manifests\": [");
    String comma = "";
    for (Map.Entry<String, String> e : Map.of("amd64", amd64, "arm64", arm64).entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .toList()) {
      byte[] manifest = raw("docker://" + image(e.getValue()));
      assertThat(Json.read(manifest, "manifest").path("mediaType").asText())
          .isEqualTo(MediaTypes.DOCKER_MANIFEST);
      list.append(comma)
          .append("\n      {\n         \"mediaType\": \"")
          .append(MediaTypes.DOCKER_MANIFEST)
          .append("\",\n         \"size\": ")
          .append(manifest.length)
          .append(",\n         \"digest\": \"")
          .append(Digest.sha256(manifest))
          .append("\",\n         \"platform\": {\n")
          .append("            \"architecture\": \"")
          .append(e.getKey())
          .append("\",\n            \"os\": \"linux\"\n         }\n      }");
      comma = ",";
    }
    list.append("\n   ]\n}");
    Path file = Files.writeString(temp.resolve(tag + ".json"), list.toString());
    Processes.ok(
        null,
        "curl",
        "-fsS",
        "-X",
        "PUT",
        "-H",
        "Content-Type: " + MediaTypes.DOCKER_MANIFEST_LIST,
        "--data-binary",
        "@" + file,
        "http://" + registry + "/v2/" + repo + "/manifests/" + tag);
    return list.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void pushArm64(String tag, String version) throws IOException {
    List<Map<String, String>> layers = List.of(
        Map.of("bin/busybox", "arm64 " + "b".repeat(50_000)),
        Map.of("etc/version", version + "\n"));
    Path dir = temp.resolve("arm64-" + tag);
    SyntheticImages.ociLayout(dir, tag, "arm64", layers);
    Processes.ok(
        null,
        "skopeo",
        "copy",
        "--format",
        "v2s2",
        "--dest-tls-verify=false",
        "oci:" + dir + ":" + tag,
        "docker://" + image(tag + "-arm64"));
  }

  @Test
  void aManifestListOfTheDebianFixtureAndAnArm64ImageRoundTripsWithItsDigest() throws IOException {
    TestServices.imagesInDaemon();
    CopyOptions copy = CopyOptions.defaults().withTempParent(temp);
    ImageCopy.copy(
        "docker-daemon:deltaimage-test/debian:old", "docker://" + image("old-amd64"), copy);
    ImageCopy.copy(
        "docker-daemon:deltaimage-test/debian:new", "docker://" + image("new-amd64"), copy);
    pushArm64("old", "1");
    pushArm64("new", "2");
    putList("old", "old-amd64", "old-arm64");
    byte[] target = putList("new", "new-amd64", "new-arm64");
    assertThat(raw("docker://" + image("new"))).isEqualTo(target);

    ImageDeltaSummary diff = DeltaImage.diffImages(
        "docker://" + image("old"),
        "docker://" + image("new"),
        "docker://" + image("new-delta"),
        false,
        copy.settings());
    assertThat(diff.platforms())
        .extracting(ImageDeltaSummary.PlatformSummary::platform)
        .containsExactly("linux/amd64", "linux/arm64");
    assertThat(diff.platforms()).noneMatch(ImageDeltaSummary.PlatformSummary::carriedWhole);
    assertThat(diff.manifestExact()).isTrue();
    assertThat(diff.deltaBytes())
        .as("the Debian updates' delta, far below the new layers")
        .isLessThan(diff.newLayersStoredBytes() / 4);

    ImageDeltaSummary apply = DeltaImage.applyImages(
        "docker://" + image("new-delta"),
        "docker://" + registry + "/" + repo + "-restored:new",
        Optional.empty(),
        copy.settings());
    assertThat(apply.manifestExact()).isTrue();
    byte[] restored = raw("docker://" + registry + "/" + repo + "-restored:new");
    assertThat(restored).isEqualTo(target);
    Processes.ok(
        null,
        "skopeo",
        "copy",
        "--all",
        "--src-tls-verify=false",
        "docker://" + registry + "/" + repo + "-restored:new",
        "oci:" + temp.resolve("check") + ":x");
  }
}
