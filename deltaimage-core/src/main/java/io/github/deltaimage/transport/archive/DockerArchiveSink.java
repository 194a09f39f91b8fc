package io.github.deltaimage.transport.archive;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.image.Digest;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.reference.ImageReference;
import io.github.deltaimage.transport.BlobOpener;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import java.io.IOException;
import java.io.InputStream;
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
public final class DockerArchiveSink implements ImageSink {
  private final ImageReference.DockerArchive ref;
  private final Path target;
  private final Path tmp;
  private final DockerArchiveWriter writer;
  private boolean committed;

  public DockerArchiveSink(ImageReference.DockerArchive ref) {
    this.ref = ref;
    this.target = ref.file().toAbsolutePath();
    if (ref.index() >= 0) {
      throw new InvalidInputException(ref + ": ':@N' only selects an image when reading; name the image as :REPO:TAG, or leave it out");
    }
    if (Files.isDirectory(target)) {
      throw new InvalidInputException(ref + ": " + target + " is a directory; docker-archive wants a file name");
    }
    if (target.getParent() != null && !Files.isDirectory(target.getParent())) {
      throw new InvalidInputException(ref + ": directory " + target.getParent() + " does not exist");
    }
    this.tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      this.writer = new DockerArchiveWriter(tmp);
    } catch (IOException e) {
      throw new EnvironmentException("cannot create " + tmp + ": " + e.getMessage(), e);
    }
  }

  @Override
  public LayerForm layerForm() {
    return LayerForm.TARS;
  }

  @Override
  public boolean putLayer(Layer layer, BlobOpener opener, Optional<ImageSource.RegistryLocation> mountFrom) {
    try {
      if (writer.hasLayer(layer.diffId())) {
        writer.repeatLayer(layer.diffId());
        return false;
      }
      try (InputStream in = opener.open()) {
        writer.addLayer(layer.diffId(), in);
      }
      return true;
    } catch (IOException e) {
      throw new EnvironmentException("cannot write layer " + layer.diffId() + " to " + tmp + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void putConfig(byte[] config, Digest digest, String mediaType) {
    try {
      writer.addConfig(config, digest);
    } catch (IOException e) {
      throw new EnvironmentException("cannot write to " + tmp + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Digest> commit(Image image) {
    try {
      writer.finish(ref.name() == null ? null : ref.name().familiarRepository() + ":" + ref.name().tag());
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
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
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot remove " + tmp + ": " + e.getMessage(), e);
    }
  }
}
