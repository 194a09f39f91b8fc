package io.github.deltaimage.cli;

import static io.github.deltaimage.cli.Docker.docker;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.ImageConfigs;
import io.github.deltaimage.api.TargetConfig;
import io.github.deltaimage.dockerfile.DaemonImageConfigs;
import io.github.deltaimage.dockerfile.Dockerfiles;
import io.github.deltaimage.testing.TestEnvironment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The docker-file flow on the real engine, as users run it: build the tool image, then
 * {@code deltaimage docker-file diff A B | docker build -t delta -} and
 * {@code deltaimage docker-file apply delta | docker build -t restored -} (legacy builder, no
 * network), and the restored image must equal B: files (listing and content) and config.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DockerFileIT {

  private static final String PREFIX = "deltaimage-it-dockerfile/";
  private static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private final List<String> built = new ArrayList<>();
  private String tool;

  @TempDir
  Path work;

  @BeforeAll
  void buildTheToolImage() throws IOException {
    TestEnvironment.require("DOCKER_HOST");
    TestEnvironment.require("DELTAIMAGE_TEST_IMAGES_READY");
    Path module = Path.of("").toAbsolutePath();
    Path jar;
    try (DirectoryStream<Path> jars =
        Files.newDirectoryStream(module.resolve("target"), "deltaimage-cli-*-all.jar")) {
      jar = jars.iterator().next();
    }
    Docker.Result result = Docker.exec(
        List.of("./run", "build-docker-image", "--jar", jar.toString()), null, module.getParent());
    assertThat(result.exit())
        .as("./run build-docker-image said:\n%s", result.err())
        .isZero();
    tool = Dockerfiles.toolImage(DeltaImage.version());
    assertThat(result.out().strip()).isEqualTo(tool);
  }

  @AfterAll
  void removeWhatWeBuilt() {
    if (!built.isEmpty()) {
      Docker.removeImages(built.toArray(String[]::new));
    }
    // The legacy builder keeps each multi-stage build's temporary stage as an untagged image, a
    // full copy of the image on vfs; ./run fixtures prunes them the same way.
    Docker.exec(List.of(Docker.CLI, "image", "prune", "-f"), null, null);
  }

  @Test
  void the_tool_image_holds_only_opt_deltaimage_with_a_static_launcher_jre_xdelta3_and_loader()
      throws IOException {
    List<String> names = ImageContent.of(tool, work).snapshot().stream()
        .map(line -> line.substring(0, line.indexOf(' ')))
        .filter(name -> !List.of("dev", "etc", "proc", "sys").contains(name))
        .toList();
    assertThat(names).allMatch(name -> name.equals("opt") || name.startsWith("opt/deltaimage"));
    assertThat(names)
        .contains(
            "opt/deltaimage/deltaimage",
            "opt/deltaimage/deltaimage.jar",
            "opt/deltaimage/jre/bin/java",
            "opt/deltaimage/bin/xdelta3",
            "opt/deltaimage/libexec/xdelta3",
            "opt/deltaimage/lib/ld-linux-x86-64.so.2",
            "opt/deltaimage/lib/libc.so.6",
            "opt/deltaimage/lib/liblzma.so.5");
  }

  @Test
  void the_tool_image_runs_docker_file_itself_and_warns_once_that_it_has_no_daemon() {
    Docker.Result result = Docker.exec(
        List.of(
            Docker.CLI, "run", "--rm", "--network=none", tool, "docker-file", "diff", "a:1", "b:2"),
        null,
        null);
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(Dockerfiles.diff("a:1", "b:2", false, tool, Optional.empty()));
    assertThat(result.err().lines())
        .singleElement()
        .asString()
        .startsWith("deltaimage: warning: no Docker daemon");
  }

  @Test
  void the_tool_image_records_the_target_config_when_the_daemon_socket_is_mounted() {
    String host = System.getenv("DOCKER_HOST");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        host.startsWith("unix://"), "DOCKER_HOST is not a unix socket");
    String target = pinned("deltaimage-test/noshell:2", "socket:target");
    Docker.Result result = Docker.exec(
        List.of(
            Docker.CLI,
            "run",
            "--rm",
            "--network=none",
            "-v",
            host.substring("unix://".length()) + ":/var/run/docker.sock",
            tool,
            "docker-file",
            "diff",
            "deltaimage-test/noshell:1",
            target),
        null,
        null);
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out())
        .isEqualTo(Dockerfiles.diff(
            "deltaimage-test/noshell:1", target, false, tool, Optional.of(config(target))));
  }

  static Stream<Arguments> pairs() {
    return Stream.of(
        Arguments.of("debian", "deltaimage-test/debian:old", "deltaimage-test/debian:new"),
        Arguments.of("app", "deltaimage-test/app:1.0", "deltaimage-test/app:1.1"),
        Arguments.of("noshell", "deltaimage-test/noshell:1", "deltaimage-test/noshell:2"));
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @MethodSource("pairs")
  void the_restored_image_has_the_targets_files_timestamps_and_config(
      String name, String fixtureSource, String fixtureTarget) throws IOException {
    String source = pinned(fixtureSource, name + ":source");
    String target = pinned(fixtureTarget, name + ":target");
    String delta = PREFIX + name + ":delta";
    String restored = PREFIX + name + ":restored";
    built.addAll(List.of(delta, restored));

    Docker.build(delta, cli("docker-file", "diff", source, target));
    // The delta image is the source plus one layer.
    List<String> sourceLayers = layers(source);
    List<String> deltaLayers = layers(delta);
    assertThat(deltaLayers)
        .hasSize(sourceLayers.size() + 1)
        .startsWith(sourceLayers.toArray(String[]::new));

    Docker.build(restored, cli("docker-file", "apply", delta));
    assertSameImage(target, restored);
  }

  @Test
  void an_unlinked_delta_image_holds_only_the_delta_and_restores_with_its_source_named()
      throws IOException {
    String delta = PREFIX + "unlinked:delta";
    String restored = PREFIX + "unlinked:restored";
    built.addAll(List.of(delta, restored));
    String source = pinned("deltaimage-test/noshell:1", "unlinked:source");
    String target = pinned("deltaimage-test/noshell:2", "unlinked:target");
    Docker.build(delta, cli("docker-file", "diff", "--unlinked", source, target));
    assertThat(layers(delta)).hasSize(1);
    Docker.build(restored, cli("docker-file", "apply", "--unlinked-source", source, delta));
    assertSameImage(target, restored);
  }

  @Test
  void without_a_recorded_config_apply_warns_once_and_still_restores_the_files()
      throws IOException {
    String delta = PREFIX + "noconfig:delta";
    String restored = PREFIX + "noconfig:restored";
    built.addAll(List.of(delta, restored));
    String source = pinned("deltaimage-test/noshell:1", "noconfig:source");
    String target = pinned("deltaimage-test/noshell:2", "noconfig:target");
    Docker.build(delta, cli("docker-file", "diff", "--no-config", source, target));
    StringWriter err = new StringWriter();
    String dockerfile = cli(err, "docker-file", "apply", delta);
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .contains("has no recorded config");
    Docker.build(restored, dockerfile);
    ImageContent expected = ImageContent.of(target, work);
    ImageContent actual = ImageContent.of(restored, work);
    assertThat(actual.snapshot()).containsExactlyElementsOf(expected.snapshot());
    assertThat(config(restored).cmd()).isNull();
  }

  /**
   * Our own tag for a fixture image, so that a fixture rebuilt meanwhile (by another run sharing the
   * daemon) cannot change a pair halfway through a test.
   */
  private String pinned(String image, String tag) {
    String ours = PREFIX + tag;
    docker("tag", image, ours);
    built.add(ours);
    return ours;
  }

  @Test
  void every_special_character_of_a_config_survives_a_real_build() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.title", "say \"hi\" for $5 \\ more");
    labels.put("key with space", "v");
    TargetConfig awkward = new TargetConfig(
        List.of(
            "PATH=/usr/local/bin:/usr/bin:/bin", "GREETING=hello \"world\" $HOME \\n", "EMPTY="),
        List.of("/docker-entrypoint.sh", "--flag=\"x\""),
        List.of("serve", "--port", "8080", "$NOT_EXPANDED"),
        "/srv/my app",
        "10001:10001",
        List.of("9090/udp", "8080/tcp"),
        List.of("/data", "/cache"),
        labels);
    String apply = Dockerfiles.apply("unused", Optional.empty(), tool, Optional.of(awkward));
    // The final stage alone, with files from a fixture instead of the applied delta.
    String finalStage = apply
        .substring(apply.lastIndexOf("FROM scratch"))
        .replace(
            "COPY --from=applied " + Dockerfiles.DELTA_PATH + "/ /",
            "COPY --from=" + pinned("deltaimage-test/noshell:1", "config:files") + " / /");
    String image = PREFIX + "config:awkward";
    built.add(image);
    Docker.build(image, finalStage);
    assertThat(config(image)).isEqualTo(awkward);
  }

  private void assertSameImage(String target, String restored) throws IOException {
    ImageContent expected = ImageContent.of(target, work);
    ImageContent actual = ImageContent.of(restored, work);
    assertThat(actual.listing())
        .as("docker export listing of %s vs %s", restored, target)
        .containsExactlyElementsOf(expected.listing());
    assertThat(actual.snapshot())
        .as("files of %s vs %s", restored, target)
        .containsExactlyElementsOf(expected.snapshot());
    assertThat(config(restored)).isEqualTo(expectedConfig(target));
  }

  /**
   * The target's config as a legacy build can give it back: that builder gives every stage a
   * default PATH, so a target without one (an imported rootfs, say) comes back with it, first.
   */
  private static TargetConfig expectedConfig(String target) {
    TargetConfig config = config(target);
    if (config.env().stream().anyMatch(variable -> variable.startsWith("PATH="))) {
      return config;
    }
    List<String> env = new ArrayList<>();
    env.add("PATH=" + DEFAULT_PATH);
    env.addAll(config.env());
    return new TargetConfig(
        env,
        config.entrypoint(),
        config.cmd(),
        config.workingDir(),
        config.user(),
        config.exposedPorts(),
        config.volumes(),
        config.labels());
  }

  private static TargetConfig config(String image) {
    try (ImageConfigs daemon = DaemonImageConfigs.fromEnvironment().orElseThrow()) {
      return daemon.configOf(image).orElseThrow();
    }
  }

  private static List<String> layers(String image) {
    return Arrays.asList(
        docker("image", "inspect", "-f", "{{range .RootFS.Layers}}{{.}} {{end}}", image)
            .strip()
            .split(" "));
  }

  /** Runs the CLI in this JVM (against DOCKER_HOST) and returns what it printed; it must not warn. */
  private static String cli(String... args) {
    StringWriter err = new StringWriter();
    String out = cli(err, args);
    assertThat(err.toString())
        .as("stderr of deltaimage %s", String.join(" ", args))
        .isEmpty();
    return out;
  }

  private static String cli(StringWriter err, String... args) {
    StringWriter out = new StringWriter();
    int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(exit).as("deltaimage %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }
}
