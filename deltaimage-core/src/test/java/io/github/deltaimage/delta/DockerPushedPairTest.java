package io.github.deltaimage.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.testing.Processes;
import io.github.deltaimage.testing.TestServices;
import io.github.deltaimage.testing.Trees;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.Transports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images as registries hold them: two releases built FROM one base with the legacy builder and
 * pushed with {@code docker push} (blobs gzip'd by Go, the base layer shared). The delta restores
 * the target, image ID equal, into every kind of output; the shared base keeps its own blob.
 */
class DockerPushedPairTest {

  private static final DeltaOptions OPTIONS = DeltaOptions.defaults();
  private static final CopyOptions COPY = CopyOptions.defaults();
  private static final String LOCAL_OLD = "deltaimage-test/pushed:1";
  private static final String LOCAL_NEW = "deltaimage-test/pushed:2";

  @TempDir
  static Path shared;

  @TempDir
  Path temp;

  private static String registry;
  private static String oldRef;
  private static String newRef;
  private static String linkedDelta;
  private static Image target;

  @BeforeAll
  static void buildAndPushTwoReleasesOnOneBase() throws IOException {
    TestServices.imagesInDaemon();
    registry = TestServices.registry();
    build(LOCAL_OLD, 1);
    build(LOCAL_NEW, 2);
    oldRef = push(LOCAL_OLD, "deltaimage-test/pushed:1");
    newRef = push(LOCAL_NEW, "deltaimage-test/pushed:2");
    target = image(newRef);
    assertThat(target.layers().get(0).blobDigest())
        .as("both releases share the pushed base blob")
        .isEqualTo(image(oldRef).layers().get(0).blobDigest());
    linkedDelta = "docker://" + registry + "/deltaimage-test/pushed:1-to-2";
    ImageDeltaSummary diff = DeltaImage.diffImages(oldRef, newRef, linkedDelta, false, OPTIONS);
    assertThat(diff.layers().get(0).fromSource()).isTrue();
  }

  private static void build(String tag, int release) throws IOException {
    Path context = Files.createDirectories(shared.resolve("context-" + release));
    Trees.write(context.resolve("app/lib/app.bin"), Trees.edited(Trees.bytes(7, 400_000), release));
    Trees.write(context.resolve("app/version"), ("release " + release + "\n").getBytes());
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM deltaimage-test/debian:new\n" + "COPY app /opt/app\nRUN echo built " + release
            + " > /opt/app/built\nCMD [\"cat\", \"/opt/app/version\"]\n");
    Processes.ok(context, "env", "DOCKER_BUILDKIT=0", "docker", "build", "-q", "-t", tag, ".");
  }

  private static String push(String local, String repoTag) {
    String remote = registry + "/" + repoTag;
    Processes.ok(null, "docker", "tag", local, remote);
    Processes.ok(null, "docker", "push", remote);
    return "docker://" + remote;
  }

  private static Image image(String ref) {
    try (RunDirectory run = RunDirectory.create(RunDirectory.defaultParent());
        Transports transports = new Transports(COPY, run);
        ImageSource source = transports.openSource(ImageReference.parse(ref))) {
      return source.image();
    }
  }

  private static String imageId(String daemonRef) {
    return Processes.ok(null, "docker", "image", "inspect", "--format", "{{.Id}}", daemonRef)
        .strip();
  }

  @Test
  void intoTheRegistryTheManifestDigestIsTheTargetsAndDockerPullsItByThatDigest() {
    String restored = "docker://" + registry + "/deltaimage-test/pushed-restored:2";
    ImageDeltaSummary apply =
        DeltaImage.applyImages(linkedDelta, restored, Optional.empty(), OPTIONS);
    assertThat(apply.targetImageId()).isEqualTo(target.configDigest());
    assertThat(apply.manifestExact())
        .as("Go's gzip, as docker push wrote it, is rebuilt blob for blob: " + apply.notes())
        .isTrue();
    assertThat(apply.manifestDigest()).isEqualTo(target.manifestDigest().orElseThrow());
    Image back = image(restored);
    assertThat(back.configDigest()).isEqualTo(target.configDigest());
    assertThat(back.layers()).isEqualTo(target.layers());
    String config = Processes.ok(
        null, "skopeo", "inspect", "--tls-verify=false", "--config", "--raw", restored);
    assertThat(Digest.sha256(config.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isEqualTo(target.configDigest());

    String byDigest =
        registry + "/deltaimage-test/pushed-restored@" + target.manifestDigest().orElseThrow();
    Processes.ok(null, "docker", "pull", byDigest);
    assertThat(imageId(byDigest)).isEqualTo(target.configDigest().toString());
  }

  @Test
  void aSkopeoCopiedPairRestoresWithItsManifestDigest() {
    String oldCopied = "docker://" + registry + "/deltaimage-test/skopeo-copied:1";
    String newCopied = "docker://" + registry + "/deltaimage-test/skopeo-copied:2";
    String daemon = "unix://" + TestServices.dockerHost().replaceFirst("^unix://", "");
    Processes.ok(
        null,
        "skopeo",
        "copy",
        "--quiet",
        "--src-daemon-host",
        daemon,
        "--dest-tls-verify=false",
        "docker-daemon:" + LOCAL_OLD,
        oldCopied);
    Processes.ok(
        null,
        "skopeo",
        "copy",
        "--quiet",
        "--src-daemon-host",
        daemon,
        "--dest-tls-verify=false",
        "docker-daemon:" + LOCAL_NEW,
        newCopied);
    Image copied = image(newCopied);
    String delta = "docker://" + registry + "/deltaimage-test/skopeo-copied:1-to-2";
    DeltaImage.diffImages(oldCopied, newCopied, delta, false, OPTIONS);
    ImageDeltaSummary apply = DeltaImage.applyImages(
        delta,
        "docker://" + registry + "/deltaimage-test/skopeo-restored:2",
        Optional.empty(),
        OPTIONS);
    assertThat(apply.manifestExact())
        .as("pgzip, as skopeo wrote it, is rebuilt blob for blob: " + apply.notes())
        .isTrue();
    assertThat(apply.manifestDigest()).isEqualTo(copied.manifestDigest().orElseThrow());
  }

  @Test
  void intoTheDaemonTheRestoredImageHasTheTargetsIdAndRunsTheSame() {
    String restored = "deltaimage-test/pushed-restored:2";
    Processes.run(null, List.of("docker", "rmi", "-f", restored));
    DeltaImage.applyImages(linkedDelta, "docker-daemon:" + restored, Optional.empty(), OPTIONS);
    assertThat(imageId(restored))
        .isEqualTo(imageId(LOCAL_NEW))
        .isEqualTo(target.configDigest().toString());
    String probe =
        "cat /opt/app/version /opt/app/built; sha256sum /opt/app/lib/app.bin; ls -l --time-style=full-iso /opt/app";
    assertThat(Processes.ok(
            null, "docker", "run", "--rm", "--network=none", restored, "sh", "-c", probe))
        .isEqualTo(Processes.ok(
            null, "docker", "run", "--rm", "--network=none", LOCAL_NEW, "sh", "-c", probe));
  }

  @Test
  void intoAnOciLayoutAndAnArchiveTheImageIdIsTheTargets() {
    String oci = "oci:" + temp.resolve("layout") + ":2";
    DeltaImage.applyImages(linkedDelta, oci, Optional.empty(), OPTIONS);
    Image fromLayout = image(oci);
    assertThat(fromLayout.configDigest()).isEqualTo(target.configDigest());
    assertThat(fromLayout.layers().get(0).blobDigest())
        .isEqualTo(target.layers().get(0).blobDigest());
    Processes.ok(null, "skopeo", "inspect", oci);

    String archive =
        "docker-archive:" + temp.resolve("restored.tar") + ":deltaimage-test/pushed-restored:2";
    DeltaImage.applyImages(linkedDelta, archive, Optional.empty(), OPTIONS);
    assertThat(image(archive).configDigest()).isEqualTo(target.configDigest());
    assertThat(image(archive).diffIds()).isEqualTo(target.diffIds());
  }

  @Test
  void anUnlinkedDeltaRestoresIntoTheRegistryFromTheSourceInTheRegistry() {
    String delta = "oci:" + temp.resolve("unlinked") + ":d";
    DeltaImage.diffImages(oldRef, newRef, delta, true, OPTIONS);
    String restored = "docker://" + registry + "/deltaimage-test/pushed-unlinked:2";
    ImageDeltaSummary apply = DeltaImage.applyImages(delta, restored, Optional.of(oldRef), OPTIONS);
    assertThat(apply.targetImageId()).isEqualTo(target.configDigest());
    Image back = image(restored);
    assertThat(back.configDigest()).isEqualTo(target.configDigest());
    List<Digest> blobs = back.layers().stream().map(Layer::blobDigest).toList();
    assertThat(blobs.get(0))
        .as("the base blob is mounted from the source's repository")
        .isEqualTo(target.layers().get(0).blobDigest());
  }
}
