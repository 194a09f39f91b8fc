package io.github.deltaimage.transport;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import java.util.Optional;

/**
 * A place an image is written to. The copy puts every layer and the config, then calls
 * {@link #commit}: a sink writes its manifest, index entry or tag only there, last, so that a
 * failed copy leaves nothing that points at partial content. The streams a sink is handed come
 * from an {@link ImageSource}, which verifies every stream against its digest before reporting
 * end of stream; a sink moves a blob into place only after reading to the end.
 */
public interface ImageSink extends AutoCloseable {
  /** Which form of layers the sink stores. */
  enum LayerForm {
    /** Blobs as a registry holds them (compressed); manifest kept or written. */
    BLOBS,
    /** Uncompressed tars keyed by diff_id, the way {@code docker save}/{@code docker load} want them. */
    TARS
  }

  LayerForm layerForm();

  /**
   * For {@link LayerForm#BLOBS} sinks: the manifest media type this sink can store unchanged
   * ({@code true}) or must convert ({@code false}). OCI layouts take OCI manifests only.
   */
  default boolean storesManifestType(String mediaType) {
    return true;
  }

  /** For {@link LayerForm#BLOBS} sinks: the manifest type to write when the copy must create one. */
  default String createdManifestType() {
    return io.github.deltaimage.image.MediaTypes.DOCKER_MANIFEST;
  }

  /** Whether the sink already has this blob (so the copy can skip it). */
  default boolean hasBlob(Digest digest, long size) {
    return false;
  }

  /**
   * Stores one layer. For {@code BLOBS} sinks {@code opener} yields the blob as {@code layer}
   * describes it; for {@code TARS} sinks it yields the uncompressed tar of diff_id
   * {@code layer.diffId()}. {@code mountFrom} names a registry repository that holds the blob, if any.
   *
   * @return true if the blob was moved, false if it was mounted instead
   */
  boolean putLayer(
      Layer layer, BlobOpener opener, Optional<ImageSource.RegistryLocation> mountFrom);

  /** Stores the config blob; its digest is the image ID. */
  void putConfig(byte[] config, Digest digest, String mediaType);

  /**
   * Makes the image visible: writes the manifest / index entry / tag. For {@code BLOBS} sinks
   * {@code image} carries the manifest bytes to write unchanged.
   *
   * @return the manifest digest at the destination, when it has one
   */
  Optional<Digest> commit(Image image);

  /**
   * Whether the sink can hold an image index: several images under one name (registries, OCI
   * layouts). The daemon and a docker-archive hold one platform.
   */
  default boolean storesIndexes() {
    return false;
  }

  /** For sinks that {@link #storesIndexes()}: whether an index of this media type is stored unchanged. */
  default boolean storesIndexType(String mediaType) {
    return storesIndexes();
  }

  /**
   * Like {@link #commit}, for one image of an index being written: its manifest is stored by digest
   * and not named (no tag, no index.json entry), so {@link #commitIndex} can name them all at once.
   * Only for sinks that {@link #storesIndexes()}.
   *
   * @return the manifest digest at the destination
   */
  default Digest commitPart(Image image) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " holds one image");
  }

  /**
   * Stores {@code index} (an OCI image index or Docker manifest list, bytes as given) and names it as
   * the sink's reference says; every manifest it lists must have been written by {@link
   * #commitPart} first. Only for sinks that {@link #storesIndexes()}.
   *
   * @return the index digest
   */
  default Digest commitIndex(byte[] index, String mediaType) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " holds one image");
  }

  @Override
  void close();
}
