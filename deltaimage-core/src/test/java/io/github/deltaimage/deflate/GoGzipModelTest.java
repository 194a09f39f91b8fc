package io.github.deltaimage.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's compress/gzip, run for real, against the go-flate model: identified, rebuilt, byte-equal. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoGzipModelTest {

  @TempDir
  static Path dir;

  private Path gzipper;
  private Path tar;
  private Path generated;

  @BeforeAll
  void buildGoGzipperAndInputs() throws Exception {
    gzipper = RealProducers.buildGzipper(dir);
    tar = RealProducers.realTar(dir, "real.tar", 8L << 20);
    generated = RealProducers.generated(dir, "generated.bin", 3 << 20, 1);
  }

  @ParameterizedTest(name = "level {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9})
  void aRealTarGzippedByGoAtEachLevelIsIdentifiedAndRebuiltExactly(int level) throws Exception {
    Path gz = goGzip(tar, level);
    assertIdentifiedAndRebuilt(tar, gz, new DeflateModel(DeflateModel.Family.GO_FLATE, level));
  }

  @ParameterizedTest(name = "level {0}")
  @ValueSource(ints = {1, 6, 9})
  void generatedDataWithIncompressibleRunsOverOneMebibyteIsRebuiltExactly(int level)
      throws Exception {
    Path gz = goGzip(generated, level);
    assertIdentifiedAndRebuilt(
        generated, gz, new DeflateModel(DeflateModel.Family.GO_FLATE, level));
  }

  @ParameterizedTest(name = "level {0}")
  @ValueSource(ints = {1, 6, 9})
  void smallAndBlockEdgeInputsAreRebuiltExactly(int level) throws Exception {
    for (Path input : RealProducers.smallInputs(Files.createTempDirectory(dir, "small"))) {
      Path gz = goGzip(input, level);
      assertIdentifiedAndRebuilt(input, gz, null);
    }
  }

  @Test
  void theDefaultLevelIsTriedFirstAndAWrongLevelStopsEarly() throws Exception {
    Path gz = goGzip(tar, -1);
    byte[] header = Files.readAllBytes(gz);
    assertEquals(
        new DeflateModel(DeflateModel.Family.GO_FLATE, 6),
        GzipIdentifier.candidates(java.util.Arrays.copyOf(header, 10)).get(0));
    // A wrong level must stop at the first differing byte, not read the whole file.
    CountingInputStream expected = new CountingInputStream(Files.newInputStream(gz));
    GzipRecipe wrong = new GzipRecipe(
        new DeflateModel(DeflateModel.Family.GO_FLATE, 5), java.util.Arrays.copyOf(header, 10));
    assertThat(GzipIdentifier.reproduces(wrong, () -> Files.newInputStream(tar), expected))
        .isFalse();
    assertThat(expected.count).isLessThan(Files.size(gz) / 4);
  }

  private Path goGzip(Path input, int level) throws Exception {
    Path gz = input.resolveSibling(input.getFileName() + ".go" + level + ".gz");
    RealProducers.pipe(input, gz, gzipper.toString(), "std", Integer.toString(level));
    return gz;
  }

  static void assertIdentifiedAndRebuilt(Path content, Path gz, DeflateModel expected)
      throws Exception {
    Optional<GzipRecipe> found = GzipIdentifier.identify(gz);
    assertTrue(found.isPresent(), "no model rebuilds " + gz.getFileName());
    if (expected != null) {
      assertEquals(expected, found.get().model(), "model of " + gz.getFileName());
    }
    GzipRecipe stored = GzipRecipe.parse(found.get().toString());
    assertEquals(found.get(), stored);
    ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(content);
        OutputStream out = stored.newGzipStream(rebuilt)) {
      in.transferTo(out);
    }
    assertArrayEquals(Files.readAllBytes(gz), rebuilt.toByteArray(), "rebuilt " + gz.getFileName());
  }

  static final class CountingInputStream extends java.io.FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws java.io.IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
      int n = super.read(b, off, len);
      count += Math.max(n, 0);
      return n;
    }
  }
}
