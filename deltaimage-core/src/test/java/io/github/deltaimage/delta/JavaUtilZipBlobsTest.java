package io.github.deltaimage.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.testing.SyntheticImages;
import io.github.deltaimage.transport.CopyOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers gzip'd by java.util.zip ({@code deltaimage copy} from an archive, Jib): a new delta
 * records the pure-Java zlib model for them, never the platform's java.util.zip; a delta written
 * before the models, which recorded only {@code gzipLevel}, still applies with the target's
 * manifest digest. No daemon needed: the images come from docker-archive files.
 */
class JavaUtilZipBlobsTest {

  private static final Pattern RECIPE = Pattern.compile("\"blobRecipe\":\"(zlib:6/[0-9a-f]+)\"");

  @TempDir
  static Path shared;

  @TempDir
  Path temp;

  private static String source;
  private static String target;
  private static Digest targetManifest;
  private static Path cleanDelta;

  @BeforeAll
  static void copyAnArchivePairIntoOciLayoutsAndDiff() throws IOException {
    List<Map<String, String>> v1 = SyntheticImages.threeLayers();
    List<Map<String, String>> v2 = new ArrayList<>(v1);
    Map<String, String> data = new HashMap<>(v1.get(1));
    data.put("opt/app/data.txt", "x".repeat(100_000) + "changed" + "x".repeat(100_000));
    v2.set(1, data);
    v2.set(2, Map.of("opt/app/version", "2\n"));
    Path a1 = shared.resolve("v1.tar");
    Path a2 = shared.resolve("v2.tar");
    SyntheticImages.dockerArchive(a1, "app:1", v1);
    SyntheticImages.dockerArchive(a2, "app:2", v2);
    source = "oci:" + shared.resolve("v1") + ":1";
    target = "oci:" + shared.resolve("v2") + ":2";
    // The copy gzips each layer tar with java.util.zip at CopyOptions' default level, 6.
    ImageCopy.copy("docker-archive:" + a1, source, CopyOptions.defaults());
    targetManifest = ImageCopy.copy("docker-archive:" + a2, target, CopyOptions.defaults())
        .manifestDigest()
        .orElseThrow();
    cleanDelta = shared.resolve("delta");
    DeltaImage.diffImages(
        source, target, "oci:" + cleanDelta + ":d", false, DeltaOptions.defaults());
  }

  @Test
  void aNewDeltaRecordsTheZlibModelAndAppliesWithTheTargetsManifest() throws IOException {
    Path delta = copyOfTheDelta();
    String json = deltaJson(delta);
    Matcher m = RECIPE.matcher(json);
    int recipes = 0;
    while (m.find()) {
      recipes++;
    }
    assertThat(recipes).as("the two changed layers' recipes in " + json).isEqualTo(2);
    assertThat(json).doesNotContain("gzipLevel").doesNotContain("java.util.zip");

    ImageDeltaSummary apply = apply(delta);
    assertThat(apply.manifestExact()).isTrue();
    assertThat(apply.manifestDigest()).isEqualTo(targetManifest);
  }

  @Test
  void anOldDeltaThatRecordedOnlyTheGzipLevelStillAppliesWithTheTargetsManifest()
      throws IOException {
    Path delta = copyOfTheDelta();
    // What deltas written before the models said for these layers: java.util.zip at level 6.
    DeltaTampering.rewrite(delta, "d", parts -> {
      Path file = parts.resolve("delta.json");
      String old = RECIPE.matcher(Files.readString(file)).replaceAll("\"gzipLevel\":6");
      Files.writeString(file, old);
    });
    assertThat(deltaJson(delta)).contains("\"gzipLevel\":6").doesNotContain("blobRecipe");

    ImageDeltaSummary apply = apply(delta);
    assertThat(apply.manifestExact()).isTrue();
    assertThat(apply.manifestDigest()).isEqualTo(targetManifest);
  }

  private Path copyOfTheDelta() throws IOException {
    Path delta = temp.resolve("delta");
    io.github.deltaimage.testing.Processes.ok(
        null, "cp", "-a", cleanDelta.toString(), delta.toString());
    return delta;
  }

  /** delta.json as the delta carries it (read through a rewrite that changes nothing). */
  private static String deltaJson(Path delta) throws IOException {
    String[] json = new String[1];
    DeltaTampering.rewrite(
        delta, "d", parts -> json[0] = Files.readString(parts.resolve("delta.json")));
    return json[0];
  }

  private ImageDeltaSummary apply(Path delta) {
    return DeltaImage.applyImages(
        "oci:" + delta + ":d",
        "oci:" + temp.resolve("out") + ":2",
        Optional.empty(),
        DeltaOptions.defaults());
  }
}
