package io.github.deltaimage.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.TargetConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The generated Dockerfiles against golden files. To accept a deliberate change, run with
 * {@code -Ddeltaimage.golden.update=true} and review the diff of src/test/resources/golden.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DockerfilesTest {

  private static final String TOOL = "deltaimage/deltaimage:1.2.3";

  static TargetConfig awkwardConfig() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.title", "say \"hi\" for $5 \\ more");
    labels.put("key with space", "v");
    return new TargetConfig(
        List.of(
            "PATH=/usr/local/bin:/usr/bin:/bin", "GREETING=hello \"world\" $HOME \\n", "EMPTY="),
        List.of("/docker-entrypoint.sh", "--flag=\"x\""),
        List.of("serve", "--port", "8080", "$NOT_EXPANDED"),
        "/srv/my app",
        "10001:10001",
        List.of("9090/udp", "8080/tcp"),
        List.of("/data", "/cache"),
        labels);
  }

  @Test
  void diff_has_the_originals_shape() {
    assertGolden(
        "diff.Dockerfile", Dockerfiles.diff("old:1", "new:2", false, TOOL, Optional.empty()));
  }

  @Test
  void unlinked_diff_starts_its_delta_image_from_scratch() {
    assertGolden(
        "diff-unlinked.Dockerfile",
        Dockerfiles.diff("old:1", "new:2", true, TOOL, Optional.empty()));
  }

  @Test
  void apply_has_the_originals_shape() {
    assertGolden(
        "apply.Dockerfile", Dockerfiles.apply("delta:2", Optional.empty(), TOOL, Optional.empty()));
  }

  @Test
  void apply_of_an_unlinked_delta_copies_the_source_in_first() {
    assertGolden(
        "apply-unlinked-source.Dockerfile",
        Dockerfiles.apply("delta:2", Optional.of("old:1"), TOOL, Optional.empty()));
  }

  @Test
  void diff_records_the_target_config_in_a_label() {
    assertGolden(
        "diff-config.Dockerfile",
        Dockerfiles.diff("old:1", "new:2", false, TOOL, Optional.of(awkwardConfig())));
  }

  @Test
  void apply_sets_the_recorded_config_with_every_special_character_escaped() {
    assertGolden(
        "apply-config.Dockerfile",
        Dockerfiles.apply("delta:2", Optional.empty(), TOOL, Optional.of(awkwardConfig())));
  }

  @Test
  void the_label_value_decodes_to_the_same_config() {
    TargetConfig config = awkwardConfig();
    assertThat(TargetConfig.fromLabelValue(config.toLabelValue(), "delta:2")).isEqualTo(config);
  }

  @Test
  void an_unset_cmd_stays_unset_and_an_empty_one_stays_empty() {
    TargetConfig unset = new TargetConfig(null, null, null, null, null, null, null, null);
    TargetConfig empty = new TargetConfig(null, List.of(), List.of(), null, null, null, null, null);
    assertThat(TargetConfig.fromLabelValue(unset.toLabelValue(), "x").cmd()).isNull();
    assertThat(TargetConfig.fromLabelValue(empty.toLabelValue(), "x").cmd()).isEmpty();
    assertThat(Dockerfiles.apply("d", Optional.empty(), TOOL, Optional.of(unset)))
        .doesNotContain("CMD", "ENTRYPOINT");
    assertThat(Dockerfiles.apply("d", Optional.empty(), TOOL, Optional.of(empty)))
        .contains("ENTRYPOINT []\nCMD []\n");
  }

  @Test
  void the_tool_image_is_tagged_with_the_version() {
    assertThat(Dockerfiles.toolImage("0.9.1")).isEqualTo("deltaimage/deltaimage:0.9.1");
    assertThatThrownBy(() -> Dockerfiles.toolImage("1.0 bad"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--override-version");
  }

  @Test
  void references_that_would_inject_dockerfile_lines_are_refused() {
    assertThatThrownBy(
            () -> Dockerfiles.diff("a\nRUN rm -rf /", "b", false, TOOL, Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("IMAGE_A ");
    assertThatThrownBy(() -> Dockerfiles.apply("d", Optional.of("x y"), TOOL, Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("--unlinked-source ");
  }

  @Test
  void a_config_value_with_a_line_break_is_refused_with_what_to_do() {
    TargetConfig config =
        new TargetConfig(List.of("A=1\n2"), null, null, null, null, null, null, null);
    assertThatThrownBy(() -> Dockerfiles.apply("d", Optional.empty(), TOOL, Optional.of(config)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("ENV A")
        .hasMessageContaining("--no-config");
  }

  @Test
  void a_label_that_is_not_ours_is_refused_with_what_to_do() {
    assertThatThrownBy(() -> TargetConfig.fromLabelValue("not base64!", "delta:2"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("delta:2")
        .hasMessageContaining("rebuild");
  }

  private static void assertGolden(String name, String actual) {
    Path source = Path.of("src/test/resources/golden", name);
    if (Boolean.getBoolean("deltaimage.golden.update")) {
      try {
        Files.writeString(source, actual);
      } catch (IOException e) {
        throw new AssertionError("cannot update " + source, e);
      }
      return;
    }
    try (InputStream in = DockerfilesTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in)
          .as("golden file %s (create it with -Ddeltaimage.golden.update=true)", name)
          .isNotNull();
      assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
