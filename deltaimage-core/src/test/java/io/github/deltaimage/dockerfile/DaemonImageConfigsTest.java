package io.github.deltaimage.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.ImageConfigs;
import io.github.deltaimage.api.TargetConfig;
import io.github.deltaimage.testing.TestServices;
import io.github.deltaimage.transport.daemon.DockerJavaEngine;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Image configs read through the transports' docker-java engine, on the real daemon's fixture app:1.0. */
class DaemonImageConfigsTest {

  @Test
  void the_config_of_a_built_image_comes_back_field_by_field() {
    try (ImageConfigs daemon =
        new DaemonImageConfigs(DockerJavaEngine.forHost(TestServices.imagesInDaemon()))) {
      TargetConfig config = daemon.configOf("deltaimage-test/app:1.0").orElseThrow();

      assertThat(config.env())
          .contains("APP_HOME=/opt/app", "APP_VERSION=1.0", "JAVA_TOOL_OPTIONS=-Xmx64m");
      assertThat(config.cmd()).isEqualTo(List.of("/opt/app/bin/app", "8080"));
      assertThat(config.entrypoint()).isNull();
      assertThat(config.workingDir()).isEqualTo("/opt/app");
      assertThat(config.user()).isEqualTo("10001:10001");
      assertThat(config.exposedPorts()).containsExactly("8080/tcp");
      assertThat(config.labels()).containsEntry("org.opencontainers.image.version", "1.0");
      assertThat(daemon.endpoint()).isEqualTo(TestServices.imagesInDaemon());
    }
  }

  @Test
  void an_image_the_daemon_lacks_has_no_config() {
    try (ImageConfigs daemon =
        new DaemonImageConfigs(DockerJavaEngine.forHost(TestServices.imagesInDaemon()))) {
      assertThat(daemon.configOf("deltaimage-test/no-such-image:never")).isEmpty();
    }
  }
}
