package io.github.deltaimage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {

  @ParameterizedTest(name = "bare {0} is the registry image {1}")
  @CsvSource({
    "debian, docker://docker.io/library/debian:latest",
    "debian:12, docker://docker.io/library/debian:12",
    "user/app, docker://docker.io/user/app:latest",
    "docker.io/debian:12, docker://docker.io/library/debian:12",
    "index.docker.io/library/debian, docker://docker.io/library/debian:latest",
    "localhost/app, docker://localhost/app:latest",
    "127.0.0.1:5000/team/app:1.0, docker://127.0.0.1:5000/team/app:1.0",
    "quay.example/a/b/c:v, docker://quay.example/a/b/c:v",
  })
  void bareNamesAreRegistryReferencesNormalisedLikeDockerPull(String text, String canonical) {
    assertThat(ImageReference.parse(text).toString()).isEqualTo(canonical);
  }

  @Test
  void aRegistryReferenceMayCarryADigestAndThenHasNoDefaultTag() {
    String d = "sha256:" + "a".repeat(64);
    ImageReference.Registry r =
        (ImageReference.Registry) ImageReference.parse("docker://127.0.0.1:5000/app@" + d);
    assertThat(r.name().tag()).isNull();
    assertThat(r.name().manifestReference()).isEqualTo(d);
    assertThat(r.name().path()).isEqualTo("app");
  }

  @Test
  void daemonReferencesTakeATagOrAnImageId() {
    ImageReference.Daemon byName =
        (ImageReference.Daemon) ImageReference.parse("docker-daemon:deltaimage-test/app:1.0");
    assertThat(byName.engineReference()).isEqualTo("deltaimage-test/app:1.0");
    ImageReference.Daemon official =
        (ImageReference.Daemon) ImageReference.parse("docker-daemon:debian");
    assertThat(official.engineReference()).isEqualTo("debian:latest");
    ImageReference.Daemon byId =
        (ImageReference.Daemon) ImageReference.parse("docker-daemon:sha256:" + "b".repeat(64));
    assertThat(byId.imageId().hex()).isEqualTo("b".repeat(64));
  }

  @Test
  void ociAndArchiveReferencesSplitPathAndNameAtTheFirstColon() {
    ImageReference.OciLayout oci =
        (ImageReference.OciLayout) ImageReference.parse("oci:/tmp/layout:v1.2");
    assertThat(oci.directory()).isEqualTo(Path.of("/tmp/layout"));
    assertThat(oci.tag()).isEqualTo("v1.2");
    assertThat(((ImageReference.OciLayout) ImageReference.parse("oci:layout")).tag())
        .isNull();

    ImageReference.DockerArchive a =
        (ImageReference.DockerArchive) ImageReference.parse("docker-archive:/tmp/a.tar:team/app:2");
    assertThat(a.file()).isEqualTo(Path.of("/tmp/a.tar"));
    assertThat(a.name().familiarRepository()).isEqualTo("team/app");
    assertThat(a.name().tag()).isEqualTo("2");
    assertThat(((ImageReference.DockerArchive) ImageReference.parse("docker-archive:a.tar:@1"))
            .index())
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "foo://bar/x | unknown transport 'foo://'",
        "containers-storage:app | transport 'containers-storage' is not supported",
        "docker:app | written docker://",
        "docker://team/App | must be lowercase",
        "docker://host.example/App | must be lowercase",
        "docker://host.example/app:bad/tag | malformed reference",
        "docker://host.example/app@sha256:123 | is not a digest",
        "docker-daemon: | want docker-daemon:REPO:TAG",
        "docker-daemon:app@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | not a manifest digest",
        "oci: | want oci:DIR[:TAG]",
        "docker-archive: | want docker-archive:FILE",
        "'' | empty image reference",
      })
  void malformedReferencesGetOneLineSayingWhatIsWrong(String text, String message) {
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void familiarNamesDropDockerHubAndLibrary() {
    assertThat(DockerName.parse("debian:12", "t").familiarRepository()).isEqualTo("debian");
    assertThat(DockerName.parse("user/app", "t").familiarRepository()).isEqualTo("user/app");
    assertThat(DockerName.parse("127.0.0.1:5000/app", "t").familiarRepository())
        .isEqualTo("127.0.0.1:5000/app");
  }

  @ParameterizedTest(name = "{0} is refused without repeating the login")
  @CsvSource(
      delimiter = '|',
      value = {
        "docker://alice:S3cr3t-pw@registry.example.com/team/app:1.0",
        "docker://alice:S3cr3t-pw@127.0.0.1:5000/app",
        "docker://alice:S3cr3t-pw@registry.example.com",
        "alice:S3cr3t-pw@registry.example.com/team/app:1.0",
        "https://alice:S3cr3t-pw@registry.example.com/team/app",
        "docker:alice:S3cr3t-pw@registry.example.com/app",
        "docker-daemon:alice:S3cr3t-pw@registry.example.com/app:1",
        "docker-archive:app.tar:alice:S3cr3t-pw@registry.example.com/app:1",
        "docker://alice:S3cr3t-pw/x@registry.example.com/app",
      })
  void aLoginWrittenIntoAReferenceIsRefusedAndNotRepeated(String text) {
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("login")
        .satisfies(e -> assertThat(e.getMessage())
            .doesNotContain("S3cr3t")
            .doesNotContain("alice")
            .doesNotContain("\n"))
        .satisfies(e -> assertThat(e.getCause()).isNull());
  }

  @Test
  void digestsAndArchiveIndexesAreNotMistakenForLogins() {
    String d = "sha256:" + "a".repeat(64);
    assertThat(ImageReference.parse("docker://127.0.0.1:5000/app@" + d))
        .isInstanceOf(ImageReference.Registry.class);
    assertThat(ImageReference.parse("app@" + d)).isInstanceOf(ImageReference.Registry.class);
    assertThat(ImageReference.parse("docker://127.0.0.1:5000/app:1@" + d))
        .isInstanceOf(ImageReference.Registry.class);
    assertThat(ImageReference.parse("docker-archive:a.tar:@2"))
        .isInstanceOf(ImageReference.DockerArchive.class);
  }
}
