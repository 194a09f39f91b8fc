package io.github.deltaimage.transport.archive;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.transport.BlobOpener;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A sink that first writes a docker-archive file (layers as tars, each once, then the config); what
 * happens to the file on {@link #commit} (renamed into place, loaded into a daemon) is the subclass's.
 */
public abstract class ArchiveFileSink implements ImageSink {
  /** Where the archive is being written. */
  protected final Path archive;

  protected final DockerArchiveWriter writer;

  protected ArchiveFileSink(Path archive) {
    this.archive = archive;
    try {
      this.writer = new DockerArchiveWriter(archive);
    } catch (IOException e) {
      throw new EnvironmentException("cannot create " + archive + ": " + e.getMessage(), e);
    }
  }

  @Override
  public final LayerForm layerForm() {
    return LayerForm.TARS;
  }

  @Override
  public final boolean putLayer(
      Layer layer, BlobOpener opener, Optional<ImageSource.RegistryLocation> mountFrom) {
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
      throw new EnvironmentException(
          "cannot write layer " + layer.diffId() + " to " + archive + ": " + e.getMessage(), e);
    }
  }

  @Override
  public final void putConfig(byte[] config, Digest digest, String mediaType) {
    try {
      writer.addConfig(config, digest);
    } catch (IOException e) {
      throw new EnvironmentException("cannot write to " + archive + ": " + e.getMessage(), e);
    }
  }
}
