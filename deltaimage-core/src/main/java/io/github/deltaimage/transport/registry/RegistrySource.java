package io.github.deltaimage.transport.registry;

import io.github.deltaimage.api.DockerName;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.image.Descriptor;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.ImageIndex;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.Manifests;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.transport.Blobs;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Reads an image from a registry; an index or manifest list is narrowed to one platform. */
public final class RegistrySource implements ImageSource {
  private final RegistryClient client;
  private final DockerName name;
  private final String where;
  private final Image image;

  public RegistrySource(ImageReference.Registry ref, RegistryClient client, Platform platform) {
    this.client = client;
    this.name = ref.name();
    this.where = ref.toString();
    RegistryClient.Manifest m = client.getManifest(name.path(), name.manifestReference(), where);
    String mediaType = Manifests.mediaTypeOf(m.bytes(), m.contentType(), where + " manifest");
    if (MediaTypes.isIndex(mediaType)) {
      ImageIndex index = Manifests.parseIndex(m.bytes(), mediaType, where);
      Descriptor chosen = index.select(platform, where);
      m = client.getManifest(name.path(), chosen.digest().toString(), where);
      mediaType = Manifests.mediaTypeOf(m.bytes(), chosen.mediaType(), where + " manifest");
    }
    this.image = resolve(m, mediaType);
  }

  /** One manifest {@code manifest} of the index {@code ref} names (an image index entry), by digest. */
  public RegistrySource(ImageReference.Registry ref, RegistryClient client, Descriptor manifest) {
    this.client = client;
    this.name = ref.name();
    this.where = ref + " (" + platformOf(manifest) + ")";
    RegistryClient.Manifest m =
        client.getManifest(name.path(), manifest.digest().toString(), where);
    this.image =
        resolve(m, Manifests.mediaTypeOf(m.bytes(), manifest.mediaType(), where + " manifest"));
  }

  /** The image index {@code ref} names, or empty when it names a single image. */
  public static Optional<ImageIndex> readIndex(ImageReference.Registry ref, RegistryClient client) {
    String where = ref.toString();
    DockerName name = ref.name();
    RegistryClient.Manifest m = client.getManifest(name.path(), name.manifestReference(), where);
    String mediaType = Manifests.mediaTypeOf(m.bytes(), m.contentType(), where + " manifest");
    return MediaTypes.isIndex(mediaType)
        ? Optional.of(Manifests.parseIndex(m.bytes(), mediaType, where))
        : Optional.empty();
  }

  private static String platformOf(Descriptor manifest) {
    return manifest.platform() == null
        ? manifest.digest().shortHex()
        : manifest.platform().toString();
  }

  private Image resolve(RegistryClient.Manifest m, String mediaType) {
    if (!MediaTypes.isManifest(mediaType)) {
      throw new InvalidInputException(where + ": unsupported manifest media type " + mediaType);
    }
    Descriptor config = Manifests.parseManifest(m.bytes(), where + " manifest").config();
    byte[] configBytes;
    try (InputStream in = new VerifyingInputStream(
        client.openBlob(name.path(), config.digest(), config.size(), where),
        config.digest(),
        config.size(),
        "config of " + where)) {
      configBytes = Blobs.readSmall(in, "config of " + where);
      if (in.read() >= 0) {
        throw new InvalidInputException("config of " + where + " is too large");
      }
    } catch (IOException e) {
      throw new io.github.deltaimage.api.EnvironmentException(
          "reading the config of " + where + " failed: " + e.getMessage(), e);
    }
    return Manifests.image(m.bytes(), mediaType, configBytes, where + " manifest");
  }

  @Override
  public Image image() {
    return image;
  }

  @Override
  public boolean blobsArePortable() {
    return true;
  }

  @Override
  public InputStream openBlob(Layer layer) throws IOException {
    return new VerifyingInputStream(
        client.openBlob(name.path(), layer.blobDigest(), layer.size(), where),
        layer.blobDigest(),
        layer.size(),
        "layer " + layer.blobDigest() + " of " + where);
  }

  @Override
  public Optional<RegistryLocation> registryLocation() {
    return Optional.of(new RegistryLocation(name.domain(), name.path()));
  }

  @Override
  public void close() {}
}
