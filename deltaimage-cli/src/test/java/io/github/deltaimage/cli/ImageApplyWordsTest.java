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

/** Core's refusals reach the command line in its own words: the options a user types here. */
class ImageApplyWordsTest {

  @TempDir
  Path temp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void anUnlinkedDeltaWithoutItsSourceNamesTheSourceOption() throws IOException {
    List<Map<String, String>> v2 = new ArrayList<>(SyntheticImages.threeLayers());
    v2.set(2, Map.of("opt/app/version", "2\n"));
    SyntheticImages.ociLayout(temp.resolve("one"), "1", "amd64", SyntheticImages.threeLayers());
    SyntheticImages.ociLayout(temp.resolve("two"), "2", "amd64", v2);
    String delta = "oci:" + temp.resolve("delta") + ":d";
    assertThat(run(
            "image",
            "diff",
            "--unlinked",
            "oci:" + temp.resolve("one") + ":1",
            "oci:" + temp.resolve("two") + ":2",
            delta))
        .isZero();

    assertThat(run("image", "apply", delta, "oci:" + temp.resolve("out") + ":2"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("this delta is unlinked").contains("with --source IMAGE");
    assertThat(err.toString().strip()).as("one line").doesNotContain("\n");
    assertThat(temp.resolve("out")).doesNotExist();

    err.getBuffer().setLength(0);
    assertThat(run(
            "image",
            "apply",
            "--source",
            "oci:" + temp.resolve("one") + ":1",
            delta,
            "oci:" + temp.resolve("out") + ":2"))
        .as(err.toString())
        .isZero();
  }
}
