package io.github.deltaimage.maven;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.reference.ImageReference;
import org.junit.jupiter.api.Test;

class DefaultDeltaTest {

  private static String deltaFor(String target) {
    return DefaultDelta.forTarget(ImageReference.parse(target));
  }

  @Test
  void registryTargetGetsTheTagWithDeltaAppended() {
    assertThat(deltaFor("registry.example.com:5000/team/app:1.1")).isEqualTo("docker://registry.example.com:5000/team/app:1.1-delta");
    assertThat(deltaFor("docker://registry.example.com/app:1.1")).isEqualTo("docker://registry.example.com/app:1.1-delta");
  }

  @Test
  void daemonTargetStaysInTheDaemon() {
    assertThat(deltaFor("docker-daemon:app:1.1")).isEqualTo("docker-daemon:app:1.1-delta");
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
    assertThat(deltaFor("docker-archive:/out/app.tar")).isEqualTo("docker-archive:/out/app-delta.tar");
    assertThat(deltaFor("docker-archive:/out/app.tar:app:1.1")).isEqualTo("docker-archive:/out/app-delta.tar:app:1.1-delta");
  }
}
