package io.github.deltaimage.transport;

import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A place an image is read from. Opening the source resolves the reference (and picks the
 * platform from an index), so {@link #image()} is cheap; blobs stream on demand and every stream
 * verifies its digest before reporting end of stream.
 */
public interface ImageSource extends AutoCloseable {
  /** The resolved image: manifest (if any), config and layers. */
  Image image();

  /**
   * Whether the layer blobs as stored may be copied unchanged to a registry or OCI layout. True
   * for registries and OCI layouts; false for archives and the daemon, whose uncompressed tars a
   * copy compresses first.
   */
  boolean blobsArePortable();

  /**
   * Whether this particular layer's blob, as {@code layer} describes it, can be copied unchanged.
   * Images made on the fly mix layers passed through from elsewhere with layers held only as tars.
   */
  default boolean hasPortableBlob(Layer layer) {
    return blobsArePortable();
  }

  /** The layer blob as stored (possibly compressed), verified against {@link Layer#blobDigest()}. */
  InputStream openBlob(Layer layer) throws IOException;

  /** The layer as uncompressed tar, verified against {@link Layer#diffId()}. */
  default InputStream openTar(Layer layer) throws IOException {
    InputStream blob = openBlob(layer);
    try {
      InputStream tar = layer.compression().decompress(blob, "layer " + layer.blobDigest());
      return new VerifyingInputStream(
          tar, layer.diffId(), -1, "uncompressed layer " + layer.diffId());
    } catch (IOException | RuntimeException e) {
      blob.close();
      throw e;
    }
  }

  /** The uncompressed tar's size when known without reading it, else -1: progress shows it as the total. */
  default long tarSize(Layer layer) {
    return layer.compression() == io.github.deltaimage.image.Compression.NONE ? layer.size() : -1;
  }

  /** Registry host and repository, when the source is a registry; lets a sink mount blobs. */
  default Optional<RegistryLocation> registryLocation() {
    return Optional.empty();
  }

  @Override
  void close();

  /** A repository in a registry: what a cross-repository blob mount needs to know. */
  record RegistryLocation(String host, String repository) {}
}
