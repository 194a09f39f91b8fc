package io.github.deltaimage.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaImageException;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.TempSpaceException;
import io.github.deltaimage.format.image.LayerRecipe;
import io.github.deltaimage.testing.Processes;
import io.github.deltaimage.testing.SyntheticImages;
import io.github.deltaimage.testing.TestEnvironment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deltas made by a malicious producer, every digest fixed so that all transport checks pass (see
 * {@link DeltaTampering}): each is refused with one line, nothing is written, the temporary
 * directory is left empty, and memory stays within the suite's -Xmx512m. No daemon needed: the
 * images are small OCI layouts made with GNU tar and gzip.
 */
class HostileDeltaTest {

  @TempDir
  static Path shared;

  @TempDir
  Path temp;

  private static String source;
  private static String target;
  private static Path cleanDelta;
  /** Small tmpfs file systems (as root), so that a decode that is not stopped fills them. */
  private final List<Path> mounts = new ArrayList<>();

  private Path delta;
  private Path tmp;
  private Path out;

  @BeforeAll
  static void makeAPairAndItsDelta() throws IOException {
    List<Map<String, String>> v1 = SyntheticImages.threeLayers();
    List<Map<String, String>> v2 = new ArrayList<>(v1);
    Map<String, String> data = new HashMap<>(v1.get(1));
    data.put("opt/app/data.txt", "x".repeat(100_000) + "changed" + "x".repeat(100_000));
    v2.set(1, data);
    v2.set(2, Map.of("opt/app/version", "2\n"));
    SyntheticImages.ociLayout(shared.resolve("images"), "1", "amd64", v1);
    Path second = shared.resolve("images2");
    SyntheticImages.ociLayout(second, "2", "amd64", v2);
    source = "oci:" + shared.resolve("images") + ":1";
    target = "oci:" + second + ":2";
    cleanDelta = shared.resolve("delta");
    DeltaImage.diffImages(
        source, target, "oci:" + cleanDelta + ":d", false, DeltaOptions.defaults());
  }

  @AfterEach
  void unmount() {
    for (Path mount : mounts) {
      Processes.run(null, List.of("umount", mount.toString()));
    }
  }

  @BeforeEach
  void freshCopyOfTheDelta() throws IOException {
    delta = temp.resolve("delta");
    Processes.ok(null, "cp", "-a", cleanDelta.toString(), delta.toString());
    tmp = Files.createDirectories(temp.resolve("tmp"));
    out = temp.resolve("out");
  }

  @Test
  void theUntouchedDeltaApplies() {
    ImageDeltaSummary apply = apply();
    assertThat(apply.targetImageId()).isNotNull();
    assertThat(out).exists();
    assertThat(leftIn(tmp)).isEmpty();
  }

  @Test
  void aManifestSwappedForTheOldReleasesIsRefused() throws IOException {
    byte[] old = Files.readAllBytes(sourceManifest());
    tamper(parts -> Files.write(parts.resolve("target-manifest.json"), old));
    assertRefused(InvalidInputException.class, "target manifest names config");
  }

  @Test
  void aDescriptorWithALayerDroppedIsRefused() throws IOException {
    tamper(parts -> {
      String json = Files.readString(parts.resolve("delta.json"));
      int last = json.lastIndexOf(",{\"diffId\"");
      Files.writeString(parts.resolve("delta.json"), json.substring(0, last) + "]}}");
    });
    assertRefused(InvalidInputException.class, "is not the target config's rootfs.diff_ids");
  }

  @Test
  void aGzipLevelOutOfRangeIsACorruptDelta() throws IOException {
    tamper(parts -> {
      String json = Files.readString(parts.resolve("delta.json"));
      Files.writeString(
          parts.resolve("delta.json"),
          json.replace("\"from\":\"recipe\"", "\"from\":\"recipe\",\"gzipLevel\":42"));
    });
    assertRefused(InvalidInputException.class, "out-of-range values");
  }

  @Test
  void aRecipeCopyingBeyondTheSourceIsRefused() throws IOException {
    tamper(
        parts -> writeRecipe(parts, 1, List.of(new LayerRecipe.Copy(0, 0, 1L << 40)), 0, 1L << 40));
    assertRefused(InvalidInputException.class, "a copy lies outside the source layers");
  }

  @Test
  void aRecipeListingSixtyMillionOperationsIsRefusedBeforeItsListGrows() throws IOException {
    tamper(parts -> {
      try (var outStream = new java.io.DataOutputStream(new DeflaterOutputStream(
          Files.newOutputStream(parts.resolve("layer-1.recipe")), new Deflater(9, true)))) {
        outStream.writeInt(0x44495233);
        long count = 60_000_000L;
        while ((count & ~0x7fL) != 0) {
          outStream.writeByte((int) ((count & 0x7f) | 0x80));
          count >>>= 7;
        }
        outStream.writeByte((int) count);
        for (int i = 0; i < 1_000_000; i++) {
          outStream.writeByte('L');
          outStream.writeByte(1);
        }
      }
    });
    assertRefused(InvalidInputException.class, "more than this heap can hold");
  }

  @Test
  void aDeclaredSizeBeyondTheFreeSpaceIsRefusedUpFrontNamingTheSpace() throws IOException {
    long huge = 100L << 30;
    tamper(parts -> writeRecipe(parts, 1, List.of(new LayerRecipe.Literal(huge)), huge, huge));
    Throwable thrown =
        assertRefused(TempSpaceException.class, "needs about 107.41 GB of temporary space");
    assertThat(((TempSpaceException) thrown).directory()).isNotNull();
  }

  @Test
  void aDecompressionBombIsStoppedAtItsDeclaredLength() throws IOException {
    TestEnvironment.requireRoot();
    tmp = smallFileSystem("small-tmp", 160);
    Path zeros = temp.resolve("zeros");
    Processes.ok(null, "truncate", "-s", "256M", zeros.toString());
    Path bomb = temp.resolve("bomb");
    Processes.ok(null, "xdelta3", "-e", "-f", "-9", zeros.toString(), bomb.toString());
    assertThat(Files.size(bomb)).as("a stream of a few hundred bytes").isLessThan(4096);
    tamper(parts -> {
      Files.copy(
          bomb,
          parts.resolve("layer-1.literals"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      writeRecipe(parts, 1, List.of(new LayerRecipe.Literal(4096)), 4096, 4096);
    });
    assertRefused(InvalidInputException.class, "decodes to more than the 4096 bytes it declares");
  }

  @Test
  void runningOutOfTemporarySpaceSaysSoNotCorrupt() throws IOException {
    TestEnvironment.requireRoot();
    tmp = smallFileSystem("small-tmp", 40);
    Throwable thrown = assertRefused(TempSpaceException.class, "temporary space");
    assertThat(thrown.getMessage()).doesNotContain("corrupt");
  }

  @Test
  void aHugeDescriptorIsRefusedUnread() throws IOException {
    tamper(parts -> {
      String json = Files.readString(parts.resolve("delta.json"));
      try (OutputStream o = Files.newOutputStream(parts.resolve("delta.json"))) {
        o.write(json.substring(0, json.length() - 1).getBytes());
        byte[] spaces = new byte[1 << 20];
        java.util.Arrays.fill(spaces, (byte) ' ');
        for (int i = 0; i < 40; i++) {
          o.write(spaces);
        }
        o.write('}');
      }
    });
    assertRefused(InvalidInputException.class, "more than the");
  }

  @Test
  void aDeeplyNestedDescriptorIsRefusedInOneLine() throws IOException {
    tamper(parts ->
        Files.writeString(parts.resolve("delta.json"), "[".repeat(200_000) + "]".repeat(200_000)));
    assertRefused(InvalidInputException.class, "delta.json");
  }

  @Test
  void aSourceGivenForALinkedDeltaIsCheckedAndSaidNotToBeRead() {
    ImageDeltaSummary apply = DeltaImage.applyImages(
        "oci:" + delta + ":d",
        "oci:" + out + ":2",
        Optional.of(source),
        DeltaOptions.defaults().withTempDirectory(tmp));
    assertThat(apply.notes())
        .anyMatch(n -> n.contains("carries its source layers") && n.contains("not read"));

    Path other = temp.resolve("other");
    Throwable thrown = catchThrowable(() -> DeltaImage.applyImages(
        "oci:" + delta + ":d",
        "oci:" + other + ":2",
        Optional.of(target),
        DeltaOptions.defaults().withTempDirectory(tmp)));
    assertThat(thrown)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("wrong source image");
    assertThat(other).doesNotExist();
  }

  // ---------------------------------------------------------------------------

  private ImageDeltaSummary apply() {
    return DeltaImage.applyImages(
        "oci:" + delta + ":d",
        "oci:" + out + ":2",
        Optional.empty(),
        DeltaOptions.defaults().withTempDirectory(tmp));
  }

  private Throwable assertRefused(Class<? extends DeltaImageException> type, String words) {
    Throwable thrown = catchThrowable(this::apply);
    assertThat(thrown).isInstanceOf(type).hasMessageContaining(words);
    assertThat(thrown.getMessage()).as("one line").doesNotContain("\n");
    assertThat(out).as("nothing written").doesNotExist();
    assertThat(leftIn(tmp)).as("temporary files removed").isEmpty();
    return thrown;
  }

  private void tamper(DeltaTampering.Change change) throws IOException {
    DeltaTampering.rewrite(delta, "d", change);
  }

  private Path sourceManifest() throws IOException {
    String index = Files.readString(shared.resolve("images/index.json"));
    String digest = index.replaceAll("(?s).*\"digest\":\"sha256:([0-9a-f]{64})\".*", "$1");
    return shared.resolve("images/blobs/sha256").resolve(digest);
  }

  private static void writeRecipe(
      Path parts, int layer, List<LayerRecipe.Op> ops, long literals, long tarSize)
      throws IOException {
    new LayerRecipe(ops, List.of(), literals, tarSize)
        .write(parts.resolve("layer-" + layer + ".recipe"));
    Files.write(parts.resolve("layer-" + layer + ".deltas"), new byte[0]);
  }

  private Path smallFileSystem(String name, int megabytes) throws IOException {
    Path mount = Files.createDirectories(temp.resolve(name));
    Processes.ok(
        null, "mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mount.toString());
    mounts.add(mount);
    return mount;
  }

  private static List<Path> leftIn(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
