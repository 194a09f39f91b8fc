package io.github.deltaimage.maven;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.maven.DefaultDelta.Naming;
import org.junit.jupiter.api.Test;

class DefaultDeltaTest {

  private static String deltaFor(String target) {
    return DefaultDelta.forTarget(ImageReference.parse(target));
  }

  private static String deltaFor(String target, Naming naming) {
    return DefaultDelta.forTarget(ImageReference.parse(target), naming);
  }

  @Test
  void registryTargetGetsASiblingRepositoryWithTheSameTag() {
    assertThat(deltaFor("registry.example.com:5000/team/app:1.1"))
        .isEqualTo("docker://registry.example.com:5000/team/app-delta:1.1");
    assertThat(deltaFor("docker://registry.example.com/app:1.1"))
        .isEqualTo("docker://registry.example.com/app-delta:1.1");
    assertThat(deltaFor("registry.example.com/app@sha256:" + "b".repeat(64)))
        .isEqualTo("docker://registry.example.com/app-delta:delta");
  }

  @Test
  void tagNamingAppendsDeltaToTheTagInTheSameRepository() {
    assertThat(deltaFor("registry.example.com/app:1.1", Naming.TAG))
        .isEqualTo("docker://registry.example.com/app:1.1-delta");
    assertThat(deltaFor("docker-daemon:app:1.1", Naming.TAG))
        .isEqualTo("docker-daemon:app:1.1-delta");
  }

  @Test
  void namingIsParsedWhateverItsCase() {
    assertThat(Naming.parse("Repository")).isEqualTo(Naming.REPOSITORY);
    assertThat(Naming.parse(" tag ")).isEqualTo(Naming.TAG);
    assertThat(Naming.parse("suffix")).isNull();
  }

  @Test
  void daemonTargetStaysInTheDaemon() {
    assertThat(deltaFor("docker-daemon:app:1.1")).isEqualTo("docker-daemon:app-delta:1.1");
  }

  @Test
  void daemonTargetByImageIdHasNoDefault() {
    assertThat(deltaFor("docker-daemon:sha256:" + "a".repeat(64))).isNull();
  }

  @Test
  void ociTargetGetsAnotherTagInTheSameLayout() {
    assertThat(deltaFor("oci:/images/app:1.1")).isEqualTo("oci:/images/app:1.1-delta");
    assertThat(deltaFor("oci:/images/app")).isEqualTo("oci:/images/app:delta");
  }

  @Test
  void archiveTargetGetsASiblingFile() {
    assertThat(deltaFor("docker-archive:/out/app.tar"))
        .isEqualTo("docker-archive:/out/app-delta.tar");
    assertThat(deltaFor("docker-archive:/out/app.tar:app:1.1"))
        .isEqualTo("docker-archive:/out/app-delta.tar:app-delta:1.1");
    assertThat(deltaFor("docker-archive:/out/app.tar:app:1.1", Naming.TAG))
        .isEqualTo("docker-archive:/out/app-delta.tar:app:1.1-delta");
  }
}
