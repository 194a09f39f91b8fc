package io.github.deltaimage.image;

import io.github.deltaimage.api.Digest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One single-platform image: its config bytes and ordered layers, plus its manifest bytes when the
 * place it came from has a manifest (registries, OCI layouts; a docker-archive has none).
 *
 * <p>Manifest and config are kept exactly as read so that copying them never changes a digest:
 * the config digest is the image ID, the manifest digest is what a registry pull by digest needs.
 */
public final class Image {
  private final byte[] manifest;
  private final String manifestMediaType;
  private final Digest manifestDigest;
  private final byte[] config;
  private final Digest configDigest;
  private final String configMediaType;
  private final List<Layer> layers;

  private Image(
      byte[] manifest,
      String manifestMediaType,
      byte[] config,
      String configMediaType,
      Digest configDigest,
      List<Layer> layers) {
    this.manifest = manifest == null ? null : manifest.clone();
    this.manifestMediaType = manifestMediaType;
    this.manifestDigest = manifest == null ? null : Digest.sha256(manifest);
    this.config = Objects.requireNonNull(config, "config").clone();
    this.configMediaType = Objects.requireNonNull(configMediaType, "configMediaType");
    this.configDigest = Objects.requireNonNull(configDigest, "configDigest");
    this.layers = List.copyOf(layers);
  }

  /** An image read with its manifest (registry, OCI layout). */
  public static Image withManifest(
      byte[] manifest,
      String manifestMediaType,
      byte[] config,
      String configMediaType,
      Digest configDigest,
      List<Layer> layers) {
    return new Image(
        Objects.requireNonNull(manifest, "manifest"),
        Objects.requireNonNull(manifestMediaType, "manifestMediaType"),
        config,
        configMediaType,
        configDigest,
        layers);
  }

  /** An image read without a manifest (docker-archive, daemon): config and layers only. */
  public static Image withoutManifest(byte[] config, Digest configDigest, List<Layer> layers) {
    return new Image(null, null, config, MediaTypes.DOCKER_CONFIG, configDigest, layers);
  }

  /** The manifest bytes exactly as read, when there was a manifest. */
  public Optional<byte[]> manifest() {
    return Optional.ofNullable(manifest).map(byte[]::clone);
  }

  public Optional<String> manifestMediaType() {
    return Optional.ofNullable(manifestMediaType);
  }

  public Optional<Digest> manifestDigest() {
    return Optional.ofNullable(manifestDigest);
  }

  /** The config bytes exactly as read. */
  public byte[] config() {
    return config.clone();
  }

  /** The config digest, which is the image ID Docker shows. */
  public Digest configDigest() {
    return configDigest;
  }

  public String configMediaType() {
    return configMediaType;
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Uncompressed layer digests, in order; equal to the config's {@code rootfs.diff_ids}. */
  public List<Digest> diffIds() {
    return layers.stream().map(Layer::diffId).toList();
  }

  @Override
  public String toString() {
    return "Image[id=" + configDigest + ", manifest=" + manifestDigest + ", layers=" + layers.size()
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Image other
        && Arrays.equals(manifest, other.manifest)
        && Arrays.equals(config, other.config)
        && layers.equals(other.layers);
  }

  @Override
  public int hashCode() {
    return configDigest.hashCode();
  }
}
