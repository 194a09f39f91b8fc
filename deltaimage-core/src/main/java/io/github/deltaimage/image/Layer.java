package io.github.deltaimage.image;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.ImageDeltaSummary;
import java.util.List;
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

  /** These layers as a summary compares them: blob digest, size, compressed or not. */
  public static List<ImageDeltaSummary.Blob> summaryBlobs(List<Layer> layers) {
    return layers.stream()
        .map(l -> new ImageDeltaSummary.Blob(
            l.blobDigest(), l.size(), l.compression() != Compression.NONE))
        .toList();
  }
}
