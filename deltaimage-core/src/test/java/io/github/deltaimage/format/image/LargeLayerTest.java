package io.github.deltaimage.format.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.FileDecision.Outcome;
import io.github.deltaimage.api.Xdelta3Settings;
import io.github.deltaimage.codec.Xdelta3Codec;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.testing.TarBuilder;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers at the sizes real images reach, within the test JVM's fixed heap (-Xmx512m, see the pom). */
class LargeLayerTest {

  @TempDir
  Path temp;

  private final Xdelta3Codec codec =
      Xdelta3Codec.locate(Optional.empty(), Xdelta3Settings.defaults());
  private final Parallel parallel = new Parallel(Runtime.getRuntime().availableProcessors());

  @Test
  void aLayerOfAHundredThousandFilesIsRebuiltExactly() throws IOException {
    Path sourceTar = temp.resolve("source.tar");
    Path targetTar = temp.resolve("target.tar");
    try (TarBuilder source = new TarBuilder(sourceTar);
        TarBuilder target = new TarBuilder(targetTar)) {
      for (int i = 0; i < 100_000; i++) {
        String name = "usr/share/files/" + (i / 1000) + "/f" + i;
        byte[] content =
            ("file " + i + " " + "x".repeat(i % 200) + "\n").getBytes(StandardCharsets.US_ASCII);
        source.file(name, content);
        if (i % 500 == 0) {
          content = ("changed " + i + " " + "y".repeat(i % 200) + "\n")
              .getBytes(StandardCharsets.US_ASCII);
        }
        target.file(name, content);
      }
    }

    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      LayerCodec layers = new LayerCodec(codec, List.of(sourceTar), run, parallel);
      LayerCodec.Encoded encoded = layers.encode(targetTar);
      assertThat(encoded.decisions()).hasSize(100_000);
      assertThat(encoded.decisions().stream()
              .filter(d -> d.outcome() == Outcome.KEPT_FROM_SOURCE)
              .count())
          .isEqualTo(99_800);
      assertThat(encoded.storedBytes()).isLessThan(Files.size(targetTar) / 50);
      assertThat(encoded.decisions().stream().filter(d -> d.outcome() == Outcome.DELTA))
          .as("the 200 changed small files go in the layer stream, next to their old versions")
          .hasSize(200)
          .allMatch(d -> d.reason().startsWith("in the layer stream, next to usr/share/files/"));
      Path rebuilt = layers.decode(
          encoded.recipe(),
          encoded.literals(),
          encoded.deltaPack(),
          LayerRoundTripTest.sha256(targetTar),
          "layer");
      assertThat(Files.mismatch(rebuilt, targetTar)).isEqualTo(-1L);
    }
  }

  @Test
  void aFileOverFourGibibytesWithABase256SizeIsCarriedAndRebuiltExactly() throws IOException {
    long size = (4L << 30) + 4096 + 7;
    Path sourceTar = bigFileTar(temp.resolve("source.tar"), "data/disk.img", size, 1);
    Path targetTar = bigFileTar(temp.resolve("target.tar"), "moved/disk.img", size, 1);
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      LayerCodec layers = new LayerCodec(codec, List.of(sourceTar), run, parallel);
      LayerCodec.Encoded encoded = layers.encode(targetTar);
      assertThat(encoded.decisions())
          .singleElement()
          .satisfies(d -> assertThat(d.outcome()).isEqualTo(Outcome.KEPT_FROM_SOURCE))
          .satisfies(d -> assertThat(d.targetSize()).isEqualTo(size));
      assertThat(encoded.storedBytes()).isLessThan(10_000);
      Path rebuilt = layers.decode(
          encoded.recipe(),
          encoded.literals(),
          encoded.deltaPack(),
          LayerRoundTripTest.sha256(targetTar),
          "layer");
      assertThat(Files.size(rebuilt)).isEqualTo(Files.size(targetTar));
    }
  }

  /** A tar of one file of {@code size} bytes (a hole, but for a marker at its end), its size in base-256. */
  private static Path bigFileTar(Path tar, String name, long size, int marker) throws IOException {
    byte[] header = new byte[512];
    System.arraycopy(name.getBytes(StandardCharsets.US_ASCII), 0, header, 0, name.length());
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    header[124] = (byte) 0x80;
    for (int i = 0; i < 8; i++) {
      header[135 - i] = (byte) (size >>> (8 * i));
    }
    put(header, 136, "00000000000");
    header[156] = '0';
    put(header, 257, "ustar");
    header[263] = '0';
    header[264] = '0';
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum));
    header[154] = 0;
    try (RandomAccessFile file = new RandomAccessFile(tar.toFile(), "rw")) {
      file.write(header);
      file.seek(512 + size - 1);
      file.write(marker);
      long padded = (size + 511) / 512 * 512;
      file.setLength(512 + padded + 1024);
    }
    return tar;
  }

  private static void put(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }
}
