package io.github.deltaimage.fs;

import io.github.deltaimage.api.ByteSizes;
import io.github.deltaimage.api.TempSpaceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Free space of the temporary directory: checked up front against what a step declares it needs,
 * watched while spooling what declares nothing, and named plainly when the disk fills anyway (a
 * full disk is not a corrupt delta).
 */
public final class TempSpace {

  /** Left free for everything else on the machine while we spool. */
  static final long RESERVE = 32L << 20;

  private static final long CHECK_EVERY = 64L << 20;

  private TempSpace() {}

  /** Refuses before any work when {@code directory}'s file system has fewer than {@code bytes} (plus a reserve) free. */
  public static void require(Path directory, long bytes, String what) {
    long free = usable(directory);
    if (bytes < 0 || bytes > free - RESERVE) {
      throw new TempSpaceException(
          what + " needs about " + ByteSizes.format(Math.max(bytes, 0) + RESERVE)
              + " of temporary space in " + directory + ", which has " + ByteSizes.format(free)
              + " free; free some space or choose another temporary directory",
          directory,
          null);
    }
  }

  /** Whether {@code e} is the file system saying it is full. */
  public static boolean isOutOfSpace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String text = t instanceof FileSystemException fse && fse.getReason() != null
          ? fse.getReason()
          : t.getMessage();
      if (text != null
          && (text.contains("No space left on device") || text.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  /** The error for a disk that filled while {@code what} was written under {@code directory}. */
  public static TempSpaceException outOfSpace(Path directory, String what, Throwable cause) {
    return new TempSpaceException(
        "out of temporary space in " + directory + " while " + what
            + "; free some space or choose another temporary directory",
        directory,
        cause);
  }

  /**
   * Copies {@code in} to a new file {@code target}, refusing (and removing the file) once the file
   * system would have less than the reserve left: a stream of undeclared length cannot fill the disk.
   */
  public static long copy(InputStream in, Path target, String what) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    long written = 0;
    long nextCheck = 0;
    byte[] buffer = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        if (written >= nextCheck) {
          if (usable(directory) < RESERVE + CHECK_EVERY) {
            throw outOfSpace(directory, what, null);
          }
          nextCheck = written + CHECK_EVERY;
        }
        out.write(buffer, 0, n);
        written += n;
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(target);
      if (e instanceof IOException io && isOutOfSpace(io)) {
        throw outOfSpace(directory, what, io);
      }
      throw e;
    }
    return written;
  }

  private static long usable(Path directory) {
    try {
      return Files.getFileStore(directory).getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }
}
