package io.github.deltaimage.fs;

import io.github.deltaimage.api.EnvironmentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Replaces the bytes of a file without replacing the file: the inode stays, so hard links to it,
 * its owner, mode and extended attributes stay too. Runs of zeros become holes, so a sparse file
 * stays sparse. The caller restores the {@link FileState} afterwards (writing moves mtime and drops
 * file capabilities).
 */
public final class InPlaceWriter {

  private static final int BLOCK = 64 * 1024;
  private static final byte[] ZEROS = new byte[BLOCK];
  private static final OpenOption[] OVERWRITE = {
    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS
  };

  private InPlaceWriter() {}

  /** Makes {@code file}'s content equal to {@code content}'s. */
  public static void overwrite(Path file, Path content) {
    // NOFOLLOW: content may be a file of the source tree, which must not lead out of it.
    try (FileChannel in =
            FileChannel.open(content, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        FileChannel out = openForOverwrite(file)) {
      byte[] block = new byte[BLOCK];
      ByteBuffer buffer = ByteBuffer.wrap(block);
      long position = 0;
      while (true) {
        buffer.clear();
        int read = in.read(buffer);
        if (read < 0) {
          break;
        }
        buffer.flip();
        if (Arrays.mismatch(block, 0, read, ZEROS, 0, read) >= 0) {
          while (buffer.hasRemaining()) {
            out.write(buffer, position + buffer.position());
          }
        }
        position += read;
      }
      if (out.size() < position) {
        // The file ends in a hole: extend it without writing the zeros.
        out.write(ByteBuffer.wrap(new byte[1]), position - 1);
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot rewrite " + file + ": " + e.getMessage(), e);
    }
  }

  /** Makes {@code file} empty. */
  public static void truncate(Path file) {
    try (FileChannel out = openForOverwrite(file)) {
      // Opening with TRUNCATE_EXISTING did it.
    } catch (IOException e) {
      throw new EnvironmentException("cannot truncate " + file + ": " + e.getMessage(), e);
    }
  }

  private static FileChannel openForOverwrite(Path file) throws IOException {
    try {
      return FileChannel.open(file, OVERWRITE);
    } catch (AccessDeniedException e) {
      // A read-only file of our own (not running as root): the caller puts the mode back
      // afterwards.
      int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(file, "unix:mode", (mode & 07777) | 0200, LinkOption.NOFOLLOW_LINKS);
      return FileChannel.open(file, OVERWRITE);
    }
  }
}
