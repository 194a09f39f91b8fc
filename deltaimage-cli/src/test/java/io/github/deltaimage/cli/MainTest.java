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
    assertThat(run("apply", temp.resolve("missing").toString(), temp.toString()))
        .isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("deltaimage: SOURCE_DIR " + temp.resolve("missing") + " does not exist"
            + System.lineSeparator());
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

  @Test
  void aLoginInAReferenceIsRefusedWithoutBeingPrintedEvenWithDebug() {
    assertThat(run(
            "-d",
            "copy",
            "docker://alice:S3cr3t-pw@registry.example.com/app:1",
            "oci:" + temp.resolve("out")))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("deltaimage: ")
        .contains("login")
        .doesNotContain("S3cr3t-pw");
    assertThat(out.toString()).doesNotContain("S3cr3t-pw");
  }

  @Test
  void aRegistryFailureWithALoginPrintsNeitherPasswordNorItsBase64EvenWithDebug()
      throws IOException {
    int port;
    try (java.net.ServerSocket closed =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = closed.getLocalPort();
    }
    System.setProperty("deltaimage.registry.retries", "1");
    try {
      assertThat(run(
              "-d",
              "copy",
              "--src-creds",
              "alice:S3cr3t-pw",
              "docker://127.0.0.1:" + port + "/app:1",
              "oci:" + temp.resolve("out")))
          .isEqualTo(1);
    } finally {
      System.clearProperty("deltaimage.registry.retries");
    }
    String basic = java.util.Base64.getEncoder()
        .encodeToString("alice:S3cr3t-pw".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(err.toString())
        .contains("unreachable")
        .doesNotContain("S3cr3t-pw")
        .doesNotContain(basic);
  }

  @Test
  void theImageCommandsTakeTheRegistryLimitsToo() {
    assertThat(run("image", "apply", "--help")).isZero();
    assertThat(out.toString()).contains("--registry-timeout").contains("--registry-retries");
  }

  @Test
  void aMalformedRegistryTimeoutIsAUsageError() {
    assertThat(run(
            "copy",
            "--registry-timeout",
            "soon",
            "docker://127.0.0.1:1/app:1",
            "oci:" + temp.resolve("out")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--registry-timeout soon is not a duration");
  }

  @Test
  void registryRetriesFromTheCommandLineAreUsed() throws IOException {
    int port;
    try (java.net.ServerSocket closed =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = closed.getLocalPort();
    }
    assertThat(run(
            "copy",
            "--registry-retries",
            "2",
            "--registry-timeout",
            "2s",
            "docker://127.0.0.1:" + port + "/app:1",
            "oci:" + temp.resolve("out")))
        .isEqualTo(1);
    assertThat(err.toString()).contains("connection refused, 2 tries");
  }
}
