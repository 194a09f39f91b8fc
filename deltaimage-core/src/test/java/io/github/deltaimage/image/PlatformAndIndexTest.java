package io.github.deltaimage.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Platform;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlatformAndIndexTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "c".repeat(64);

  private static final byte[] INDEX =
      ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
              + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + A
              + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
              + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + B
              + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
              + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + C
              + "\",\"size\":1,\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}}"
              + "]}")
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void anIndexYieldsTheManifestOfTheWantedPlatform() {
    ImageIndex index = Manifests.parseIndex(INDEX, MediaTypes.OCI_INDEX, "test");
    assertThat(index.select(Platform.parse("linux/amd64"), "test").digest().toString())
        .isEqualTo(A);
    assertThat(index.select(Platform.parse("linux/arm64"), "test").digest().toString())
        .isEqualTo(B);
    assertThat(index.select(Platform.parse("linux/arm64/v8"), "test").digest().toString())
        .isEqualTo(B);
  }

  @Test
  void aPlatformTheIndexLacksIsRefusedListingWhatItOffers() {
    ImageIndex index = Manifests.parseIndex(INDEX, MediaTypes.OCI_INDEX, "test");
    assertThatThrownBy(() -> index.select(Platform.parse("linux/s390x"), "docker://h/r:t"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no image for platform linux/s390x")
        .hasMessageContaining("linux/amd64, linux/arm64/v8");
  }

  @Test
  void theMachinePlatformIsLinuxWithGoArchitectureNames() {
    Platform p = Platform.current();
    assertThat(p.os()).isEqualTo("linux");
    assertThat(p.architecture()).isNotIn("x86_64", "aarch64");
  }

  @Test
  void malformedPlatformsAreRefused() {
    assertThatThrownBy(() -> Platform.parse("amd64"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("OS/ARCH");
  }

  @Test
  void mediaTypeComesFromTheDocumentThenTheHeaderThenItsShape() {
    byte[] noType =
        "{\"schemaVersion\":2,\"config\":{},\"layers\":[]}".getBytes(StandardCharsets.UTF_8);
    assertThat(Manifests.mediaTypeOf(noType, "application/json", "m"))
        .isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(Manifests.mediaTypeOf(noType, MediaTypes.DOCKER_MANIFEST, "m"))
        .isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(Manifests.mediaTypeOf(INDEX, "text/plain", "m")).isEqualTo(MediaTypes.OCI_INDEX);
    byte[] schema1 = "{\"schemaVersion\":1,\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Manifests.mediaTypeOf(schema1, null, "m"))
        .hasMessageContaining("schema 1");
  }

  @Test
  void aManifestWhoseLayerCountDiffersFromTheConfigIsCorrupt() {
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST
            + "\",\"config\":{\"mediaType\":\"" + MediaTypes.DOCKER_CONFIG + "\",\"digest\":\"" + A
            + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + MediaTypes.DOCKER_LAYER_GZIP
            + "\",\"digest\":\"" + B + "\",\"size\":3}]}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] config =
        "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Manifests.image(manifest, MediaTypes.DOCKER_MANIFEST, config, "m"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("lists 1 layers but its config has 0 diff_ids");
  }

  @Test
  void aConvertedManifestKeepsConfigAndLayerDigestsAndSpellsOciMediaTypes() {
    Layer l = new Layer(
        Digest.parse(C), Digest.parse(B), 3, MediaTypes.DOCKER_LAYER_GZIP, Compression.GZIP);
    byte[] oci = Manifests.write(MediaTypes.OCI_MANIFEST, Digest.parse(A), 2, java.util.List.of(l));
    Manifests.ManifestContent content = Manifests.parseManifest(oci, "m");
    assertThat(content.config().digest().toString()).isEqualTo(A);
    assertThat(content.config().mediaType()).isEqualTo(MediaTypes.OCI_CONFIG);
    assertThat(content.layers()).singleElement().satisfies(d -> {
      assertThat(d.digest().toString()).isEqualTo(B);
      assertThat(d.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);
      assertThat(d.size()).isEqualTo(3);
    });
  }
}
