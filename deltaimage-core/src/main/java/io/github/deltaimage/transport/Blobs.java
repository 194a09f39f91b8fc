package io.github.deltaimage.transport;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/** File helpers shared by the file-based transports. */
public final class Blobs {
  /** Manifests, configs and indexes are read into memory; anything larger than this is not one. */
  public static final int MAX_METADATA_BYTES = 16 * 1024 * 1024;

  private Blobs() {}

  /**
   * Streams {@code in} to a temp file beside {@code target}, then moves it into place atomically.
   * Nothing appears at {@code target} unless the whole stream was read (and, if {@code in} verifies,
   * verified).
   */
  public static long writeAtomically(Path target, InputStream in) throws IOException {
    Path tmp = target.resolveSibling(".tmp-" + target.getFileName() + "-" + UUID.randomUUID());
    try {
      long n;
      try (OutputStream out = Files.newOutputStream(tmp)) {
        n = in.transferTo(out);
      }
      move(tmp, target);
      return n;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(".tmp-" + target.getFileName() + "-" + UUID.randomUUID());
    try {
      Files.write(tmp, bytes);
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Reads a small blob file and checks its digest. */
  public static byte[] readVerified(Path file, Digest digest, String what) {
    try {
      long size = Files.size(file);
      if (size > MAX_METADATA_BYTES) {
        throw new InvalidInputException(
            what + " is " + size + " bytes, too large for a manifest or config");
      }
      byte[] bytes = Files.readAllBytes(file);
      if (!digest.matches(bytes)) {
        throw new InvalidInputException(
            what + " at " + file + " does not match its digest " + digest + "; refused");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(what + " " + digest + " is missing (" + file + ")");
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads at most {@link #MAX_METADATA_BYTES} from a stream. */
  public static byte[] readSmall(InputStream in, String what) throws IOException {
    byte[] bytes = in.readNBytes(MAX_METADATA_BYTES + 1);
    if (bytes.length > MAX_METADATA_BYTES) {
      throw new InvalidInputException(what + " is larger than " + MAX_METADATA_BYTES
          + " bytes, too large for a manifest or config");
    }
    return bytes;
  }
}
