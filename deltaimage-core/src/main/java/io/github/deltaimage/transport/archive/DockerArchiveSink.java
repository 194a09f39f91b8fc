package io.github.deltaimage.transport.archive;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.image.Image;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes a docker-archive file. The tar is built beside the target under a temporary name and
 * renamed over it only in {@link #commit}, so a failed copy never leaves a half archive at the
 * name the user gave.
 */
public final class DockerArchiveSink extends ArchiveFileSink {
  private final ImageReference.DockerArchive ref;
  private final Path target;
  private boolean committed;

  public DockerArchiveSink(ImageReference.DockerArchive ref) {
    super(temporaryBeside(ref));
    this.ref = ref;
    this.target = ref.file().toAbsolutePath();
  }

  /** Checks that {@code ref} names a file that can be written, and returns the temporary name beside it. */
  private static Path temporaryBeside(ImageReference.DockerArchive ref) {
    Path target = ref.file().toAbsolutePath();
    if (ref.index() >= 0) {
      throw new InvalidInputException(
          ref
              + ": ':@N' only selects an image when reading; name the image as :REPO:TAG, or leave it out");
    }
    if (Files.isDirectory(target)) {
      throw new InvalidInputException(
          ref + ": " + target + " is a directory; docker-archive wants a file name");
    }
    if (target.getParent() != null && !Files.isDirectory(target.getParent())) {
      throw new InvalidInputException(
          ref + ": directory " + target.getParent() + " does not exist");
    }
    return target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
  }

  @Override
  public Optional<Digest> commit(Image image) {
    try {
      writer.finish(
          ref.name() == null
              ? null
              : ref.name().familiarRepository() + ":" + ref.name().tag());
      try {
        Files.move(
            archive, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(archive, target, StandardCopyOption.REPLACE_EXISTING);
      }
      committed = true;
      return Optional.empty();
    } catch (IOException e) {
      throw new EnvironmentException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      writer.close();
      if (!committed) {
        Files.deleteIfExists(archive);
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot remove " + archive + ": " + e.getMessage(), e);
    }
  }
}
