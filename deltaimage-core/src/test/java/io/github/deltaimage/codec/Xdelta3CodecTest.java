package io.github.deltaimage.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Xdelta3Settings;
import io.github.deltaimage.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Xdelta3CodecTest {

  @TempDir
  Path temp;

  private final Xdelta3Codec codec =
      Xdelta3Codec.locate(Optional.empty(), Xdelta3Settings.defaults());

  @Test
  void encodeThenDecodeGivesBackTheTargetAndTheDeltaIsSmall() throws IOException {
    byte[] old = Trees.bytes(1, 1 << 20);
    Path source = Trees.write(temp.resolve("source"), old);
    Path target = Trees.write(temp.resolve("target"), Trees.edited(old, 2));
    Path delta = temp.resolve("delta");
    Path restored = temp.resolve("restored");

    codec.encode(source, target, delta);
    codec.decode(source, delta, restored);

    assertThat(Files.size(delta)).isLessThan(2000);
    assertThat(Files.mismatch(restored, target)).isEqualTo(-1L);
  }

  @Test
  void gzipInputsAreTreatedAsBytesNotDecompressed() throws IOException {
    byte[] text = Trees.bytes(3, 200_000);
    Path source = Trees.write(temp.resolve("a.gz"), Trees.gzip(text));
    Path target = Trees.write(temp.resolve("b.gz"), Trees.gzip(Trees.edited(text, 4)));
    Path delta = temp.resolve("delta");
    Path restored = temp.resolve("restored.gz");

    codec.encode(source, target, delta);
    codec.decode(source, delta, restored);

    assertThat(Files.mismatch(restored, target))
        .as("the gzip bytes themselves come back")
        .isEqualTo(-1L);
  }

  @Test
  void theSourceWindowCoversTheSourceUpToTheLimit() {
    Xdelta3Settings settings = Xdelta3Settings.defaults();
    assertThat(settings.windowFor(10)).isEqualTo(1L << 20);
    assertThat(settings.windowFor((100L << 20) + 1)).isEqualTo(128L << 20);
    assertThat(settings.windowFor(10L << 30)).isEqualTo(512L << 20);
  }

  @Test
  void aCorruptDeltaNeverDecodesToWrongBytesSilently() throws IOException {
    byte[] old = Trees.bytes(5, 100_000);
    Path source = Trees.write(temp.resolve("source"), old);
    Path target = Trees.write(temp.resolve("target"), Trees.edited(old, 6));
    Path delta = temp.resolve("delta");
    codec.encode(source, target, delta);
    byte[] good = Files.readAllBytes(delta);
    int refused = 0;
    for (int at = 0; at < good.length; at++) {
      byte[] bad = good.clone();
      bad[at] ^= 0x40;
      Path corrupt = Files.write(temp.resolve("corrupt"), bad);
      Path out = temp.resolve("out");
      try {
        codec.decode(source, corrupt, out);
        assertThat(Files.mismatch(out, target))
            .as("byte %d flipped, accepted: must still be the target", at)
            .isEqualTo(-1L);
      } catch (InvalidInputException e) {
        assertThat(e).hasMessageContaining("corrupt delta or wrong source");
        refused++;
      }
    }
    assertThat(refused).isGreaterThan(good.length / 2);
    Files.write(delta, java.util.Arrays.copyOf(good, good.length - 3));
    assertThatThrownBy(() -> codec.decode(source, delta, temp.resolve("out")))
        .as("truncated")
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void deltasCarryNoFileNames() throws IOException {
    byte[] old = Trees.bytes(7, 10_000);
    Path source = Trees.write(temp.resolve("secret-source-name"), old);
    Path target = Trees.write(temp.resolve("secret-target-name"), Trees.edited(old, 8));
    Path delta = temp.resolve("delta");
    codec.encode(source, target, delta);
    assertThat(new String(Files.readAllBytes(delta), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("secret");
  }

  @Test
  void aMissingBinaryIsOneLineThatSaysHowToInstallIt() {
    assertThatThrownBy(() ->
            Xdelta3Codec.locate(Optional.of(temp.resolve("xdelta3")), Xdelta3Settings.defaults()))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageNotContaining("\n")
        .hasMessageContaining("apt-get install xdelta3");
  }

  @Test
  void settingsOutsideXdelta3sRangeAreRejected() {
    assertThatThrownBy(() -> new Xdelta3Settings(10, "lzma", 1 << 20))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Xdelta3Settings(9, "zstd", 1 << 20))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Xdelta3Settings(9, "lzma", 4L << 30))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
