package io.github.deltaimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @TempDir
  Path temp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void versionPrintsTheBuildVersion() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).matches("deltaimage \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
  }

  @Test
  void helpListsTheOriginalsCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("diff", "apply", "--debug");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(run("diff", "only-one-dir")).isEqualTo(2);
    assertThat(run("frobnicate")).isEqualTo(2);
  }

  @Test
  void failuresExitWithOneAndOneLineOnStderr() {
    assertThat(run("apply", temp.resolve("missing").toString(), temp.toString())).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("deltaimage: SOURCE_DIR " + temp.resolve("missing") + " does not exist" + System.lineSeparator());
  }

  @Test
  void diffThenApplyRoundTripsWithDebugOutput() throws IOException {
    Path source = Files.createDirectories(temp.resolve("source"));
    Path target = Files.createDirectories(temp.resolve("target"));
    byte[] data = new byte[100_000];
    new java.util.Random(1).nextBytes(data);
    Files.write(source.resolve("file"), data);
    data[500] ^= 1;
    Files.write(target.resolve("file"), data);

    assertThat(run("-d", "diff", source.toString(), target.toString())).isZero();
    assertThat(err.toString()).contains("DELTA").contains("total");
    assertThat(Files.size(target.resolve("file"))).isLessThan(1000);
    assertThat(run("apply", source.toString(), target.toString())).isZero();
    assertThat(Files.readAllBytes(target.resolve("file"))).isEqualTo(data);
  }
}
