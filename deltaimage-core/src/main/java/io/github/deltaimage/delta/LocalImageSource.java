package io.github.deltaimage.delta;

import io.github.deltaimage.image.Digest;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * An image made here (a delta image, a restored image), for {@link io.github.deltaimage.copy.ImageCopy}
 * to write anywhere. Layers it made are local files (verified again as they are read); the others
 * are passed through from the image they came from.
 */
final class LocalImageSource implements ImageSource {

  /** A layer held here: its uncompressed tar and, when portable, its blob. */
  record LocalLayer(Path tar, Path blob) {}

  private final Image image;
  private final Map<Digest, LocalLayer> local;
  private final ImageSource passThrough;
  private final boolean portable;

  /**
   * @param local the layers held here, by diff_id
   * @param passThrough where the other layers come from (may be null when all are local)
   * @param portable whether every layer has a blob to copy as is
   */
  LocalImageSource(Image image, Map<Digest, LocalLayer> local, ImageSource passThrough, boolean portable) {
    this.image = image;
    this.local = Map.copyOf(local);
    this.passThrough = passThrough;
    this.portable = portable;
  }

  @Override
  public Image image() {
    return image;
  }

  @Override
  public boolean blobsArePortable() {
    return portable;
  }

  @Override
  public InputStream openBlob(Layer layer) throws IOException {
    LocalLayer held = local.get(layer.diffId());
    if (held == null) {
      return passThrough.openBlob(layer);
    }
    Path file = held.blob() != null ? held.blob() : held.tar();
    return new VerifyingInputStream(Files.newInputStream(file), layer.blobDigest(), -1, "layer " + layer.blobDigest());
  }

  @Override
  public InputStream openTar(Layer layer) throws IOException {
    LocalLayer held = local.get(layer.diffId());
    if (held == null) {
      return passThrough.openTar(layer);
    }
    return new VerifyingInputStream(Files.newInputStream(held.tar()), layer.diffId(), -1, "layer " + layer.diffId());
  }

  @Override
  public long tarSize(Layer layer) {
    LocalLayer held = local.get(layer.diffId());
    if (held == null) {
      return passThrough == null ? -1 : passThrough.tarSize(layer);
    }
    try {
      return Files.size(held.tar());
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public Optional<RegistryLocation> registryLocation() {
    return passThrough == null ? Optional.empty() : passThrough.registryLocation();
  }

  @Override
  public void close() {
    // The images passed through are closed by whoever opened them.
  }
}
