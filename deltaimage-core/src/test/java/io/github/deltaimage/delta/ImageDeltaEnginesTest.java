package io.github.deltaimage.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.DeltaContents;
import io.github.deltaimage.api.DeltaEngine;
import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.api.SummaryText;
import io.github.deltaimage.testing.SyntheticImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whichever engine the diff is asked for (xdelta3 the real one), the summary and {@code inspect}
 * name it, and an apply run with the default options restores the target's image ID and manifest: the
 * stream names its engine.
 */
class ImageDeltaEnginesTest {

  @org.junit.jupiter.api.io.TempDir
  Path temp;

  @ParameterizedTest
  @EnumSource(DeltaEngine.class)
  void everyEngineMakesADeltaThatTheDefaultApplyRestores(DeltaEngine engine) throws Exception {
    DeltaOptions diffOptions = DeltaOptions.defaults()
        .withTempDirectory(temp)
        .withPlatform(Platform.parse("linux/amd64"))
        .withEngine(engine);
    List<Map<String, String>> source = new ArrayList<>(SyntheticImages.threeLayers());
    List<Map<String, String>> target = new ArrayList<>(source);
    Map<String, String> changed = new HashMap<>(target.get(2));
    changed.put("opt/app/version", "2\n");
    changed.put("opt/app/notes.txt", "what changed in release 2, line by line\n".repeat(300));
    target.set(2, changed);
    SyntheticImages.ociLayout(temp.resolve("old"), "1", "amd64", source);
    SyntheticImages.Built built =
        SyntheticImages.ociLayout(temp.resolve("new"), "2", "amd64", target);
    String delta = "oci:" + temp.resolve("delta") + ":d";

    ImageDeltaSummary made = DeltaImage.diffImages(
        "oci:" + temp.resolve("old") + ":1",
        "oci:" + temp.resolve("new") + ":2",
        delta,
        false,
        diffOptions);
    DeltaEngine used = made.layers().get(2).engine();
    assertThat(used).isNotNull().isNotEqualTo(DeltaEngine.SMALLEST);
    if (engine != DeltaEngine.SMALLEST) {
      assertThat(used).isEqualTo(engine);
    }
    assertThat(SummaryText.layers(made))
        .anySatisfy(line -> assertThat(line).contains("(" + used.label() + ")"));

    DeltaContents contents = DeltaImage.inspectImage(delta, diffOptions);
    assertThat(contents.layers().get(2).engine()).isEqualTo(used);
    assertThat(contents.layers().subList(0, 2))
        .allSatisfy(layer -> assertThat(layer.engine()).isNull()); // shared with the source

    ImageDeltaSummary restored = DeltaImage.applyImages(
        delta,
        "oci:" + temp.resolve("out") + ":2",
        Optional.empty(),
        DeltaOptions.defaults()
            .withTempDirectory(temp)
            .withPlatform(Platform.parse("linux/amd64")));
    assertThat(restored.targetImageId()).isEqualTo(built.imageId());
    assertThat(restored.manifestDigest()).isEqualTo(built.manifestDigest());
  }
}
