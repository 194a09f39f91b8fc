package io.github.deltaimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyCommandTest {
  @TempDir
  Path tmp;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** A one-layer docker-archive made with GNU tar, as docker save lays it out. */
  private Path archive() throws Exception {
    Path layer = Files.createDirectories(tmp.resolve("layer/etc"));
    Files.writeString(layer.resolve("motd"), "hello from the cli test\n");
    exec(tmp.resolve("layer"), "tar", "-cf", tmp.resolve("layer.tar").toString(), ".");
    String diffId = "sha256:" + sha256(Files.readAllBytes(tmp.resolve("layer.tar")));
    Path root = Files.createDirectories(tmp.resolve("root/l1"));
    Files.move(tmp.resolve("layer.tar"), root.resolve("layer.tar"));
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + diffId + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    String id = sha256(config);
    Files.write(tmp.resolve("root").resolve(id + ".json"), config);
    Files.writeString(
        tmp.resolve("root/manifest.json"),
        "[{\"Config\":\"" + id
            + ".json\",\"RepoTags\":[\"cli/test:1\"],\"Layers\":[\"l1/layer.tar\"]}]");
    exec(tmp.resolve("root"), "tar", "-cf", tmp.resolve("image.tar").toString(), ".");
    return tmp.resolve("image.tar");
  }

  private static void exec(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .start();
    String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError(String.join(" ", cmd) + ": " + o);
    }
  }

  @Test
  void copyBetweenArchiveAndOciLayoutKeepsTheImageIdAndPrintsOneSummaryLine() throws Exception {
    Path archive = archive();
    String id = sha256(Files.readAllBytes(Files.list(tmp.resolve("root"))
        .filter(p -> p.toString().endsWith(".json") && !p.endsWith("manifest.json"))
        .findFirst()
        .orElseThrow()));
    assertThat(run("copy", "docker-archive:" + archive, "oci:" + tmp.resolve("layout") + ":1"))
        .isZero();
    assertThat(out.toString()).contains("image sha256:" + id).contains("1 layers");
    assertThat(tmp.resolve("layout/index.json")).exists();
    assertThat(run(
            "copy",
            "oci:" + tmp.resolve("layout") + ":1",
            "docker-archive:" + tmp.resolve("back.tar") + ":cli/back:2"))
        .isZero();
    assertThat(tmp.resolve("back.tar")).exists();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void badInputFailsWithExitOneAndOneLineOnStderr() {
    assertThat(run("copy", "foo://x", "oci:" + tmp.resolve("o"))).isEqualTo(1);
    assertThat(err.toString().strip())
        .startsWith("deltaimage: unknown transport 'foo://'")
        .doesNotContain("\n");
  }

  @Test
  void aMissingArchiveFailsWithExitOne() {
    assertThat(run("copy", "docker-archive:" + tmp.resolve("nope.tar"), "oci:" + tmp.resolve("o")))
        .isEqualTo(1);
    assertThat(err.toString()).contains("does not exist");
    assertThat(tmp.resolve("o")).doesNotExist();
  }

  @Test
  void missingArgumentsAreAUsageError() {
    assertThat(run("copy", "oci:x")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter");
  }

  @Test
  void malformedCredentialsAreRefusedWithoutEchoingThem() {
    assertThat(run(
            "copy",
            "--src-creds",
            "justapassword",
            "docker://127.0.0.1:1/a:1",
            "oci:" + tmp.resolve("o")))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("--src-creds wants USER:PASSWORD")
        .doesNotContain("justapassword");
  }
}
