package io.github.deltaimage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRangesTest {

  @TempDir
  Path dir;

  @Test
  void copiesExactlyTheRangeAskedFor() throws IOException {
    byte[] content = randomBytes(300_000, 1);
    Path file = dir.resolve("file");
    Files.write(file, content);

    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int[] range :
          new int[][] {{0, 0}, {0, 1}, {5, 65_536}, {1_000, 200_001}, {0, 300_000}}) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FileRanges.copy(channel, range[0], range[1], out);
        assertThat(out.toByteArray())
            .isEqualTo(Arrays.copyOfRange(content, range[0], range[0] + range[1]));
      }
    }
  }

  @Test
  void aRangePastTheEndIsAnError() throws IOException {
    Path file = dir.resolve("file");
    Files.write(file, randomBytes(1_000, 2));

    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      assertThatThrownBy(() -> FileRanges.copy(channel, 900, 200, new ByteArrayOutputStream()))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining("900+200");
    }
  }

  /**
   * The copy buffer is reused from copy to copy; a copy started while another one is writing (from
   * inside its output stream) must not overwrite the bytes that one is handing on.
   */
  @Test
  void aCopyMadeFromInsideTheOutputLeavesTheOuterCopysBytesAlone() throws IOException {
    byte[] outer = randomBytes(200_000, 3);
    byte[] inner = randomBytes(100_000, 4);
    Path outerFile = dir.resolve("outer");
    Path innerFile = dir.resolve("inner");
    Files.write(outerFile, outer);
    Files.write(innerFile, inner);

    ByteArrayOutputStream received = new ByteArrayOutputStream();
    ByteArrayOutputStream side = new ByteArrayOutputStream();
    try (FileChannel outerChannel = FileChannel.open(outerFile, StandardOpenOption.READ);
        FileChannel innerChannel = FileChannel.open(innerFile, StandardOpenOption.READ)) {
      OutputStream copyingOnWrite = new OutputStream() {
        @Override
        public void write(int b) {
          received.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          // another copy first, then what this write was handed
          FileRanges.copy(innerChannel, 0, inner.length, side);
          received.write(b, off, len);
        }
      };
      FileRanges.copy(outerChannel, 0, outer.length, copyingOnWrite);
    }

    assertThat(received.toByteArray()).isEqualTo(outer);
    assertThat(Arrays.copyOf(side.toByteArray(), inner.length)).isEqualTo(inner);
  }

  private static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
