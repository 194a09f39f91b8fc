package io.github.deltaimage.delta;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.image.Descriptor;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.transport.BlobOpener;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import java.util.Optional;

/**
 * The sink of one image of an index being written: everything goes to the index's own sink, but the
 * commit stores the manifest unnamed ({@link ImageSink#commitPart}) and remembers what was written,
 * so that the index naming every image can be committed last. Closing it leaves the index's sink
 * open: whoever opened that closes it.
 */
final class IndexPartSink implements ImageSink {

  private final ImageSink sink;
  private Image written;

  IndexPartSink(ImageSink sink) {
    this.sink = sink;
  }

  /** The descriptor of the manifest the last commit wrote (no platform: the index entry adds it). */
  Descriptor lastWritten() {
    if (written == null) {
      throw new IllegalStateException("nothing committed yet");
    }
    byte[] manifest = written.manifest().orElseThrow();
    return new Descriptor(
        written.manifestMediaType().orElseThrow(), Digest.sha256(manifest), manifest.length);
  }

  /** The layer blobs of the image the last commit wrote, summed. */
  long lastWrittenBlobBytes() {
    return written.layers().stream().mapToLong(Layer::size).sum();
  }

  @Override
  public LayerForm layerForm() {
    return sink.layerForm();
  }

  @Override
  public boolean storesManifestType(String mediaType) {
    return sink.storesManifestType(mediaType);
  }

  @Override
  public String createdManifestType() {
    return sink.createdManifestType();
  }

  @Override
  public boolean hasBlob(Digest digest, long size) {
    return sink.hasBlob(digest, size);
  }

  @Override
  public boolean putLayer(
      Layer layer, BlobOpener opener, Optional<ImageSource.RegistryLocation> mountFrom) {
    return sink.putLayer(layer, opener, mountFrom);
  }

  @Override
  public void putConfig(byte[] config, Digest digest, String mediaType) {
    sink.putConfig(config, digest, mediaType);
  }

  @Override
  public Optional<Digest> commit(Image image) {
    Digest digest = sink.commitPart(image);
    written = image;
    return Optional.of(digest);
  }

  @Override
  public void close() {
    // The index's sink stays open for the next image and the index itself.
  }
}
