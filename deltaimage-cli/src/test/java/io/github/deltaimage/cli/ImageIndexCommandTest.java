package io.github.deltaimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.testing.SyntheticImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code image diff} and {@code image apply} of two multi-platform images: one line per platform. */
class ImageIndexCommandTest {

  @TempDir
  Path temp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static List<Map<String, String>> release(String arch, String version) {
    List<Map<String, String>> layers = new ArrayList<>(SyntheticImages.threeLayers());
    layers.set(
        0, Map.of("etc/hostname", arch + "\n", "bin/hello", "#!/bin/sh\necho " + arch + "\n"));
    layers.set(2, Map.of("opt/app/version", version + "\n"));
    return layers;
  }

  @Test
  void aDiffOfTwoIndexesListsEveryPlatformAndApplyRestoresTheIndex() throws IOException {
    Map<String, List<Map<String, String>>> v1 = new LinkedHashMap<>();
    v1.put("amd64", release("amd64", "1"));
    v1.put("arm64", release("arm64", "1"));
    Map<String, List<Map<String, String>>> v2 = new LinkedHashMap<>();
    v2.put("amd64", release("amd64", "2"));
    v2.put("arm64", release("arm64", "2"));
    v2.put("s390x", release("s390x", "2"));
    SyntheticImages.ociIndex(temp.resolve("v1"), "1", v1);
    SyntheticImages.BuiltIndex target = SyntheticImages.ociIndex(temp.resolve("v2"), "2", v2);
    String delta = "oci:" + temp.resolve("delta") + ":d";

    assertThat(run(
            "image",
            "diff",
            "oci:" + temp.resolve("v1") + ":1",
            "oci:" + temp.resolve("v2") + ":2",
            delta))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .contains("delta index " + delta)
        .contains("Index of 3 platforms")
        .contains("Apply will restore index " + target.digest() + " byte for byte")
        .contains("  linux/amd64: image ")
        .contains("  linux/arm64: image ")
        .contains("  linux/s390x: only in the target, carried whole");

    assertThat(run("image", "apply", delta, "oci:" + temp.resolve("out") + ":2"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .contains("Restored index " + target.digest() + " of 3 platforms into oci:"
            + temp.resolve("out") + ":2 = the target's");

    assertThat(run(
            "image",
            "apply",
            "--platform",
            "linux/arm64",
            delta,
            "oci:" + temp.resolve("one") + ":arm64"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .contains("Restored image ID " + target.platforms().get("arm64").imageId())
        .contains("restored linux/arm64 (as --platform chose)");
  }
}
