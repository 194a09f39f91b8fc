package io.github.deltaimage.deflate;

import static io.github.deltaimage.deflate.GoGzipModelTest.assertIdentifiedAndRebuilt;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * klauspost's pgzip at its default level and block size (what skopeo, podman and buildah write),
 * run for real, against the pgzip model: identified, rebuilt, byte-equal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgzipModelTest {

  private static final DeflateModel PGZIP = new DeflateModel(DeflateModel.Family.PGZIP, 5);

  @TempDir
  static Path dir;

  private Path gzipper;

  @BeforeAll
  void buildGzipper() throws Exception {
    gzipper = RealProducers.buildGzipper(dir);
  }

  @Test
  void aRealTarOfSeveralBlocksIsIdentifiedAndRebuiltExactly() throws Exception {
    // Not a whole number of 1 MiB blocks, so the last block is a short one.
    Path tar = RealProducers.realTar(dir, "real.tar", (6L << 20) + 12345);
    assertIdentifiedAndRebuilt(tar, pgzip(tar), PGZIP);
  }

  @Test
  void generatedDataWithIncompressibleRunsIsRebuiltExactly() throws Exception {
    Path data = RealProducers.generated(dir, "generated.bin", 3 << 20, 2);
    assertIdentifiedAndRebuilt(data, pgzip(data), PGZIP);
  }

  @Test
  void inputOfExactlyTwoBlocksEndsWithAnEmptyBlockAndIsRebuiltExactly() throws Exception {
    Path data = RealProducers.generated(dir, "two-blocks.bin", 2 << 20, 3);
    assertIdentifiedAndRebuilt(data, pgzip(data), PGZIP);
  }

  @Test
  void smallAndBlockEdgeInputsAreRebuiltExactly() throws Exception {
    for (Path input : RealProducers.smallInputs(Files.createTempDirectory(dir, "small"))) {
      assertIdentifiedAndRebuilt(input, pgzip(input), null);
    }
  }

  @Test
  void pgzipsHeaderPutsThePgzipModelFirst() throws Exception {
    Path data = RealProducers.generated(dir, "header.bin", 1000, 4);
    byte[] header = Arrays.copyOf(Files.readAllBytes(pgzip(data)), 10);
    assertEquals(PGZIP, GzipIdentifier.candidates(header).get(0));
  }

  private Path pgzip(Path input) throws Exception {
    Path gz = input.resolveSibling(input.getFileName() + ".pgzip.gz");
    RealProducers.pipe(input, gz, gzipper.toString(), "pgzip", "5");
    return gz;
  }
}
