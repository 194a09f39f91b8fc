package io.github.deltaimage.transport.daemon;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.transport.archive.ArchiveFileSink;
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
public final class DaemonSink extends ArchiveFileSink {
  private final ImageReference.Daemon ref;
  private final DockerEngine engine;

  public DaemonSink(ImageReference.Daemon ref, DockerEngine engine, RunDirectory run) {
    super(archiveFor(ref, run));
    this.ref = ref;
    this.engine = engine;
  }

  /** Checks that {@code ref} can be tagged, before any file is made; returns where the archive to load goes. */
  private static Path archiveFor(ImageReference.Daemon ref, RunDirectory run) {
    if (ref.name() == null) {
      throw new io.github.deltaimage.api.InvalidInputException(
          ref + ": a daemon destination needs a name (docker-daemon:REPO:TAG), not an image ID");
    }
    return run.newFile("daemon-load.tar");
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
    DockerEngine.ImageInfo info = engine
        .inspect(id)
        .orElseThrow(() -> new EnvironmentException("the Docker daemon at " + engine.endpoint()
            + " reported no error but has no image " + id + " after docker load"));
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
