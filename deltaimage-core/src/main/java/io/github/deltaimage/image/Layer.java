package io.github.deltaimage.image;

import java.util.Objects;

/**
 * One layer of an image.
 *
 * @param diffId digest of the uncompressed tar, as listed in the config's {@code rootfs.diff_ids}
 * @param blobDigest digest of the blob as stored (equal to {@code diffId} when uncompressed)
 * @param size size of the blob as stored, in bytes
 * @param mediaType the layer media type from the manifest (or what an archive's file amounts to)
 * @param compression how the blob is compressed
 */
public record Layer(
    Digest diffId, Digest blobDigest, long size, String mediaType, Compression compression) {
  public Layer {
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(blobDigest, "blobDigest");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(compression, "compression");
  }
}
