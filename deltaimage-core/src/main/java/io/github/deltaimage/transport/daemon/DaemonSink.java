package io.github.deltaimage.transport.daemon;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Digest;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.reference.ImageReference;
import io.github.deltaimage.transport.BlobOpener;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.archive.DockerArchiveWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads an image into the Docker daemon: a docker-archive is built in the run directory (without
 * RepoTags), {@code docker load}ed, checked to have the expected image ID, and only then tagged,
 * so a failed load never moves a tag.
 */
public final class DaemonSink implements ImageSink {
  private final ImageReference.Daemon ref;
  private final DockerEngine engine;
  private final Path archive;
  private final DockerArchiveWriter writer;

  public DaemonSink(ImageReference.Daemon ref, DockerEngine engine, RunDirectory run) {
    if (ref.name() == null) {
      throw new io.github.deltaimage.api.InvalidInputException(ref + ": a daemon destination needs a name (docker-daemon:REPO:TAG), not an image ID");
    }
    this.ref = ref;
    this.engine = engine;
    this.archive = run.newFile("daemon-load.tar");
    try {
      this.writer = new DockerArchiveWriter(archive);
    } catch (IOException e) {
      throw new EnvironmentException("cannot create " + archive + ": " + e.getMessage(), e);
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
      throw new EnvironmentException("cannot write layer " + layer.diffId() + " to " + archive + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void putConfig(byte[] config, Digest digest, String mediaType) {
    try {
      writer.addConfig(config, digest);
    } catch (IOException e) {
      throw new EnvironmentException("cannot write to " + archive + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Digest> commit(Image image) {
    try {
      writer.finish(null);
      try (InputStream in = Files.newInputStream(archive)) {
        engine.load(in);
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot read back " + archive + ": " + e.getMessage(), e);
    }
    String id = image.configDigest().toString();
    DockerEngine.ImageInfo info =
        engine.inspect(id).orElseThrow(() -> new EnvironmentException("the Docker daemon at " + engine.endpoint() + " reported no error but has no image " + id + " after docker load"));
    engine.tag(info.id(), ref.name().familiarRepository(), ref.name().tag());
    return Optional.empty();
  }

  @Override
  public void close() {
    try {
      writer.close();
      Files.deleteIfExists(archive);
    } catch (IOException e) {
      // the run directory goes at the end of the run anyway
    }
  }
}
