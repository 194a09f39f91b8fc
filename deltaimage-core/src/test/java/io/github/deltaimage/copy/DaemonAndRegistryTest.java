package io.github.deltaimage.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.CopyEvent;
import io.github.deltaimage.api.CopyResult;
import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.api.RetryPolicy;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.testing.Processes;
import io.github.deltaimage.testing.SyntheticImages;
import io.github.deltaimage.testing.TestServices;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.daemon.DockerJavaEngine;
import io.github.deltaimage.transport.oci.OciLayoutSource;
import io.github.deltaimage.transport.registry.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the real test services: Debian's dockerd (vfs) and Debian's docker-registry on
 * 127.0.0.1, plain and with htpasswd, on the fixture images (a debootstrap root filesystem
 * imported into the daemon, and app:1.0 made by docker build).
 */
class DaemonAndRegistryTest {
  private static final String APP = "deltaimage-test/app:1.0";
  private static final String DEBIAN = "deltaimage-test/debian:old";

  @TempDir
  Path tmp;

  Path runs;
  CopyOptions options;
  final String run = UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void setUp() throws Exception {
    runs = Files.createDirectories(tmp.resolve("runs"));
    options = CopyOptions.defaults()
        .withTempParent(runs)
        .withRetry(new RetryPolicy(2, Duration.ofMillis(50)))
        .withDockerConfigLookup(Map.of(), tmp.resolve("home"));
  }

  private static String docker(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(TestServices.tool("docker"));
    cmd.addAll(List.of(args));
    Processes.Result r = Processes.run(null, cmd);
    if (r.exit() != 0) {
      throw new AssertionError("docker " + String.join(" ", args) + ": " + r.out());
    }
    return r.out().strip();
  }

  private static String skopeoDigest(String ref, String... extra) {
    List<String> cmd =
        new ArrayList<>(List.of(TestServices.tool("skopeo"), "inspect", "--format", "{{.Digest}}"));
    cmd.addAll(List.of(extra));
    cmd.add(ref);
    Processes.Result r = Processes.run(null, cmd);
    if (r.exit() != 0) {
      throw new AssertionError("skopeo inspect " + ref + ": " + r.out());
    }
    return r.out().strip();
  }

  @Test
  void aRoundTripDaemonOciRegistryArchiveDaemonKeepsTheImageId() throws Exception {
    TestServices.imagesInDaemon();
    String registry = TestServices.registry();
    String imageId = docker("image", "inspect", "--format", "{{.Id}}", APP);

    CopyResult toOci =
        ImageCopy.copy("docker-daemon:" + APP, "oci:" + tmp.resolve("oci") + ":app", options);
    assertThat(toOci.imageId().toString()).isEqualTo(imageId);
    assertThat(toOci.diffIds()).hasSizeGreaterThan(2);
    assertThat(skopeoDigest("oci:" + tmp.resolve("oci") + ":app"))
        .isEqualTo(toOci.manifestDigest().orElseThrow().toString());
    Processes.ok(null, TestServices.tool("umoci"), "stat", "--image", tmp.resolve("oci") + ":app");

    String pushed = registry + "/roundtrip-" + run + "/app:1.0";
    CopyResult toRegistry =
        ImageCopy.copy("oci:" + tmp.resolve("oci") + ":app", "docker://" + pushed, options);
    assertThat(toRegistry.imageId().toString()).isEqualTo(imageId);
    assertThat(toRegistry.manifestDigest()).isEqualTo(toOci.manifestDigest());
    assertThat(skopeoDigest("docker://" + pushed, "--tls-verify=false"))
        .isEqualTo(toOci.manifestDigest().orElseThrow().toString());

    Path archive = tmp.resolve("app.tar");
    String archiveTag = "roundtrip-" + run + "/app:archive";
    CopyResult toArchive = ImageCopy.copy(
        "docker://" + pushed, "docker-archive:" + archive + ":" + archiveTag, options);
    assertThat(toArchive.imageId().toString()).isEqualTo(imageId);
    assertThat(toArchive.diffIds()).isEqualTo(toOci.diffIds());
    assertThat(docker("load", "-i", archive.toString())).contains("Loaded image: " + archiveTag);
    assertThat(docker("image", "inspect", "--format", "{{.Id}}", archiveTag)).isEqualTo(imageId);
    docker("rmi", archiveTag);

    String backTag = "roundtrip-" + run + "/app:back";
    CopyResult back =
        ImageCopy.copy("docker-archive:" + archive, "docker-daemon:" + backTag, options);
    assertThat(back.imageId().toString()).isEqualTo(imageId);
    assertThat(docker("image", "inspect", "--format", "{{.Id}}", backTag)).isEqualTo(imageId);
    docker("rmi", backTag);

    docker("pull", pushed);
    assertThat(docker("image", "inspect", "--format", "{{.Id}}", pushed)).isEqualTo(imageId);
    docker("rmi", pushed);
    assertThat(runs).isEmptyDirectory();
  }

  @Test
  void registryToRegistryKeepsTheManifestDigestAndMountsBlobsWithinARegistry() {
    TestServices.imagesInDaemon();
    String registry = TestServices.registry();
    String first = "docker://" + registry + "/mount-" + run + "/a:1";
    CopyResult pushed = ImageCopy.copy("docker-daemon:" + DEBIAN, first, options.withGzipLevel(1));
    assertThat(pushed.manifestDigest()).isPresent();

    List<CopyEvent> events = new CopyOnWriteArrayList<>();
    CopyResult copied = ImageCopy.copy(
        first,
        "docker://" + registry + "/mount-" + run + "/b:1",
        options.withListener(events::add));
    assertThat(copied.manifestDigest()).isEqualTo(pushed.manifestDigest());
    assertThat(copied.imageId()).isEqualTo(pushed.imageId());
    assertThat(events)
        .filteredOn(e -> e instanceof CopyEvent.BlobSkipped s && s.reason().equals("mounted"))
        .hasSize(pushed.diffIds().size());
    assertThat(copied.bytesMoved()).isZero();

    events.clear();
    ImageCopy.copy(
        first,
        "docker://" + registry + "/mount-" + run + "/b:again",
        options.withListener(events::add));
    assertThat(events)
        .filteredOn(
            e -> e instanceof CopyEvent.BlobSkipped s && s.reason().equals("already present"))
        .hasSize(pushed.diffIds().size());
  }

  @Test
  void aMultiPlatformIndexInTheRegistryYieldsTheWantedPlatform() throws Exception {
    String registry = TestServices.registry();
    String repo = "multi-" + run + "/app";
    SyntheticImages.Built amd =
        SyntheticImages.ociLayout(tmp.resolve("amd"), "x", "amd64", SyntheticImages.threeLayers());
    SyntheticImages.Built arm =
        SyntheticImages.ociLayout(tmp.resolve("arm"), "x", "arm64", SyntheticImages.threeLayers());
    ImageCopy.copy(
        "oci:" + tmp.resolve("amd") + ":x",
        "docker://" + registry + "/" + repo + ":amd64",
        options);
    ImageCopy.copy(
        "oci:" + tmp.resolve("arm") + ":x",
        "docker://" + registry + "/" + repo + ":arm64",
        options);
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + entry(tmp.resolve("amd"), amd.manifestDigest(), "amd64") + ","
            + entry(tmp.resolve("arm"), arm.manifestDigest(), "arm64") + "]}";
    RegistryClient client = new RegistryClient(
        registry,
        new io.github.deltaimage.transport.registry.credentials.CredentialResolver(
            null, Map.of(), tmp),
        java.util.Set.of(),
        RetryPolicy.DEFAULT);
    client.putManifest(
        repo,
        "multi",
        index.getBytes(StandardCharsets.UTF_8),
        "application/vnd.oci.image.index.v1+json",
        "test");

    CopyResult r = ImageCopy.copy(
        "docker://" + registry + "/" + repo + ":multi",
        "oci:" + tmp.resolve("out") + ":arm",
        options.withPlatform(Platform.parse("linux/arm64")));
    assertThat(r.imageId()).isEqualTo(arm.imageId());
    assertThat(r.sourceManifestDigest()).contains(arm.manifestDigest());
    CopyResult def = ImageCopy.copy(
        "docker://" + registry + "/" + repo + ":multi",
        "oci:" + tmp.resolve("out") + ":amd",
        options.withPlatform(Platform.parse("linux/amd64")));
    assertThat(def.imageId()).isEqualTo(amd.imageId());
  }

  private static String entry(Path layout, Digest manifest, String arch) throws Exception {
    long size = Files.size(layout.resolve("blobs/sha256").resolve(manifest.hex()));
    return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifest
        + "\",\"size\":" + size + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"" + arch
        + "\"}}";
  }

  @Test
  void theHtpasswdRegistryTakesExplicitCredentialsAndDockerConfigAndChunkedUploads()
      throws Exception {
    TestServices.AuthRegistry auth = TestServices.authRegistry();
    SyntheticImages.Built built =
        SyntheticImages.ociLayout(tmp.resolve("src"), "v1", "amd64", SyntheticImages.threeLayers());
    String dest = "docker://" + auth.host() + "/auth-" + run + "/app:1";

    CopyResult pushed = ImageCopy.copy(
        "oci:" + tmp.resolve("src") + ":v1",
        dest,
        options
            .withDestinationCredentials(
                new Credentials(auth.user(), auth.password(), false, "test"))
            .withChunkSize(64 * 1024));
    assertThat(pushed.manifestDigest()).contains(built.manifestDigest());

    Path config = Files.createDirectories(tmp.resolve("dockerconfig"));
    String b64 = Base64.getEncoder()
        .encodeToString((auth.user() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        config.resolve("config.json"),
        "{\"auths\":{\"" + auth.host() + "\":{\"auth\":\"" + b64 + "\"}}}");
    CopyResult pulled = ImageCopy.copy(
        dest,
        "oci:" + tmp.resolve("back") + ":v1",
        options.withDockerConfigLookup(
            Map.of("DOCKER_CONFIG", config.toString()), tmp.resolve("home")));
    assertThat(pulled.imageId()).isEqualTo(built.imageId());
    assertThat(pulled.sourceManifestDigest()).contains(built.manifestDigest());
    assertThat(skopeoDigest(
            dest, "--tls-verify=false", "--creds", auth.user() + ":" + auth.password()))
        .isEqualTo(built.manifestDigest().toString());
  }

  @Test
  void aWrongOrMissingLoginSaysWhichSourcesWereTriedAndNeverTheSecret() throws Exception {
    TestServices.AuthRegistry auth = TestServices.authRegistry();
    SyntheticImages.ociLayout(tmp.resolve("src"), "v1", "amd64", SyntheticImages.threeLayers());
    String dest = "docker://" + auth.host() + "/denied-" + run + "/app:1";
    String secret = "not-" + auth.password();
    assertThatThrownBy(() -> ImageCopy.copy(
            "oci:" + tmp.resolve("src") + ":v1",
            dest,
            options.withDestinationCredentials(
                new Credentials(auth.user(), secret, false, "--dest-creds"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("401")
        .hasMessageContaining("--dest-creds")
        .hasMessageContaining(auth.user())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret).doesNotContain("\n"));
    assertThatThrownBy(() -> ImageCopy.copy(dest, "oci:" + tmp.resolve("x"), options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("credential sources tried: "
            + tmp.resolve("home").resolve(".docker/config.json") + " (not present)");
  }

  @Test
  void aFailedPushLeavesNoTag() throws Exception {
    String registry = TestServices.registry();
    SyntheticImages.ociLayout(tmp.resolve("src"), "v1", "amd64", SyntheticImages.threeLayers());
    Image image = new OciLayoutSource(
            new ImageReference.OciLayout(tmp.resolve("src"), "v1"), Platform.current())
        .image();
    Files.write(
        tmp.resolve("src/blobs/sha256")
            .resolve(image.layers().get(2).blobDigest().hex()),
        "garbage".getBytes(StandardCharsets.UTF_8));
    String dest = "docker://" + registry + "/failed-" + run + "/app:1";
    assertThatThrownBy(() -> ImageCopy.copy("oci:" + tmp.resolve("src") + ":v1", dest, options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(image.layers().get(2).blobDigest().toString());
    assertThatThrownBy(() -> ImageCopy.copy(dest, "oci:" + tmp.resolve("x"), options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not found");
  }

  @Test
  void aLoadTheDaemonRejectsSurfacesAndTagsNothing() throws Exception {
    TestServices.dockerHost();
    // a "layer" that is no tar: its digest matches its diff_id, so only docker load can object
    Path root = Files.createDirectories(tmp.resolve("root/l"));
    byte[] junk = "this is not a tar archive, docker load must fail"
        .repeat(40)
        .getBytes(StandardCharsets.UTF_8);
    Files.write(root.resolve("layer.tar"), junk);
    Digest diffId = Digest.sha256(junk);
    byte[] config = SyntheticImages.config("amd64", List.of(diffId));
    Files.write(tmp.resolve("root").resolve(Digest.sha256(config).hex() + ".json"), config);
    Files.writeString(
        tmp.resolve("root/manifest.json"),
        "[{\"Config\":\"" + Digest.sha256(config).hex()
            + ".json\",\"RepoTags\":null,\"Layers\":[\"l/layer.tar\"]}]");
    Processes.ok(tmp.resolve("root"), "tar", "-cf", tmp.resolve("junk.tar").toString(), ".");
    String tag = "rejected-" + run + "/app:1";
    assertThatThrownBy(() -> ImageCopy.copy(
            "docker-archive:" + tmp.resolve("junk.tar"), "docker-daemon:" + tag, options))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("could not load the image");
    assertThat(Processes.run(null, List.of(TestServices.tool("docker"), "image", "inspect", tag))
            .exit())
        .isNotZero();
  }

  @Test
  void missingImagesAndUnreachablePlacesGetOneLineEach() {
    TestServices.dockerHost();
    String registry = TestServices.registry();
    assertThatThrownBy(() -> ImageCopy.copy(
            "docker-daemon:deltaimage-test/absent:1", "oci:" + tmp.resolve("x"), options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no such image in the Docker daemon");
    assertThatThrownBy(() -> ImageCopy.copy(
            "docker://" + registry + "/absent-" + run + ":1", "oci:" + tmp.resolve("x"), options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not found in registry");
    assertThatThrownBy(
            () -> ImageCopy.copy("docker://127.0.0.1:1/app:1", "oci:" + tmp.resolve("x"), options))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("unreachable")
        .hasMessageContaining("connection refused");
    assertThatThrownBy(() -> ImageCopy.copy(
            "docker-daemon:" + APP,
            "oci:" + tmp.resolve("x"),
            options.withEngine(
                () -> DockerJavaEngine.forHost("unix://" + tmp.resolve("no-daemon.sock")))))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("cannot reach the Docker daemon")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(runs).isEmptyDirectory();
  }
}
