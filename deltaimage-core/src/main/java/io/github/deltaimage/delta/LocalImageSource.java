package io.github.deltaimage.delta;

import io.github.deltaimage.api.Digest;
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
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An image made here (a delta image, a restored image), for {@link io.github.deltaimage.copy.ImageCopy}
 * to write anywhere. Layers it made or spooled are local files (verified again as they are read);
 * the others are passed through from the image they came from.
 *
 * <p>A layer's blob is portable (copied as it is, so the manifest can stay) when it is held here, or
 * when the pass-through image lists that very blob and stores portable blobs. Any other layer is
 * given to the copy as a tar, which compresses it for a registry or an OCI layout.
 */
final class LocalImageSource implements ImageSource {

  private final Image image;
  private final Map<Digest, Path> tars;
  private final Map<Digest, Path> blobs;
  private final ImageSource passThrough;
  private final Set<Digest> passThroughBlobs;

  /**
   * @param tars uncompressed tars held here, by diff_id
   * @param blobs blobs held here, by blob digest
   * @param passThrough where the other layers come from (may be null when all are local)
   */
  LocalImageSource(
      Image image, Map<Digest, Path> tars, Map<Digest, Path> blobs, ImageSource passThrough) {
    this.image = image;
    this.tars = Map.copyOf(tars);
    this.blobs = Map.copyOf(blobs);
    this.passThrough = passThrough;
    this.passThroughBlobs = passThrough == null || !passThrough.blobsArePortable()
        ? Set.of()
        : passThrough.image().layers().stream()
            .map(Layer::blobDigest)
            .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public Image image() {
    return image;
  }

  @Override
  public boolean blobsArePortable() {
    return image.layers().stream().allMatch(this::hasPortableBlob);
  }

  @Override
  public boolean hasPortableBlob(Layer layer) {
    return blobs.containsKey(layer.blobDigest()) || passThroughBlobs.contains(layer.blobDigest());
  }

  @Override
  public InputStream openBlob(Layer layer) throws IOException {
    Path held = blobs.get(layer.blobDigest());
    if (held != null) {
      return new VerifyingInputStream(
          Files.newInputStream(held), layer.blobDigest(), -1, "layer " + layer.blobDigest());
    }
    if (passThrough == null) {
      throw new IllegalStateException("no blob " + layer.blobDigest() + " in an image made here");
    }
    return passThrough.openBlob(layer);
  }

  @Override
  public InputStream openTar(Layer layer) throws IOException {
    Path held = tars.get(layer.diffId());
    if (held != null) {
      return new VerifyingInputStream(
          Files.newInputStream(held), layer.diffId(), -1, "layer " + layer.diffId());
    }
    if (passThrough == null) {
      throw new IllegalStateException("no layer " + layer.diffId() + " in an image made here");
    }
    return passThrough.openTar(layer);
  }

  @Override
  public long tarSize(Layer layer) {
    Path held = tars.get(layer.diffId());
    if (held == null) {
      return passThrough == null ? -1 : passThrough.tarSize(layer);
    }
    try {
      return Files.size(held);
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
