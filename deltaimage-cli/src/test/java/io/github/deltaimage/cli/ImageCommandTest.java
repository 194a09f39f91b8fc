package io.github.deltaimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code image diff} and {@code image apply} on small OCI layouts: the summary lines users read. */
class ImageCommandTest {
  @TempDir
  Path tmp;

  StringWriter out = new StringWriter();
  StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
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

  /** A docker-archive whose layers hold one file each (name -> content), as docker save lays it out; returns its image ID. */
  private String archive(String name, Path file, byte[]... layers) throws Exception {
    Path root = Files.createDirectories(tmp.resolve(name + "-root"));
    List<String> diffIds = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < layers.length; i++) {
      Path content = Files.createDirectories(tmp.resolve(name + "-layer" + i + "/opt"));
      Files.write(content.resolve("file" + i + ".bin"), layers[i]);
      Path dir = Files.createDirectories(root.resolve("l" + i));
      // A fixed mtime and owner: the same content gives the same layer in both images.
      exec(
          content.getParent(),
          "tar",
          "--mtime=@0",
          "--owner=0",
          "--group=0",
          "--numeric-owner",
          "-cf",
          dir.resolve("layer.tar").toString(),
          ".");
      diffIds.add("\"sha256:" + sha256(Files.readAllBytes(dir.resolve("layer.tar"))) + "\"");
      paths.add("\"l" + i + "/layer.tar\"");
    }
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + String.join(",", diffIds) + "]}}")
            .getBytes(StandardCharsets.UTF_8);
    String id = sha256(config);
    Files.write(root.resolve(id + ".json"), config);
    Files.writeString(
        root.resolve("manifest.json"),
        "[{\"Config\":\"" + id + ".json\",\"RepoTags\":[\"cli/" + name + ":1\"],\"Layers\":["
            + String.join(",", paths) + "]}]");
    exec(root, "tar", "-cf", file.toString(), ".");
    return "sha256:" + id;
  }

  @Test
  void diffAndApplyPrintTheSameSizesAndApplyRestoresTheTargetsManifest() throws Exception {
    Random random = new Random(7);
    byte[] base = new byte[300_000];
    random.nextBytes(base);
    byte[] app = new byte[200_000];
    random.nextBytes(app);
    byte[] app2 = app.clone();
    app2[1000] ^= 1;
    archive("old", tmp.resolve("old.tar"), base, app);
    String targetId = archive("new", tmp.resolve("new.tar"), base, app2);
    // Into OCI layouts first: gzip'd blobs, as a registry holds them.
    assertThat(run(
            "copy",
            "docker-archive:" + tmp.resolve("old.tar"),
            "oci:" + tmp.resolve("images") + ":1.0"))
        .isZero();
    assertThat(run(
            "copy",
            "docker-archive:" + tmp.resolve("new.tar"),
            "oci:" + tmp.resolve("images") + ":1.1"))
        .isZero();

    assertThat(run(
            "image",
            "diff",
            "--report",
            tmp.resolve("reports").toString(),
            "oci:" + tmp.resolve("images") + ":1.0",
            "oci:" + tmp.resolve("images") + ":1.1",
            "oci:" + tmp.resolve("images") + ":1.1-delta"))
        .as(err.toString())
        .isZero();
    List<String> diff = out.toString().lines().toList();
    String sizes =
        diff.stream().filter(l -> l.startsWith("Target ")).findFirst().orElseThrow();
    assertThat(sizes)
        .matches(
            "Target [0-9.]+ kB \\(2 layer blobs, compressed\\); new layers [0-9.]+ kB \\(1 blob the source does not"
                + " store\\); delta layer [0-9.]+ (kB|B): [0-9.]+ % of the target, [0-9.]+ % of the new layers");
    assertThat(diff)
        .anyMatch(l -> l.startsWith(
            "Apply will restore image ID " + targetId + " and manifest digest sha256:"));
    assertThat(diff).anyMatch(l -> l.startsWith("the delta image's own manifest digest: sha256:"));
    assertThat(diff).anyMatch(l -> l.contains("shared with the source: the same blob, kept"));
    // --report: the Maven goal's diff-report.json, field for field
    // (read as text: the CLI declares no JSON library of its own; the report is indented, one field
    // a line)
    String report = Files.readString(tmp.resolve("reports/diff-report.json"));
    assertThat(report)
        .contains("\"applyWillReproduce\" : {\n    \"imageId\" : \"" + targetId
            + "\",\n    \"manifestDigest\" : true,")
        .contains("\"delta\" : \"oci:" + tmp.resolve("images") + ":1.1-delta\"");
    assertThat(diff)
        .contains("reports: " + tmp.resolve("reports/diff-report.json") + " and "
            + tmp.resolve("reports/diff-report.html"));
    assertThat(tmp.resolve("reports/diff-report.html")).isNotEmptyFile();

    assertThat(run(
            "image",
            "apply",
            "oci:" + tmp.resolve("images") + ":1.1-delta",
            "oci:" + tmp.resolve("restored") + ":1.1"))
        .as(err.toString())
        .isZero();
    List<String> apply = out.toString().lines().toList();
    assertThat(apply).as("the same figures as diff's").contains(sizes);
    assertThat(apply.get(0))
        .startsWith("Restored image ID " + targetId + " into oci:")
        .contains("= the target's");
    assertThat(apply)
        .as("per layer, in blob terms")
        .anyMatch(l -> l.startsWith("  layer 1 ") && l.contains("its blob passed through"))
        .anyMatch(l -> l.startsWith("  layer 2 ")
            && l.contains("its blob was rebuilt by the compressor that made it"));

    // Into a docker-archive (tars, as the daemon stores them too): no word of blobs being
    // reproduced.
    assertThat(run(
            "image",
            "apply",
            "--report",
            tmp.resolve("reports").toString(),
            "oci:" + tmp.resolve("images") + ":1.1-delta",
            "docker-archive:" + tmp.resolve("restored.tar") + ":cli/restored:1.1"))
        .as(err.toString())
        .isZero();
    List<String> intoTars = out.toString().lines().toList();
    assertThat(intoTars.get(0))
        .startsWith("Restored image ID " + targetId + " into docker-archive:")
        .contains("every layer tar checked against its diff_id")
        .contains("no manifest digest to compare: the target's is sha256:");
    assertThat(intoTars).as("the same figures as diff's").contains(sizes);
    List<String> layers =
        intoTars.stream().filter(l -> l.startsWith("  layer ")).toList();
    assertThat(layers).hasSize(2);
    assertThat(layers.get(0))
        .matches(
            "  layer 1 [0-9a-f]+: tar [0-9.]+ kB \\(the target's blob [0-9.]+ kB\\); shared with the"
                + " source: its tar taken from the source's layer and checked against its diff_id;"
                + " this output stores layer tars, so blob bytes are not used");
    assertThat(layers.get(1))
        .contains("rebuilt from the delta and checked against its diff_id")
        .contains("blob bytes are not used");
    assertThat(Files.readString(tmp.resolve("reports/apply-report.json")))
        .contains("\"targetImageId\" : \"" + targetId + "\"")
        .contains("\"layersWrittenAs\" : \"tars\"")
        .contains("\"blobExact\" : null,\n    \"tarChecked\" : true,");
    assertThat(String.join("\n", intoTars))
        .doesNotContain("passed through")
        .doesNotContain("compressor")
        .doesNotContain("blobs differ");
  }

  @Test
  void engineChoosesTheLayerEngineAndAnUnknownOneIsRefusedNamingTheChoices() throws Exception {
    Random random = new Random(9);
    byte[] app = new byte[100_000];
    random.nextBytes(app);
    byte[] app2 = app.clone();
    app2[500] ^= 1;
    archive("old", tmp.resolve("old.tar"), app);
    String targetId = archive("new", tmp.resolve("new.tar"), app2);
    String old = "docker-archive:" + tmp.resolve("old.tar");
    String target = "docker-archive:" + tmp.resolve("new.tar");

    assertThat(
            run("image", "diff", "--engine", "zip", old, target, "oci:" + tmp.resolve("d") + ":x"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("unknown delta engine 'zip': use one of smallest, suffix-array, lzma2-dictionary,"
            + " xdelta3");
    assertThat(tmp.resolve("d")).doesNotExist();

    assertThat(run(
            "image",
            "diff",
            "--engine",
            "lzma2-dictionary",
            old,
            target,
            "oci:" + tmp.resolve("d") + ":x"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("(lzma2-dictionary)");
    assertThat(run("image", "inspect", "oci:" + tmp.resolve("d") + ":x")).isZero();
    assertThat(out.toString().lines())
        .anyMatch(line -> line.startsWith("  layer ") && line.contains(" by lzma2-dictionary"));
    assertThat(run(
            "image", "apply", "oci:" + tmp.resolve("d") + ":x", "oci:" + tmp.resolve("r") + ":x"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString().lines().findFirst().orElseThrow())
        .startsWith("Restored image ID " + targetId);
  }
}
