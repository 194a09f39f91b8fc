package io.github.deltaimage.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identification API and the recipe's text form, with inputs no model wrote. */
class GzipIdentifierTest {

  @TempDir
  Path dir;

  @Test
  void aRecipeSurvivesItsTextForm() {
    byte[] header = {0x1f, (byte) 0x8b, 8, 8, 1, 2, 3, 4, 2, 3, 'a', 0};
    GzipRecipe recipe = new GzipRecipe(new DeflateModel(DeflateModel.Family.GNU_GZIP, 9), header);
    assertThat(recipe.toString()).isEqualTo("gnu-gzip:9/1f8b08080102030402036100");
    assertThat(GzipRecipe.parse(recipe.toString())).isEqualTo(recipe);
    assertThat(DeflateModel.parse("pgzip:5"))
        .isEqualTo(new DeflateModel(DeflateModel.Family.PGZIP, 5));
  }

  @Test
  void badRecipeTextSaysWhatIsWrong() {
    assertThatThrownBy(() -> GzipRecipe.parse("go-flate:6"))
        .hasMessageContaining("MODEL/HEADER-HEX");
    assertThatThrownBy(() -> GzipRecipe.parse("brotli:6/1f8b0800000000000003"))
        .hasMessageContaining("unknown");
    assertThatThrownBy(() -> GzipRecipe.parse("zlib:6/zz")).hasMessageContaining("not hex");
    assertThatThrownBy(() -> DeflateModel.parse("zlib:11")).hasMessageContaining("1..9");
    assertThatThrownBy(() -> DeflateModel.parse("pgzip:9")).hasMessageContaining("level 5 only");
  }

  @Test
  void aFileThatIsNotGzipHasNoRecipe() throws Exception {
    Path file = Files.write(dir.resolve("plain"), "not gzip at all".getBytes());
    assertThat(GzipIdentifier.identify(file)).isEmpty();
  }

  @Test
  void aCorruptGzipFileHasNoRecipe() throws Exception {
    byte[] gz = gzip(RealProducers.generated(dir, "data", 200_000, 9));
    byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
    assertThat(GzipIdentifier.identify(Files.write(dir.resolve("truncated.gz"), truncated)))
        .isEmpty();
  }

  @Test
  void aStreamNoModelWritesHasNoRecipeAndTheHeaderNamedFileIsKept() throws Exception {
    Path data = RealProducers.generated(dir, "data", 300_000, 10);
    // Huffman-only is a zlib strategy none of the modelled tools uses.
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    Deflater deflater = new Deflater(6, true);
    deflater.setStrategy(Deflater.HUFFMAN_ONLY);
    try (OutputStream out = new DeflaterOutputStream(raw, deflater)) {
      out.write(Files.readAllBytes(data));
    }
    byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    Path gz = dir.resolve("huffman-only.gz");
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write(header);
    file.write(raw.toByteArray());
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    byte[] content = Files.readAllBytes(data);
    crc.update(content);
    long c = crc.getValue();
    int n = content.length;
    file.write(new byte[] {
      (byte) c,
      (byte) (c >> 8),
      (byte) (c >> 16),
      (byte) (c >> 24),
      (byte) n,
      (byte) (n >> 8),
      (byte) (n >> 16),
      (byte) (n >> 24)
    });
    Files.write(gz, file.toByteArray());
    assertThat(GzipIdentifier.identify(gz)).isEmpty();
  }

  @Test
  void theHeaderRulesOutTheToolsThatCannotHaveWrittenIt() {
    // java.util.zip (Java 16+) and docker push: OS 255, XFL 0, no time. GNU gzip never writes 255.
    assertThat(GzipIdentifier.candidates(header(0, 0, 0, 255)))
        .noneMatch(m -> m.family() == DeflateModel.Family.GNU_GZIP)
        .noneMatch(m -> m.family() == DeflateModel.Family.PGZIP)
        .contains(zlib(1), zlib(6), zlib(9), go(2), go(8))
        .hasSize(16);
    // pgzip's tell-tale time puts it first.
    assertThat(GzipIdentifier.candidates(header(0, 0x886e0900, 0, 255)))
        .startsWith(new DeflateModel(DeflateModel.Family.PGZIP, 5));
    // GNU gzip, pigz and zlib's own writer on Unix: OS 3; Go and pgzip write 255 unless told.
    assertThat(GzipIdentifier.candidates(header(8, 0x5f000000, 0, 3)))
        .allMatch(m ->
            m.family() == DeflateModel.Family.GNU_GZIP || m.family() == DeflateModel.Family.ZLIB)
        .doesNotContain(zlib(1), zlib(9))
        .hasSize(14);
    // XFL 2 is written at level 9 only, 4 at level 1 only.
    assertThat(GzipIdentifier.candidates(header(0, 0, 2, 3)))
        .containsExactly(new DeflateModel(DeflateModel.Family.GNU_GZIP, 9), zlib(9));
    assertThat(GzipIdentifier.candidates(header(0, 0, 4, 255))).containsExactly(go(1), zlib(1));
    // Java before 16 wrote OS 0: every zlib level stays.
    assertThat(GzipIdentifier.candidates(header(0, 0, 0, 0))).contains(zlib(1), zlib(9));
  }

  @Test
  void aFileNoModelWroteIsRejectedByEachCandidateWithinItsFirstBlocks() throws Exception {
    byte[] content = Files.readAllBytes(RealProducers.generated(dir, "filtered", 4 << 20, 12));
    // The FILTERED strategy is zlib's, but none of the modelled tools uses it.
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(file, 64 * 1024) {
      {
        def.setStrategy(Deflater.FILTERED);
      }
    }) {
      out.write(content);
    }
    byte[] gz = file.toByteArray();
    assertThat(gz.length).isGreaterThan(1 << 20);
    Path path = Files.write(dir.resolve("filtered.gz"), gz);
    assertThat(GzipIdentifier.identify(path)).isEmpty();
    for (DeflateModel model : GzipIdentifier.candidates(Arrays.copyOf(gz, 10))) {
      GoGzipModelTest.CountingInputStream expected =
          new GoGzipModelTest.CountingInputStream(new ByteArrayInputStream(gz));
      boolean same = GzipIdentifier.reproduces(
          new GzipRecipe(model, Arrays.copyOf(gz, 10)),
          () -> new ByteArrayInputStream(content),
          expected);
      assertThat(same).isFalse();
      assertThat(expected.count).as(model + " read before giving up").isLessThan(64 * 1024);
    }
  }

  private static byte[] header(int flags, int mtime, int xfl, int os) {
    return new byte[] {
      0x1f,
      (byte) 0x8b,
      8,
      (byte) flags,
      (byte) mtime,
      (byte) (mtime >>> 8),
      (byte) (mtime >>> 16),
      (byte) (mtime >>> 24),
      (byte) xfl,
      (byte) os
    };
  }

  private static DeflateModel zlib(int level) {
    return new DeflateModel(DeflateModel.Family.ZLIB, level);
  }

  private static DeflateModel go(int level) {
    return new DeflateModel(DeflateModel.Family.GO_FLATE, level);
  }

  @Test
  void aRawDeflateStreamIsIdentifiedFromItsContent() throws Exception {
    byte[] content = Files.readAllBytes(RealProducers.generated(dir, "entry", 150_000, 11));
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (OutputStream out = new DeflaterOutputStream(raw, new Deflater(9, true))) {
      out.write(content);
    }
    java.util.Optional<DeflateModel> model = GzipIdentifier.identifyDeflate(
        () -> new ByteArrayInputStream(content),
        () -> new ByteArrayInputStream(raw.toByteArray()),
        GzipIdentifier.allModels());
    // Several models may write the same bytes for a small input; any of them will do.
    assertThat(model).isPresent();
    ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
    try (OutputStream out = model.get().newDeflateStream(rebuilt)) {
      out.write(content);
    }
    assertThat(rebuilt.toByteArray()).isEqualTo(raw.toByteArray());
  }

  private static byte[] gzip(Path file) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(Files.readAllBytes(file));
    }
    return out.toByteArray();
  }
}
