package io.github.deltaimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageConfigs;
import io.github.deltaimage.api.TargetConfig;
import io.github.deltaimage.dockerfile.Dockerfiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** {@code docker-file diff|apply} with a stand-in daemon: what is printed, and every way to warn. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DockerFileCommandTest {

  private static final TargetConfig APP = new TargetConfig(
      List.of("PATH=/bin", "APP=1"),
      null,
      List.of("/app"),
      "/srv",
      "1000",
      List.of("8080/tcp"),
      null,
      Map.of("version", "1.1"));

  private final Supplier<Optional<ImageConfigs>> realDaemon = DockerFileCommand.configs;
  private final Map<String, TargetConfig> images = new HashMap<>();
  private int lookups;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void putTheRealDaemonBack() {
    DockerFileCommand.configs = realDaemon;
  }

  private void daemonWith(Map<String, TargetConfig> content) {
    images.putAll(content);
    DockerFileCommand.configs = () -> {
      lookups++;
      return Optional.of(new ImageConfigs() {
        @Override
        public Optional<TargetConfig> configOf(String image) {
          return Optional.ofNullable(images.get(image));
        }

        @Override
        public String endpoint() {
          return "unix:///fake.sock";
        }

        @Override
        public void close() {}
      });
    };
  }

  private int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static String tool() {
    return Dockerfiles.toolImage(DeltaImage.version());
  }

  @Test
  void diff_records_the_targets_config_and_apply_sets_it_again() {
    daemonWith(Map.of("app:1.1", APP));
    assertThat(run("docker-file", "diff", "app:1.0", "app:1.1")).isZero();
    assertThat(out.toString())
        .isEqualTo(Dockerfiles.diff("app:1.0", "app:1.1", false, tool(), Optional.of(APP)));
    assertThat(err.toString()).isEmpty();

    // The delta image as docker build makes it: the source's config plus our label.
    images.put(
        "delta",
        new TargetConfig(
            null,
            null,
            List.of("bash"),
            null,
            null,
            null,
            null,
            Map.of(TargetConfig.LABEL, APP.toLabelValue(), "from-the-source", "x")));
    out.getBuffer().setLength(0);
    assertThat(run("docker-file", "apply", "delta")).isZero();
    assertThat(out.toString())
        .isEqualTo(Dockerfiles.apply("delta", Optional.empty(), tool(), Optional.of(APP)))
        .contains("CMD [\"/app\"]")
        .doesNotContain("bash", "from-the-source");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void an_image_the_daemon_does_not_have_gives_one_warning_and_the_originals_dockerfile() {
    daemonWith(Map.of());
    assertThat(run("docker-file", "diff", "--unlinked", "a:1", "b:2")).isZero();
    assertThat(out.toString())
        .isEqualTo(Dockerfiles.diff("a:1", "b:2", true, tool(), Optional.empty()));
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .isEqualTo(
            "deltaimage: warning: IMAGE_B b:2 is not in the Docker daemon at unix:///fake.sock (docker pull it first);"
                + " printing the original's Dockerfile, so the restored image will not get IMAGE_B's config back");
  }

  @Test
  void an_unreachable_daemon_gives_one_warning_and_the_originals_dockerfile() {
    DockerFileCommand.configs = () -> {
      throw new EnvironmentException(
          "cannot reach the Docker daemon at unix:///gone.sock (No such file)");
    };
    assertThat(run("docker-file", "apply", "--unlinked-source", "a:1", "delta")).isZero();
    assertThat(out.toString())
        .isEqualTo(Dockerfiles.apply("delta", Optional.of("a:1"), tool(), Optional.empty()));
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .startsWith("deltaimage: warning: cannot reach the Docker daemon at unix:///gone.sock");
  }

  @Test
  void a_delta_image_without_our_label_gives_one_warning() {
    daemonWith(
        Map.of("old-delta", new TargetConfig(null, null, null, null, null, null, null, Map.of())));
    assertThat(run("docker-file", "apply", "old-delta")).isZero();
    assertThat(out.toString())
        .isEqualTo(Dockerfiles.apply("old-delta", Optional.empty(), tool(), Optional.empty()));
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .contains("has no recorded config");
  }

  @Test
  void no_config_asks_no_daemon_and_override_version_picks_the_tool_tag() {
    daemonWith(Map.of("b:2", APP));
    assertThat(
            run("docker-file", "diff", "--no-config", "--override-version", "0.1.1", "a:1", "b:2"))
        .isZero();
    assertThat(lookups).isZero();
    assertThat(out.toString())
        .isEqualTo(
            Dockerfiles.diff("a:1", "b:2", false, "deltaimage/deltaimage:0.1.1", Optional.empty()));
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void a_bad_reference_fails_with_one_line_and_exit_code_one() {
    daemonWith(Map.of());
    assertThat(run("docker-file", "diff", "--no-config", "a b", "c")).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "deltaimage: IMAGE_A 'a b' is not an image reference (like name:tag or name@sha256:...)"
                + System.lineSeparator());
  }

  @Test
  void docker_file_without_a_command_is_a_usage_error() {
    assertThat(run("docker-file")).isEqualTo(2);
    assertThat(err.toString()).contains("docker-file needs a command: diff or apply");
  }
}
