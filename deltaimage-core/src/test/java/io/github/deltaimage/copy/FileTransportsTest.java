package io.github.deltaimage.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.CopyResult;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.testing.Processes;
import io.github.deltaimage.testing.SyntheticImages;
import io.github.deltaimage.testing.TestServices;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.archive.DockerArchiveSource;
import io.github.deltaimage.transport.oci.OciLayoutSource;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OCI layout and docker-archive, read and written, on images made by tar and gzip. */
class FileTransportsTest {
  @TempDir
  Path tmp;

  Path runs;
  CopyOptions options;

  @BeforeEach
  void setUp() throws Exception {
    runs = Files.createDirectories(tmp.resolve("runs"));
    options =
        CopyOptions.defaults().withTempParent(runs).withPlatform(Platform.parse("linux/amd64"));
  }

  @Test
  void ociToOciKeepsManifestBytesAndImageId() throws Exception {
    SyntheticImages.Built built =
        SyntheticImages.ociLayout(tmp.resolve("src"), "v1", "amd64", SyntheticImages.threeLayers());
    CopyResult r = ImageCopy.copy(
        "oci:" + tmp.resolve("src") + ":v1", "oci:" + tmp.resolve("dst") + ":copied", options);
    assertThat(r.imageId()).isEqualTo(built.imageId());
    assertThat(r.manifestDigest()).contains(built.manifestDigest());
    assertThat(r.diffIds()).isEqualTo(built.diffIds());
    assertThat(OciLayoutSource.tagsIn(tmp.resolve("dst"))).containsExactly("copied");
    assertThat(runs).isEmptyDirectory();
  }

  @Test
  void anArchiveBecomesAnOciLayoutThatSkopeoAndUmociRead() throws Exception {
    SyntheticImages.Built built = SyntheticImages.dockerArchive(
        tmp.resolve("a.tar"), "team/app:1", SyntheticImages.threeLayers());
    CopyResult r = ImageCopy.copy(
        "docker-archive:" + tmp.resolve("a.tar"), "oci:" + tmp.resolve("layout") + ":1", options);
    assertThat(r.imageId()).isEqualTo(built.imageId());
    assertThat(r.diffIds()).isEqualTo(built.diffIds());

    Image written = new OciLayoutSource(
            new ImageReference.OciLayout(tmp.resolve("layout"), "1"), Platform.current())
        .image();
    assertThat(written.manifestMediaType()).contains(MediaTypes.OCI_MANIFEST);
    assertThat(written.layers())
        .allSatisfy(l -> assertThat(l.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_GZIP));
    assertThat(written.config()).isEqualTo(built.config());

    String skopeo = Processes.ok(
        null,
        TestServices.tool("skopeo"),
        "inspect",
        "--raw",
        "oci:" + tmp.resolve("layout") + ":1");
    assertThat(Digest.sha256(skopeo.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(r.manifestDigest().orElseThrow());
    String umoci = Processes.ok(
        null,
        TestServices.tool("umoci"),
        "stat",
        "--image",
        tmp.resolve("layout") + ":1",
        "--json");
    assertThat(umoci).contains("history");
  }

  @Test
  void layersCompressedOnTheWayAreJavaUtilZipGzipAtTheChosenLevelSoImageDeltasCanRebuildThem()
      throws Exception {
    SyntheticImages.dockerArchive(
        tmp.resolve("a.tar"), "team/app:1", SyntheticImages.threeLayers());
    ImageCopy.copy(
        "docker-archive:" + tmp.resolve("a.tar"),
        "oci:" + tmp.resolve("layout") + ":1",
        options.withGzipLevel(6));
    Image archived = new DockerArchiveSource(tmp.resolve("a.tar"), null, -1, "t").image();
    Image written = new OciLayoutSource(
            new ImageReference.OciLayout(tmp.resolve("layout"), "1"), Platform.current())
        .image();
    DockerArchiveSource src = new DockerArchiveSource(tmp.resolve("a.tar"), null, -1, "t");
    for (int i = 0; i < archived.layers().size(); i++) {
      java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
      try (java.io.InputStream in = src.openTar(archived.layers().get(i));
          java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(plain) {
            {
              def.setLevel(6);
            }
          }) {
        in.transferTo(gz);
      }
      assertThat(Digest.sha256(plain.toByteArray()))
          .isEqualTo(written.layers().get(i).blobDigest());
    }
  }

  @Test
  void anOciImageBecomesAnArchiveThatReadsBackWithTheSameIdAndTag() throws Exception {
    SyntheticImages.Built built =
        SyntheticImages.ociLayout(tmp.resolve("src"), "v1", "amd64", SyntheticImages.threeLayers());
    Path archive = tmp.resolve("out.tar");
    ImageCopy.copy(
        "oci:" + tmp.resolve("src") + ":v1", "docker-archive:" + archive + ":team/app:7", options);

    DockerArchiveSource back = new DockerArchiveSource(
        archive, io.github.deltaimage.api.DockerName.parse("team/app:7", "t"), -1, "test");
    assertThat(back.image().configDigest()).isEqualTo(built.imageId());
    assertThat(back.image().diffIds()).isEqualTo(built.diffIds());
    String listing = Processes.ok(null, "tar", "-tf", archive.toString());
    assertThat(listing)
        .contains(
            "manifest.json",
            built.imageId().hex() + ".json",
            built.diffIds().get(0).hex() + "/layer.tar");
    String skopeo = Processes.ok(
        null, TestServices.tool("skopeo"), "inspect", "--config", "docker-archive:" + archive);
    assertThat(skopeo).contains("SYNTHETIC=1");
    assertThat(Files.list(tmp)
            .filter(p -> p.getFileName().toString().contains(".tmp-"))
            .toList())
        .isEmpty();
  }

  @Test
  void anArchiveInDocker25sOciBasedLayoutReads() throws Exception {
    // what docker save writes since 25: an OCI layout plus manifest.json naming blobs/sha256/<hex>
    Path root = Files.createDirectories(tmp.resolve("root/blobs/sha256"));
    Path layerDir = Files.createDirectories(tmp.resolve("l/etc"));
    Files.writeString(layerDir.resolve("os-release"), "ID=synthetic\n");
    Processes.ok(
        tmp.resolve("l"), "tar", "-cf", tmp.resolve("layer.tar").toString(), "--mtime=@0", ".");
    Digest diffId = Digest.sha256(Files.readAllBytes(tmp.resolve("layer.tar")));
    Files.move(tmp.resolve("layer.tar"), root.resolve(diffId.hex()));
    byte[] config = SyntheticImages.config("amd64", List.of(diffId));
    Digest id = Digest.sha256(config);
    Files.write(root.resolve(id.hex()), config);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + id + "\",\"size\":" + config.length
            + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
            + diffId + "\",\"size\":"
            + Files.size(root.resolve(diffId.hex())) + "}]}";
    Digest manifestDigest = Digest.sha256(manifest.getBytes(StandardCharsets.UTF_8));
    Files.writeString(root.resolve(manifestDigest.hex()), manifest);
    Files.writeString(
        tmp.resolve("root/index.json"),
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
            + manifestDigest + "\",\"size\":" + manifest.length()
            + ",\"annotations\":{\"io.containerd.image.name\":\"docker.io/team/new:25\",\"org.opencontainers.image.ref.name\":\"25\"}}]}");
    Files.writeString(tmp.resolve("root/oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(
        tmp.resolve("root/manifest.json"),
        "[{\"Config\":\"blobs/sha256/" + id.hex()
            + "\",\"RepoTags\":[\"team/new:25\"],\"Layers\":[\"blobs/sha256/" + diffId.hex()
            + "\"],\"LayerSources\":{}}]");
    Processes.ok(tmp.resolve("root"), "tar", "-cf", tmp.resolve("d25.tar").toString(), ".");

    CopyResult r = ImageCopy.copy(
        "docker-archive:" + tmp.resolve("d25.tar") + ":team/new:25",
        "oci:" + tmp.resolve("o") + ":25",
        options);
    assertThat(r.imageId()).isEqualTo(id);
    assertThat(r.diffIds()).containsExactly(diffId);
    CopyResult back = ImageCopy.copy(
        "oci:" + tmp.resolve("o") + ":25", "docker-archive:" + tmp.resolve("classic.tar"), options);
    assertThat(back.imageId()).isEqualTo(id);
  }

  @Test
  void anArchiveWhoseRepeatedLayerIsASymlinkReads() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Path layerDir = Files.createDirectories(tmp.resolve("l"));
    Files.writeString(layerDir.resolve("f"), "same");
    Processes.ok(layerDir, "tar", "-cf", tmp.resolve("layer.tar").toString(), "--mtime=@0", ".");
    Digest diffId = Digest.sha256(Files.readAllBytes(tmp.resolve("layer.tar")));
    Files.createDirectories(root.resolve("one"));
    Files.createDirectories(root.resolve("two"));
    Files.move(tmp.resolve("layer.tar"), root.resolve("one/layer.tar"));
    Files.createSymbolicLink(root.resolve("two/layer.tar"), Path.of("../one/layer.tar"));
    byte[] config = SyntheticImages.config("amd64", List.of(diffId, diffId));
    Digest id = Digest.sha256(config);
    Files.write(root.resolve(id.hex() + ".json"), config);
    Files.writeString(
        root.resolve("manifest.json"),
        "[{\"Config\":\"" + id.hex()
            + ".json\",\"RepoTags\":null,\"Layers\":[\"one/layer.tar\",\"two/layer.tar\"]}]");
    Processes.ok(root, "tar", "-cf", tmp.resolve("dup.tar").toString(), ".");

    CopyResult r = ImageCopy.copy(
        "docker-archive:" + tmp.resolve("dup.tar"), "oci:" + tmp.resolve("o"), options);
    assertThat(r.imageId()).isEqualTo(id);
    assertThat(r.diffIds()).containsExactly(diffId, diffId);
    CopyResult back = ImageCopy.copy(
        "oci:" + tmp.resolve("o"), "docker-archive:" + tmp.resolve("again.tar"), options);
    assertThat(back.imageId()).isEqualTo(id);
    assertThat(Processes.ok(null, "tar", "-tf", tmp.resolve("again.tar").toString())
            .lines()
            .filter(l -> l.endsWith("layer.tar"))
            .count())
        .isEqualTo(1);
  }

  @Test
  void aBlobThatDoesNotMatchItsDigestIsRefusedAndNoArchiveAppears() throws Exception {
    SyntheticImages.ociLayout(tmp.resolve("src"), "v1", "amd64", SyntheticImages.threeLayers());
    Image image = new OciLayoutSource(
            new ImageReference.OciLayout(tmp.resolve("src"), "v1"), Platform.current())
        .image();
    Path blob = tmp.resolve("src/blobs/sha256")
        .resolve(image.layers().get(1).blobDigest().hex());
    try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0xff);
    }
    assertThatThrownBy(() -> ImageCopy.copy(
            "oci:" + tmp.resolve("src") + ":v1",
            "docker-archive:" + tmp.resolve("bad.tar"),
            options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not match its digest")
        .hasMessageContaining("refused");
    assertThat(tmp.resolve("bad.tar")).doesNotExist();
    assertThat(runs).isEmptyDirectory();
  }

  @Test
  void aCorruptLayerNeverReachesAnOciIndex() throws Exception {
    SyntheticImages.ociLayout(tmp.resolve("src"), "v1", "amd64", SyntheticImages.threeLayers());
    Image image = new OciLayoutSource(
            new ImageReference.OciLayout(tmp.resolve("src"), "v1"), Platform.current())
        .image();
    Path blob = tmp.resolve("src/blobs/sha256")
        .resolve(image.layers().get(2).blobDigest().hex());
    Files.write(blob, "not the layer".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ImageCopy.copy(
            "oci:" + tmp.resolve("src") + ":v1", "oci:" + tmp.resolve("dst") + ":v1", options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(image.layers().get(2).blobDigest().toString());
    // The layout was new: nothing of it stays, no index, no blob, no skeleton.
    assertThat(tmp.resolve("dst")).doesNotExist();
  }

  @Test
  void aTruncatedArchiveIsReportedInOneLine() throws Exception {
    SyntheticImages.dockerArchive(
        tmp.resolve("a.tar"), "team/app:1", SyntheticImages.threeLayers());
    try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("a.tar").toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    assertThatThrownBy(() -> ImageCopy.copy(
            "docker-archive:" + tmp.resolve("a.tar"), "oci:" + tmp.resolve("o"), options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is truncated")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(runs).isEmptyDirectory();
  }

  @Test
  void aMissingTagOrFileSaysWhatIsThere() throws Exception {
    SyntheticImages.ociLayout(tmp.resolve("src"), "v1", "amd64", SyntheticImages.threeLayers());
    assertThatThrownBy(() ->
            ImageCopy.copy("oci:" + tmp.resolve("src") + ":v2", "oci:" + tmp.resolve("d"), options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no image tagged 'v2'")
        .hasMessageContaining("tags there: v1");
    assertThatThrownBy(() -> ImageCopy.copy(
            "docker-archive:" + tmp.resolve("none.tar"), "oci:" + tmp.resolve("d"), options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not exist");
    SyntheticImages.dockerArchive(
        tmp.resolve("a.tar"), "team/app:1", SyntheticImages.threeLayers());
    assertThatThrownBy(() -> ImageCopy.copy(
            "docker-archive:" + tmp.resolve("a.tar") + ":team/app:2",
            "oci:" + tmp.resolve("d"),
            options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no image tagged team/app:2")
        .hasMessageContaining("team/app:1");
  }

  @Test
  void aSecondTagInALayoutKeepsTheFirstAndAnUntaggedReadThenNeedsATag() throws Exception {
    SyntheticImages.ociLayout(tmp.resolve("src"), "v1", "amd64", SyntheticImages.threeLayers());
    SyntheticImages.dockerArchive(tmp.resolve("a.tar"), "team/app:1", List.of(Map.of("x", "y")));
    ImageCopy.copy(
        "oci:" + tmp.resolve("src") + ":v1", "oci:" + tmp.resolve("dst") + ":one", options);
    ImageCopy.copy(
        "docker-archive:" + tmp.resolve("a.tar"), "oci:" + tmp.resolve("dst") + ":two", options);
    assertThat(OciLayoutSource.tagsIn(tmp.resolve("dst"))).containsExactlyInAnyOrder("one", "two");
    assertThatThrownBy(
            () -> ImageCopy.copy("oci:" + tmp.resolve("dst"), "oci:" + tmp.resolve("x"), options))
        .hasMessageContaining("holds 2 images; name one as oci:DIR:TAG");
  }

  @Test
  void theWantedPlatformIsTakenFromANestedIndex() throws Exception {
    SyntheticImages.Built amd =
        SyntheticImages.ociLayout(tmp.resolve("amd"), "x", "amd64", SyntheticImages.threeLayers());
    SyntheticImages.Built arm =
        SyntheticImages.ociLayout(tmp.resolve("arm"), "x", "arm64", SyntheticImages.threeLayers());
    Path multi = tmp.resolve("multi");
    Files.createDirectories(multi.resolve("blobs/sha256"));
    for (Path from : List.of(tmp.resolve("amd"), tmp.resolve("arm"))) {
      try (Stream<Path> s = Files.list(from.resolve("blobs/sha256"))) {
        for (Path p : s.toList()) {
          Files.copy(
              p,
              multi.resolve("blobs/sha256").resolve(p.getFileName()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Files.writeString(multi.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + entry(multi, amd.manifestDigest(), "amd64") + ","
            + entry(multi, arm.manifestDigest(), "arm64") + "]}";
    Digest indexDigest = Digest.sha256(index.getBytes(StandardCharsets.UTF_8));
    Files.writeString(multi.resolve("blobs/sha256").resolve(indexDigest.hex()), index);
    Files.writeString(
        multi.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\""
            + indexDigest + "\",\"size\":" + index.length()
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"all\"}}]}");

    CopyResult r = ImageCopy.copy(
        "oci:" + multi + ":all",
        "oci:" + tmp.resolve("out") + ":arm",
        options.withPlatform(Platform.parse("linux/arm64")));
    assertThat(r.imageId()).isEqualTo(arm.imageId()).isNotEqualTo(amd.imageId());
    assertThat(r.manifestDigest()).contains(arm.manifestDigest());
    assertThatThrownBy(() -> ImageCopy.copy(
            "oci:" + multi + ":all",
            "oci:" + tmp.resolve("out2"),
            options.withPlatform(Platform.parse("linux/ppc64le"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("offers: linux/amd64, linux/arm64");
  }

  private static String entry(Path layout, Digest manifest, String arch) throws Exception {
    long size = Files.size(layout.resolve("blobs/sha256").resolve(manifest.hex()));
    return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifest
        + "\",\"size\":" + size + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"" + arch
        + "\"}}";
  }
}
