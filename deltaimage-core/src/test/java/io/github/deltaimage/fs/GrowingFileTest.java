package io.github.deltaimage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class GrowingFileTest {

  @TempDir
  Path dir;

  @Test
  @Timeout(30)
  void copiesWhatTheWriterHasWrittenWithoutWaitingForTheRest() throws Exception {
    byte[] content = new byte[200_000];
    new Random(7).nextBytes(content);
    Path file = dir.resolve("stream");
    CountDownLatch firstHalfCopied = new CountDownLatch(1);

    try (GrowingFile growing = GrowingFile.open(file)) {
      // The writer holds the second half back until the reader has copied the first: a reader
      // that waited for the whole file would wait for ever (and the test time out).
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        Throwable failed = null;
        try (OutputStream out = Files.newOutputStream(file)) {
          out.write(content, 0, 100_000);
          out.flush();
          if (!firstHalfCopied.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the reader never copied the first half");
          }
          out.write(content, 100_000, 100_000);
        } catch (Exception e) {
          failed = e;
        } finally {
          growing.ended(failed);
        }
      });

      ByteArrayOutputStream copied = new ByteArrayOutputStream();
      growing.copy(0, 100_000, copied);
      firstHalfCopied.countDown();
      growing.copy(100_000, 100_000, copied);
      writer.get(20, TimeUnit.SECONDS);

      assertThat(copied.toByteArray()).isEqualTo(content);
    }
  }

  @Test
  @Timeout(30)
  void aReaderWaitingForBytesThatNeverCameGetsTheWritersFailure() throws Exception {
    Path file = dir.resolve("stream");
    IOException broke = new IOException("the delta is corrupt");

    try (GrowingFile growing = GrowingFile.open(file)) {
      Files.write(file, new byte[10]);
      CompletableFuture.runAsync(() -> growing.ended(broke));

      assertThatThrownBy(() -> growing.copy(0, 20, new ByteArrayOutputStream())).isSameAs(broke);
    }
  }

  @Test
  void aWriterThatEndedWellButShortEndsTheReadAtTheFilesEnd() throws IOException {
    Path file = dir.resolve("stream");
    byte[] content = new byte[10];
    Arrays.fill(content, (byte) 5);

    try (GrowingFile growing = GrowingFile.open(file)) {
      Files.write(file, content);
      growing.ended(null);
      ByteArrayOutputStream copied = new ByteArrayOutputStream();

      assertThatThrownBy(() -> growing.copy(4, 10, copied))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining("ended at 10 bytes");
      assertThat(copied.toByteArray()).hasSize(6);
    }
  }
}
