package io.github.deltaimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.testing.SyntheticImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code image diff --candidate}: the command line picks the closer base and says so. */
class ImageDiffCandidatesTest {

  @TempDir
  Path temp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static List<Map<String, String>> release(String version, String data) {
    List<Map<String, String>> layers = new ArrayList<>(SyntheticImages.threeLayers());
    layers.set(1, Map.of("opt/app/data.txt", data));
    layers.set(2, Map.of("opt/app/version", version + "\n"));
    return layers;
  }

  @Test
  void aCandidateCloserThanSrcWinsAndTheSummarySaysByHowMuch() throws IOException {
    String data =
        "y".repeat(100_000) + "release data that only 2.0 and 2.1 share" + "z".repeat(100_000);
    SyntheticImages.ociLayout(temp.resolve("old"), "1", "amd64", SyntheticImages.threeLayers());
    SyntheticImages.ociLayout(temp.resolve("hotfix"), "2", "amd64", release("2.0", data));
    SyntheticImages.ociLayout(temp.resolve("new"), "3", "amd64", release("2.1", data));
    String delta = "oci:" + temp.resolve("delta") + ":d";

    assertThat(run(
            "image",
            "diff",
            "oci:" + temp.resolve("old") + ":1",
            "oci:" + temp.resolve("new") + ":3",
            delta,
            "--candidate",
            "oci:" + temp.resolve("hotfix") + ":2"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .contains("note: base oci:" + temp.resolve("hotfix") + ":2 chosen")
        .contains("smaller than against oci:" + temp.resolve("old") + ":1");

    assertThat(run("image", "apply", delta, "oci:" + temp.resolve("out") + ":3"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("Restored image ID");
  }
}
