package io.github.deltaimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/deltaimage}, the checkout's launcher, as users run it: the first successful run of a
 * command leaves a class-data-sharing archive that later runs of that command load their classes
 * from, a failed run leaves none, and an archive the JVM cannot use changes nothing a user sees.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LauncherIT {

  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path LAUNCHER = MODULE.getParent().resolve("bin/deltaimage");
  private static final Path ARCHIVES = MODULE.resolve("target/cds");

  @TempDir
  Path work;

  private Path source;

  @BeforeEach
  void twoTreesAndNoArchivesOfTheCommandsUsedHere() throws IOException {
    source = work.resolve("source");
    Files.createDirectories(source);
    Files.writeString(source.resolve("numbers.txt"), numbers(20_000));
    for (String command : List.of("diff", "apply")) {
      for (Path archive : archives(command)) {
        Files.delete(archive);
      }
    }
  }

  @Test
  void the_first_run_of_a_command_leaves_an_archive_and_later_runs_load_the_CLI_from_it()
      throws Exception {
    Path first = target("first");
    Run made = launch(Map.of(), "diff", source.toString(), first.toString());

    assertThat(made.exitCode).as(made.output).isZero();
    assertThat(archives("diff")).hasSize(1);
    assertThat(partials()).isEmpty();

    Path classLog = work.resolve("classes.log");
    Path second = target("second");
    Run shared = launch(
        Map.of(
            "DELTAIMAGE_JAVA_OPTS",
            "-XX:+UseSerialGC -Xmx512m -Xlog:class+load=info:file=" + classLog),
        "diff",
        source.toString(),
        second.toString());

    assertThat(shared.exitCode).as(shared.output).isZero();
    assertThat(Files.readString(classLog))
        .containsPattern("io\\.github\\.deltaimage\\.cli\\.Main source: shared objects file")
        // picocli's Java 5 class files too, which only a static archive holds
        .containsPattern("picocli\\.CommandLine source: shared objects file");
    // the delta the archived run made is a working one
    Run applied = launch(Map.of(), "apply", source.toString(), second.toString());
    assertThat(applied.exitCode).as(applied.output).isZero();
    assertThat(Files.readString(second.resolve("numbers.txt"))).isEqualTo(numbers(20_001));
  }

  @Test
  void a_run_that_fails_leaves_no_archive() throws Exception {
    Path notADelta = target("not-a-delta");

    Run failed = launch(Map.of(), "apply", source.toString(), notADelta.toString());

    assertThat(failed.exitCode).isNotZero();
    assertThat(failed.output).contains("is not a delta tree");
    assertThat(archives("apply")).isEmpty();
    assertThat(partials()).isEmpty();
  }

  @Test
  void an_archive_of_another_jar_is_ignored_without_a_word() throws Exception {
    Run made = launch(Map.of(), "diff", source.toString(), target("first").toString());
    assertThat(made.exitCode).as(made.output).isZero();
    // An archive made with a copy of the jar: the JVM refuses it, and says so on standard output
    // unless told not to.
    Path archive = archives("diff").get(0);
    Path otherJar = work.resolve("other.jar");
    Files.copy(cliJar(), otherJar);
    Path other = work.resolve("other.jsa");
    Process dump = new ProcessBuilder(
            "java", "-XX:ArchiveClassesAtExit=" + other, "-jar", otherJar.toString(), "--version")
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("dump.txt").toFile())
        .start();
    assertThat(dump.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(other).isNotEmptyFile();
    Files.move(other, archive, StandardCopyOption.REPLACE_EXISTING);

    Run run = launch(Map.of(), "diff", source.toString(), target("second").toString());

    assertThat(run.exitCode).as(run.output).isZero();
    assertThat(run.output).doesNotContainIgnoringCase("cds").doesNotContainIgnoringCase("warning");
    assertThat(run.output).isEqualTo(made.output);
  }

  private static Path cliJar() throws IOException {
    try (Stream<Path> files = Files.list(MODULE.resolve("target"))) {
      return files
          .filter(file -> file.getFileName().toString().matches("deltaimage-cli-.*-all\\.jar"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no self-contained jar in target/"));
    }
  }

  @Test
  void a_run_watched_by_Flight_Recorder_loads_no_archive() throws Exception {
    Run made = launch(Map.of(), "diff", source.toString(), target("first").toString());
    assertThat(made.exitCode).as(made.output).isZero();
    assertThat(archives("diff")).hasSize(1);

    // JDK 17 crashes loading a class from a dynamic archive while class loading is watched
    Path classLog = work.resolve("classes.log");
    Run watched = launch(
        Map.of(
            "DELTAIMAGE_JAVA_OPTS",
            "-XX:+UseSerialGC -Xmx512m -XX:StartFlightRecording=filename="
                + work.resolve("run.jfr")
                + " -Xlog:class+load=info:file="
                + classLog),
        "diff",
        source.toString(),
        target("second").toString());

    assertThat(watched.exitCode).as(watched.output).isZero();
    assertThat(Files.readString(classLog))
        .contains("io.github.deltaimage.cli.Main source: ")
        .doesNotContain("shared objects file (top)");
  }

  /** A copy of the source with one line more: a target to diff. */
  private Path target(String name) throws IOException {
    Path target = work.resolve(name);
    Files.createDirectories(target);
    Files.writeString(target.resolve("numbers.txt"), numbers(20_001));
    return target;
  }

  private static String numbers(int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= count; i++) {
      text.append(i).append('\n');
    }
    return text.toString();
  }

  private static List<Path> archives(String command) throws IOException {
    return listArchives(name -> name.startsWith(command + "-jar") && name.endsWith(".jsa"));
  }

  private static List<Path> partials() throws IOException {
    return listArchives(name -> name.endsWith(".partial"));
  }

  private static List<Path> listArchives(Predicate<String> named) throws IOException {
    if (!Files.isDirectory(ARCHIVES)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(ARCHIVES)) {
      return files
          .filter(file -> named.test(file.getFileName().toString()))
          .collect(Collectors.toList());
    }
  }

  private Run launch(Map<String, String> environment, String... arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
    builder.environment().remove("DELTAIMAGE_JAVA_OPTS");
    builder.environment().remove("DELTAIMAGE_CDS");
    builder.environment().putAll(environment);
    Path output = work.resolve("output.txt");
    builder.redirectErrorStream(true).redirectOutput(output.toFile());
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("bin/deltaimage " + String.join(" ", arguments) + " hung");
    }
    return new Run(process.exitValue(), Files.readString(output));
  }

  private record Run(int exitCode, String output) {}
}
