package io.github.deltaimage.transport.daemon;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.archive.DockerArchiveSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an image from the Docker daemon: {@code docker save} spooled to a file in the run
 * directory, then read as a docker-archive. Spooling is needed because the archive's manifest comes
 * last in the stream; it is also what skopeo does.
 */
public final class DaemonSource implements ImageSource {
  private final DockerArchiveSource archive;
  private final Path spool;

  public DaemonSource(ImageReference.Daemon ref, DockerEngine engine, RunDirectory run) {
    String name = ref.engineReference();
    DockerEngine.ImageInfo info = engine
        .inspect(name)
        .orElseThrow(() -> new InvalidInputException(
            ref + ": no such image in the Docker daemon at " + engine.endpoint()
                + (ref.name() != null
                    ? " (docker images " + ref.name().familiarRepository() + " lists what is there)"
                    : "")));
    this.spool = run.newFile("daemon-save.tar");
    try (InputStream in = engine.save(ref.imageId() != null ? info.id() : name);
        OutputStream out = Files.newOutputStream(spool)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new EnvironmentException(
          "reading docker save of " + ref + " from " + engine.endpoint() + " failed: "
              + e.getMessage(),
          e);
    }
    this.archive = new DockerArchiveSource(spool, null, -1, ref.toString());
    if (!archive.image().configDigest().toString().equals(info.id())) {
      throw new EnvironmentException(
          ref + ": docker save returned image " + archive.image().configDigest() + " instead of "
              + info.id() + " (was the tag moved meanwhile?)");
    }
  }

  @Override
  public Image image() {
    return archive.image();
  }

  @Override
  public boolean blobsArePortable() {
    return false;
  }

  @Override
  public InputStream openBlob(Layer layer) throws IOException {
    return archive.openBlob(layer);
  }

  @Override
  public InputStream openTar(Layer layer) throws IOException {
    return archive.openTar(layer);
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(spool);
    } catch (IOException e) {
      // the run directory goes at the end of the run anyway
    }
  }
}
