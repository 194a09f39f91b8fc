package io.github.deltaimage.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.BaseChoice;
import io.github.deltaimage.api.CopyResult;
import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.testing.SyntheticImages;
import io.github.deltaimage.testing.TestServices;
import io.github.deltaimage.transport.CopyOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Choosing the base among several earlier releases: three synthetic candidates that each share the
 * target's base layer and differ in how much of its application layer they already hold.
 */
class BestBaseTest {

  private static final DeltaOptions OPTIONS = DeltaOptions.defaults();
  private static final CopyOptions COPY = CopyOptions.defaults();

  @TempDir
  Path temp;

  /** Text that does not compress or delta against anything else: each file its own seed. */
  private static String noise(long seed, int length) {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder(length);
    while (text.length() < length) {
      text.append(Long.toHexString(random.nextLong()));
    }
    return text.substring(0, length);
  }

  private static final Map<String, String> BASE =
      Map.of("etc/os-release", "ID=synthetic\n", "bin/sh", noise(1, 40_000));

  /** The release the target is: three application files. */
  private static Map<String, String> targetApp() {
    return Map.of(
        "opt/app/core.jar",
        noise(10, 150_000),
        "opt/app/lib.jar",
        noise(11, 150_000),
        "opt/app/main.jar",
        noise(12, 150_000));
  }

  /** {@code kept} of the target's files unchanged, the rest replaced by unrelated content. */
  private static Map<String, String> candidateApp(int kept, long seed) {
    Map<String, String> target = targetApp();
    List<String> names = List.of("opt/app/core.jar", "opt/app/lib.jar", "opt/app/main.jar");
    Map<String, String> files = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      files.put(names.get(i), i < kept ? target.get(names.get(i)) : noise(seed + i, 150_000));
    }
    return files;
  }

  private String oci(String name, Map<String, String> app) throws IOException {
    Path dir = temp.resolve(name);
    SyntheticImages.ociLayout(dir, "1", "amd64", List.of(BASE, app));
    return "oci:" + dir + ":1";
  }

  @Test
  void ofThreeCandidatesTheChosenBaseGivesTheSmallestOfTheThreeDeltasAndRestoresTheTarget()
      throws IOException {
    String target = oci("target", targetApp());
    // Given worst first, so the order of the list cannot be what picks the winner.
    List<String> candidates = List.of(
        oci("far", candidateApp(0, 100)),
        oci("near", candidateApp(2, 200)),
        oci("middle", candidateApp(1, 300)));

    String delta = "oci:" + temp.resolve("delta") + ":best";
    BaseChoice choice =
        DeltaImage.diffImagesFromBestBase(candidates, target, delta, false, OPTIONS);

    List<Long> encodedAlone = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      encodedAlone.add(DeltaImage.diffImages(
              candidates.get(i), target, "oci:" + temp.resolve("each" + i) + ":d", false, OPTIONS)
          .deltaBytes());
    }
    long smallest = encodedAlone.stream().mapToLong(Long::longValue).min().orElseThrow();
    int best = encodedAlone.indexOf(smallest);
    assertThat(choice.chosen().toString()).isEqualTo(candidates.get(best));
    assertThat(choice.chosen().toString()).endsWith("/near:1");
    assertThat(choice.summary().deltaBytes()).isLessThanOrEqualTo(smallest);
    assertThat(encodedAlone.stream().filter(size -> size > smallest)).hasSize(2);

    // The estimate ranks by what is left to carry: 3, 1 and 2 files of 150 kB.
    assertThat(choice.candidates())
        .extracting(BaseChoice.Candidate::neededBytes)
        .containsExactly(450_000L, 150_000L, 300_000L);
    assertThat(choice.candidates())
        .extracting(BaseChoice.Candidate::sharedLayers)
        .containsOnly(1);
    assertThat(choice.candidates().stream().filter(BaseChoice.Candidate::encoded))
        .hasSize(2);
    assertThat(choice.candidates().get(0).encoded())
        .as("the worst estimate is not encoded")
        .isFalse();
    assertThat(choice.summary().targetManifestDigest())
        .as("what apply will reproduce names the target's manifest digest, as a plain diff's does")
        .isNotNull()
        .isEqualTo(DeltaImage.diffImages(
                candidates.get(best), target, "oci:" + temp.resolve("plain") + ":d", false, OPTIONS)
            .targetManifestDigest());
    assertThat(choice.summary().notes().get(0))
        .startsWith("base " + candidates.get(1) + " chosen")
        .contains("smaller than against " + candidates.get(2));

    // The delta records the winner as its source, and applies as any delta does.
    assertThat(DeltaImage.inspectImage(delta, OPTIONS).sourceImageId())
        .isEqualTo(choice.candidates().get(1).imageId());
    ImageDeltaSummary restored = DeltaImage.applyImages(
        delta, "oci:" + temp.resolve("restored") + ":1", Optional.empty(), OPTIONS);
    assertThat(restored.targetImageId()).isEqualTo(choice.summary().targetImageId());
    assertThat(restored.layers())
        .extracting(ImageDeltaSummary.LayerSummary::diffId)
        .containsExactlyElementsOf(choice.summary().layers().stream()
            .map(ImageDeltaSummary.LayerSummary::diffId)
            .toList());
  }

  @Test
  void theLastReleasesOfARegistryRepositoryAreTheCandidatesWhenAsked() throws IOException {
    String repository =
        TestServices.registry() + "/bestbase-" + Long.toHexString(System.nanoTime()) + "/app";
    ImageCopy.copy(oci("v1-9", candidateApp(1, 300)), "docker://" + repository + ":1.9", COPY);
    ImageCopy.copy(oci("v1-10", candidateApp(2, 200)), "docker://" + repository + ":1.10", COPY);
    ImageCopy.copy(oci("v1-8", candidateApp(0, 100)), "docker://" + repository + ":1.8", COPY);
    CopyResult target =
        ImageCopy.copy(oci("target", targetApp()), "docker://" + repository + ":1.11", COPY);
    ImageCopy.copy(oci("later", targetApp()), "docker://" + repository + ":2.0", COPY);
    ImageCopy.copy(oci("delta-tag", targetApp()), "docker://" + repository + ":1.10-delta", COPY);

    List<String> lastTwo = DeltaImage.previousTags("docker://" + repository + ":1.11", 2, OPTIONS);
    assertThat(lastTwo)
        .containsExactly("docker://" + repository + ":1.9", "docker://" + repository + ":1.10");

    String delta = "docker://" + repository + ":1.11-delta";
    BaseChoice choice = DeltaImage.diffImagesFromBestBase(
        lastTwo, "docker://" + repository + ":1.11", delta, false, OPTIONS);
    assertThat(choice.chosen().toString()).isEqualTo("docker://" + repository + ":1.10");
    ImageDeltaSummary restored = DeltaImage.applyImages(
        delta, "oci:" + temp.resolve("restored") + ":1", Optional.empty(), OPTIONS);
    assertThat(restored.targetImageId()).isEqualTo(target.imageId());
  }

  @Test
  void theLastTagsAreRefusedForAnImageThatIsNotInARegistry() throws IOException {
    String target = oci("target", targetApp());
    assertThatThrownBy(() -> DeltaImage.previousTags(target, 3, OPTIONS))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("name the candidate sources one by one");
  }

  @Test
  void releaseTagsOrderAsVersionsNotAsText() {
    List<String> tags =
        List.of("1.10", "1.9", "1.2", "1.10-delta", "latest", "1.11", "1.9.1", "2.0");
    assertThat(ReleaseTags.before(tags, "1.11", 3)).containsExactly("1.9", "1.9.1", "1.10");
    assertThat(ReleaseTags.before(tags, "1.2", 3)).isEmpty();
  }
}
