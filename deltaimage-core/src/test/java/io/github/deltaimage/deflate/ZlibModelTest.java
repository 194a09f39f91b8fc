package io.github.deltaimage.deflate;

import static io.github.deltaimage.deflate.GoGzipModelTest.assertIdentifiedAndRebuilt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.deltaimage.image.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * java.util.zip (the platform's zlib 1.2.x) against the zlib model: the same raw deflate bytes at
 * every level, whatever the write sizes, and GZIPOutputStream's files (Jib's layers) identified and
 * rebuilt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZlibModelTest {

  @TempDir
  static Path dir;

  private Path tar;
  private Path generated;

  @BeforeAll
  void inputs() throws Exception {
    tar = RealProducers.realTar(dir, "real.tar", 8L << 20);
    generated = RealProducers.generated(dir, "generated.bin", 3 << 20, 6);
  }

  @ParameterizedTest(name = "level {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9})
  void aRealTarDeflatedByJavaUtilZipAtEachLevelIsReproduced(int level) throws Exception {
    assertSameAsJavaUtilZip(tar, level, 32 * 1024);
  }

  @ParameterizedTest(name = "level {0}")
  @ValueSource(ints = {1, 6, 9})
  void generatedAndSmallInputsAreReproducedWhateverTheWriteSize(int level) throws Exception {
    assertSameAsJavaUtilZip(generated, level, 1000);
    for (Path input : RealProducers.smallInputs(Files.createTempDirectory(dir, "small"))) {
      assertSameAsJavaUtilZip(input, level, 7);
    }
  }

  @Test
  void aGzipOutputStreamFileIsIdentifiedAsZlibAndRebuilt() throws Exception {
    Path gz = dir.resolve("jdk.gz");
    try (InputStream in = Files.newInputStream(tar);
        OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      in.transferTo(out);
    }
    assertIdentifiedAndRebuilt(tar, gz, new DeflateModel(DeflateModel.Family.ZLIB, 6));
  }

  /**
   * What deltaimage's own copy writes ({@link Compression#gzip}, GZIPOutputStream with the level set
   * afterwards, as ImageCopy and the tests' OCI layouts use it) at every level, and the default -1:
   * the zlib model at that level, so no recipe needs the platform's zlib to replay it.
   */
  @ParameterizedTest(name = "level {0}")
  @ValueSource(ints = {-1, 1, 2, 3, 4, 5, 6, 7, 8, 9})
  void deltaimagesOwnGzipAtEachLevelIsIdentifiedAsTheZlibModelAtThatLevel(int level)
      throws Exception {
    Path gz = dir.resolve("copy" + level + ".gz");
    try (InputStream in = Files.newInputStream(tar);
        OutputStream out = Compression.gzip(Files.newOutputStream(gz), level)) {
      in.transferTo(out);
    }
    DeflateModel expected = new DeflateModel(DeflateModel.Family.ZLIB, level < 0 ? 6 : level);
    assertIdentifiedAndRebuilt(tar, gz, expected);
    assertThat(GzipIdentifier.identify(gz, () -> Files.newInputStream(tar))
            .orElseThrow()
            .toString())
        .startsWith("zlib:" + expected.level() + "/1f8b");
  }

  @ParameterizedTest(name = "level {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9})
  void aRawDeflaterStreamAtEachLevelIsIdentifiedAsTheZlibModelAtThatLevel(int level)
      throws Exception {
    byte[] content = Files.readAllBytes(generated);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    Deflater deflater = new Deflater(level, true);
    try (OutputStream out = new DeflaterOutputStream(raw, deflater, 64 * 1024)) {
      out.write(content);
    } finally {
      deflater.end();
    }
    assertThat(GzipIdentifier.identifyDeflate(
            () -> new ByteArrayInputStream(content),
            () -> new ByteArrayInputStream(raw.toByteArray()),
            GzipIdentifier.allModels()))
        .contains(new DeflateModel(DeflateModel.Family.ZLIB, level));
  }

  private static void assertSameAsJavaUtilZip(Path input, int level, int writeSize)
      throws Exception {
    byte[] data = Files.readAllBytes(input);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Deflater deflater = new Deflater(level, true);
    try (OutputStream out = new DeflaterOutputStream(expected, deflater, 8192)) {
      for (int off = 0; off < data.length; off += writeSize) {
        out.write(data, off, Math.min(writeSize, data.length - off));
      }
    } finally {
      deflater.end();
    }
    ByteArrayOutputStream actual = new ByteArrayOutputStream();
    try (OutputStream out =
        new DeflateModel(DeflateModel.Family.ZLIB, level).newDeflateStream(actual)) {
      out.write(data);
    }
    assertArrayEquals(
        expected.toByteArray(), actual.toByteArray(), input.getFileName() + " at level " + level);
  }
}
