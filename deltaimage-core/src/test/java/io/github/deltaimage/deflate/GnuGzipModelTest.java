package io.github.deltaimage.deflate;

import static io.github.deltaimage.deflate.GoGzipModelTest.assertIdentifiedAndRebuilt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaimage.testing.Processes;
import io.github.deltaimage.testing.TestServices;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GNU gzip, run for real on regular files, against the gnu-gzip model: identified, rebuilt, byte-equal. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GnuGzipModelTest {

  @TempDir
  static Path dir;

  private String gzip;
  private Path tar;
  private Path generated;

  @BeforeAll
  void inputs() throws Exception {
    gzip = TestServices.tool("gzip");
    tar = RealProducers.realTar(dir, "real.tar", 8L << 20);
    generated = RealProducers.generated(dir, "generated.bin", 3 << 20, 5);
  }

  @ParameterizedTest(name = "gzip -{0}n")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9})
  void aRealTarGzippedAtEachLevelIsIdentifiedAndRebuiltExactly(int level) throws Exception {
    assertIdentifiedAndRebuilt(
        tar, gnuGzip(tar, level), new DeflateModel(DeflateModel.Family.GNU_GZIP, level));
  }

  @ParameterizedTest(name = "gzip -{0}n")
  @ValueSource(ints = {1, 6, 9})
  void generatedDataWithIncompressibleRunsIsRebuiltExactly(int level) throws Exception {
    assertIdentifiedAndRebuilt(
        generated,
        gnuGzip(generated, level),
        new DeflateModel(DeflateModel.Family.GNU_GZIP, level));
  }

  @ParameterizedTest(name = "gzip -{0}n")
  @ValueSource(ints = {1, 4, 9})
  void smallAndWindowEdgeInputsAreRebuiltExactly(int level) throws Exception {
    Path small = Files.createTempDirectory(dir, "small");
    List<Path> inputs = new java.util.ArrayList<>(RealProducers.smallInputs(small));
    // Around one and two windows of 64 KiB, where gzip's reads and slides change.
    for (int size : new int[] {65536, 65537, 131072 + 300}) {
      inputs.add(RealProducers.generated(small, "window-" + size, size, size));
    }
    for (Path input : inputs) {
      assertIdentifiedAndRebuilt(input, gnuGzip(input, level), null);
    }
  }

  @Test
  void debiansOwnGzippedFilesAreIdentifiedAsGzipNineAndRebuilt() throws Exception {
    // Man pages and changelogs, compressed by dh_compress with gzip -9n.
    String rootfs = System.getenv("DELTAIMAGE_TEST_ROOTFS_OLD");
    Path root = rootfs != null && Files.isDirectory(Path.of(rootfs, "usr/share/man"))
        ? Path.of(rootfs, "usr/share")
        : Path.of("/usr/share");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.getFileName().toString().endsWith(".gz"))
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .sorted()
          .limit(150)
          .collect(Collectors.toList());
    }
    assertTrue(files.size() >= 50, "too few .gz files under " + root);
    for (Path gz : files) {
      Optional<GzipRecipe> recipe = GzipIdentifier.identify(gz);
      assertTrue(recipe.isPresent(), "no model rebuilds " + gz);
      assertEquals(
          new DeflateModel(DeflateModel.Family.GNU_GZIP, 9), recipe.get().model(), gz.toString());
    }
  }

  @Test
  void busyboxGzipWhichKeepsGnuGzipsAlgorithmIsIdentifiedAsGnuGzipSixAndRebuilt() throws Exception {
    String busybox = TestServices.tool("busybox");
    for (Path input : List.of(tar, generated)) {
      Path gz = input.resolveSibling(input.getFileName() + ".busybox.gz");
      // From a pipe, as busybox-based images and scripts use it: OS 3, no name, no time.
      Processes.ok(
          dir,
          "sh",
          "-c",
          "\"$0\" gzip -c < \"$1\" > \"$2\"",
          busybox,
          input.toString(),
          gz.toString());
      assertIdentifiedAndRebuilt(input, gz, new DeflateModel(DeflateModel.Family.GNU_GZIP, 6));
    }
  }

  private Path gnuGzip(Path input, int level) {
    Path gz = input.resolveSibling(input.getFileName() + ".gnu" + level + ".gz");
    // gzip reads the regular file itself, as it does for man pages and changelogs.
    Processes.ok(
        dir,
        "sh",
        "-c",
        "\"$0\" -" + level + " -n -c \"$1\" > \"$2\"",
        gzip,
        input.toString(),
        gz.toString());
    return gz;
  }
}
