package io.github.deltaimage.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.testing.SyntheticImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image deltas of the current layer format never run xdelta3 (the suffix-array engine is Java), so a
 * machine without it makes and applies them; only format-1 deltas and the directory format need it.
 */
class ImageDeltaWithoutXdelta3Test {
  @TempDir
  Path temp;

  @Test
  void anImageDeltaIsMadeAndAppliedWithNoXdelta3Anywhere() throws Exception {
    DeltaOptions options = DeltaOptions.defaults()
        .withTempDirectory(temp)
        .withPlatform(Platform.parse("linux/amd64"))
        .withXdelta3(temp.resolve("no-such-xdelta3"));
    List<Map<String, String>> source = new ArrayList<>(SyntheticImages.threeLayers());
    List<Map<String, String>> target = new ArrayList<>(source);
    Map<String, String> changed = new HashMap<>(target.get(2));
    changed.put("opt/app/version", "2\n");
    changed.put("opt/app/notes.txt", "what changed in release 2\n".repeat(200));
    target.set(2, changed);
    SyntheticImages.ociLayout(temp.resolve("old"), "1", "amd64", source);
    SyntheticImages.Built built =
        SyntheticImages.ociLayout(temp.resolve("new"), "2", "amd64", target);
    String delta = "oci:" + temp.resolve("delta") + ":d";

    DeltaImage.diffImages(
        "oci:" + temp.resolve("old") + ":1",
        "oci:" + temp.resolve("new") + ":2",
        delta,
        false,
        options);
    ImageDeltaSummary restored = DeltaImage.applyImages(
        delta, "oci:" + temp.resolve("out") + ":2", Optional.empty(), options);

    assertThat(restored.targetImageId()).isEqualTo(built.imageId());
    assertThat(restored.manifestDigest()).isEqualTo(built.manifestDigest());
  }
}
