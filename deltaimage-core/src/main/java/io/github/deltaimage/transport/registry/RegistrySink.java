package io.github.deltaimage.transport.registry;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.DockerName;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.transport.BlobOpener;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import java.io.ByteArrayInputStream;
import java.util.Optional;

/**
 * Pushes an image to a registry: blobs (skipped when present, mounted when another repository of
 * the same registry has them), config, and the manifest last, under the tag (or digest) asked for.
 * Until the manifest PUT nothing refers to the uploaded blobs, so a failed push leaves no tag.
 */
public final class RegistrySink implements ImageSink {
  private final RegistryClient client;
  private final DockerName name;
  private final String where;
  private final long chunkSize;

  public RegistrySink(ImageReference.Registry ref, RegistryClient client, long chunkSize) {
    this.client = client;
    this.name = ref.name();
    this.where = ref.toString();
    this.chunkSize = chunkSize;
  }

  @Override
  public LayerForm layerForm() {
    return LayerForm.BLOBS;
  }

  @Override
  public boolean hasBlob(Digest digest, long size) {
    return client.headBlob(name.path(), digest, true).isPresent();
  }

  @Override
  public boolean putLayer(
      Layer layer, BlobOpener opener, Optional<ImageSource.RegistryLocation> mountFrom) {
    String from = mountFrom
        .filter(l -> l.host().equals(name.domain()) && !l.repository().equals(name.path()))
        .map(ImageSource.RegistryLocation::repository)
        .orElse(null);
    String result = client.pushBlob(
        name.path(), layer.blobDigest(), layer.size(), opener, from, chunkSize, where);
    return "uploaded".equals(result);
  }

  @Override
  public void putConfig(byte[] config, Digest digest, String mediaType) {
    client.pushBlob(
        name.path(), digest, config.length, () -> new ByteArrayInputStream(config), null, 0, where);
  }

  @Override
  public Optional<Digest> commit(Image image) {
    byte[] manifest = image
        .manifest()
        .orElseThrow(() -> new IllegalStateException("a registry needs a manifest"));
    Digest digest = Digest.sha256(manifest);
    if (name.digest() != null && !name.digest().equals(digest)) {
      throw new InvalidInputException(where + ": the destination names digest " + name.digest()
          + " but the manifest to push is " + digest
          + "; push by tag, or name the digest the copy produces");
    }
    String reference = name.tag() != null ? name.tag() : digest.toString();
    client.putManifest(
        name.path(), reference, manifest, image.manifestMediaType().orElseThrow(), where);
    return Optional.of(digest);
  }

  @Override
  public boolean storesIndexes() {
    return true;
  }

  @Override
  public Digest commitPart(Image image) {
    byte[] manifest = image
        .manifest()
        .orElseThrow(() -> new IllegalStateException("a registry needs a manifest"));
    Digest digest = Digest.sha256(manifest);
    client.putManifest(
        name.path(), digest.toString(), manifest, image.manifestMediaType().orElseThrow(), where);
    return digest;
  }

  /** Pushed last, after every manifest it lists (a registry refuses an index naming unknown manifests). */
  @Override
  public Digest commitIndex(byte[] index, String mediaType) {
    Digest digest = Digest.sha256(index);
    if (name.digest() != null && !name.digest().equals(digest)) {
      throw new InvalidInputException(where + ": the destination names digest " + name.digest()
          + " but the index to push is " + digest
          + "; push by tag, or name the digest the copy produces");
    }
    String reference = name.tag() != null ? name.tag() : digest.toString();
    client.putManifest(name.path(), reference, index, mediaType, where);
    return digest;
  }

  @Override
  public void close() {}
}
