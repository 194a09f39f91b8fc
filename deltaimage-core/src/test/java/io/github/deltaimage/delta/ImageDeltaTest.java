package io.github.deltaimage.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.DeltaContents;
import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.SourceRequiredException;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.testing.Processes;
import io.github.deltaimage.testing.TestServices;
import io.github.deltaimage.transport.CopyOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exact image deltas on real images (built by ./run fixtures on the real engine), through every transport. */
class ImageDeltaTest {

  private static final String APP_OLD = "deltaimage-test/app:1.0";
  private static final String APP_NEW = "deltaimage-test/app:1.1";
  private static final DeltaOptions OPTIONS = DeltaOptions.defaults();
  private static final CopyOptions COPY = CopyOptions.defaults();

  @TempDir
  static Path shared;

  @TempDir
  Path temp;

  private static String oldOci;
  private static String newOci;
  private static String debianOldOci;
  private static String debianNewOci;

  @BeforeAll
  static void copyTheFixturePairsIntoOciLayouts() {
    TestServices.imagesInDaemon();
    oldOci = "oci:" + shared.resolve("app") + ":1.0";
    newOci = "oci:" + shared.resolve("app") + ":1.1";
    debianOldOci = "oci:" + shared.resolve("debian") + ":old";
    debianNewOci = "oci:" + shared.resolve("debian") + ":new";
    ImageCopy.copy("docker-daemon:" + APP_OLD, oldOci, COPY);
    ImageCopy.copy("docker-daemon:" + APP_NEW, newOci, COPY);
    ImageCopy.copy("docker-daemon:deltaimage-test/debian:old", debianOldOci, COPY);
    ImageCopy.copy("docker-daemon:deltaimage-test/debian:new", debianNewOci, COPY);
  }

  private static String imageId(String daemonRef) {
    return Processes.ok(null, "docker", "image", "inspect", "--format", "{{.Id}}", daemonRef)
        .strip();
  }

  @Test
  void throughTheDaemonTheRestoredImageHasTheTargetsImageIdAndRunsTheSame() {
    String delta = "oci:" + temp.resolve("delta") + ":d";
    ImageDeltaSummary diff = DeltaImage.diffImages(
        "docker-daemon:" + APP_OLD, "docker-daemon:" + APP_NEW, delta, false, OPTIONS);
    assertThat(diff.deltaBytes())
        .as("delta layer much smaller than the target layers")
        .isLessThan(diff.targetBytes() / 20);
    assertThat(diff.targetImageId().toString()).isEqualTo(imageId(APP_NEW));

    Processes.run(null, java.util.List.of("docker", "rmi", "-f", "deltaimage-test/restored:app"));
    ImageDeltaSummary apply = DeltaImage.applyImages(
        delta, "docker-daemon:deltaimage-test/restored:app", Optional.empty(), OPTIONS);
    assertThat(apply.targetImageId()).isEqualTo(diff.targetImageId());
    assertThat(imageId("deltaimage-test/restored:app")).isEqualTo(imageId(APP_NEW));
    String inspect =
        "{{json .Config.Env}} {{json .Config.Cmd}} {{.Config.User}} {{.Config.WorkingDir}} {{json .Config.Labels}}";
    assertThat(Processes.ok(
            null,
            "docker",
            "image",
            "inspect",
            "--format",
            inspect,
            "deltaimage-test/restored:app"))
        .isEqualTo(Processes.ok(null, "docker", "image", "inspect", "--format", inspect, APP_NEW));
    String probe =
        "id -u; pwd; env | grep -v ^HOSTNAME= | sort; ls -l --time-style=full-iso /opt/app/lib";
    assertThat(Processes.ok(
            null,
            "docker",
            "run",
            "--rm",
            "--network=none",
            "deltaimage-test/restored:app",
            "sh",
            "-c",
            probe))
        .as("the restored image runs as the original does")
        .isEqualTo(Processes.ok(
            null, "docker", "run", "--rm", "--network=none", APP_NEW, "sh", "-c", probe));
  }

  @Test
  void throughTheRegistryTheManifestDigestIsTheTargetsToo() {
    String registry = TestServices.registry();
    String oldRef = "docker://" + registry + "/deltaimage-test/app:1.0";
    String newRef = "docker://" + registry + "/deltaimage-test/app:1.1";
    ImageCopy.copy(oldOci, oldRef, COPY);
    var target = ImageCopy.copy(newOci, newRef, COPY);
    String delta = "docker://" + registry + "/deltaimage-test/app:1.0-to-1.1";
    DeltaImage.diffImages(oldRef, newRef, delta, false, OPTIONS);

    String restored = "docker://" + registry + "/deltaimage-test/restored:1.1";
    ImageDeltaSummary apply = DeltaImage.applyImages(delta, restored, Optional.empty(), OPTIONS);
    assertThat(apply.manifestExact())
        .as("java.util.zip layers are rebuilt blob for blob")
        .isTrue();
    assertThat(apply.manifestDigest()).isEqualTo(target.manifestDigest().orElseThrow());
    String digest = Processes.ok(
            null,
            "skopeo",
            "inspect",
            "--tls-verify=false",
            "--format",
            "{{.Digest}}",
            "docker://" + registry + "/deltaimage-test/restored:1.1")
        .strip();
    assertThat(digest).isEqualTo(target.manifestDigest().orElseThrow().toString());
  }

  @Test
  void aLayerTheTargetSharesWithTheSourceIsPassedThroughBlobForBlob() {
    String registry = TestServices.registry();
    String baseRef = "docker://" + registry + "/deltaimage-test/base:new";
    String appRef = "docker://" + registry + "/deltaimage-test/app-on-base:1.1";
    ImageCopy.copy("docker-daemon:deltaimage-test/debian:new", baseRef, COPY);
    var target = ImageCopy.copy(newOci, appRef, COPY);
    String delta = "docker://" + registry + "/deltaimage-test/app-on-base:delta";
    ImageDeltaSummary diff = DeltaImage.diffImages(baseRef, appRef, delta, false, OPTIONS);
    assertThat(diff.layers().get(0).fromSource())
        .as("app:1.1 is built FROM debian:new")
        .isTrue();

    ImageDeltaSummary apply = DeltaImage.applyImages(
        delta,
        "docker://" + registry + "/deltaimage-test/app-on-base:restored",
        Optional.empty(),
        OPTIONS);
    assertThat(apply.manifestExact()).isTrue();
    assertThat(apply.manifestDigest()).isEqualTo(target.manifestDigest().orElseThrow());
  }

  @Test
  void anUnlinkedDeltaNeedsItsSourceAndRefusesAnother() throws IOException {
    String delta = "oci:" + temp.resolve("unlinked") + ":d";
    DeltaImage.diffImages(oldOci, newOci, delta, true, OPTIONS);
    DeltaContents contents = DeltaImage.inspectImage(delta, OPTIONS);
    assertThat(contents.linked()).isFalse();
    assertThat(contents.sourceLayers()).isZero();

    Path out = temp.resolve("out");
    assertThatThrownBy(
            () -> DeltaImage.applyImages(delta, "oci:" + out + ":x", Optional.empty(), OPTIONS))
        .isInstanceOf(SourceRequiredException.class)
        .hasMessageContaining(contents.sourceImageId().toString())
        .extracting(e -> ((SourceRequiredException) e).sourceImageId())
        .isEqualTo(contents.sourceImageId().toString());
    assertThatThrownBy(
            () -> DeltaImage.applyImages(delta, "oci:" + out + ":x", Optional.of(newOci), OPTIONS))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(
            "wrong source image: this delta was made from " + contents.sourceImageId());
    assertThat(out).doesNotExist();
    assertThatThrownBy(() -> DeltaImage.applyImages(
            delta, "docker-daemon:deltaimage-test/never:tagged", Optional.of(newOci), OPTIONS))
        .isInstanceOf(InvalidInputException.class);
    assertThat(Processes.run(
                null,
                java.util.List.of("docker", "image", "inspect", "deltaimage-test/never:tagged"))
            .exit())
        .as("no tag on failure")
        .isNotZero();

    ImageDeltaSummary apply =
        DeltaImage.applyImages(delta, "oci:" + out + ":x", Optional.of(oldOci), OPTIONS);
    assertThat(apply.targetImageId()).isEqualTo(contents.targetImageId());
  }

  @Test
  void onTheDebianPairACorruptDeltaLayerIsRefusedEveryTimeAndNothingIsWritten() throws IOException {
    Path layout = temp.resolve("delta");
    ImageDeltaSummary diff =
        DeltaImage.diffImages(debianOldOci, debianNewOci, "oci:" + layout + ":d", true, OPTIONS);
    assertThat(diff.deltaBytes()).isLessThan(diff.targetBytes() / 20);
    Path restored = temp.resolve("restored");
    ImageDeltaSummary apply = DeltaImage.applyImages(
        "oci:" + layout + ":d", "oci:" + restored + ":new", Optional.of(debianOldOci), OPTIONS);
    assertThat(apply.targetImageId()).isEqualTo(diff.targetImageId());
    assertThat(apply.manifestExact()).isTrue();
    Path blob;
    try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
      blob = blobs.max(java.util.Comparator.comparingLong(ImageDeltaTest::size)).orElseThrow();
    }
    byte[] good = Files.readAllBytes(blob);
    Path out = temp.resolve("out");
    int trials = 0;
    for (int at = 0; at < good.length; at += good.length / 12) {
      byte[] bad = good.clone();
      bad[at] ^= 0x01;
      Files.write(blob, bad);
      assertThatThrownBy(() -> DeltaImage.applyImages(
              "oci:" + layout + ":d", "oci:" + out + ":x", Optional.of(debianOldOci), OPTIONS))
          .isInstanceOf(InvalidInputException.class);
      assertThat(out).doesNotExist();
      trials++;
    }
    Files.write(blob, java.util.Arrays.copyOf(good, good.length / 2));
    assertThatThrownBy(() -> DeltaImage.applyImages(
            "oci:" + layout + ":d", "oci:" + out + ":x", Optional.of(debianOldOci), OPTIONS))
        .isInstanceOf(InvalidInputException.class);
    assertThat(out).doesNotExist();
    assertThat(trials).isGreaterThanOrEqualTo(12);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
