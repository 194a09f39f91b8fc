package io.github.deltaimage.delta;

import io.github.deltaimage.event.FileDecision;
import io.github.deltaimage.image.Digest;
import java.util.List;

/**
 * What an image diff or apply did.
 *
 * @param sourceImageId the source's image ID
 * @param targetImageId the target's image ID (for apply: the restored image's, equal by check)
 * @param sourceBytes the source layers' uncompressed size (the layers read from the source image)
 * @param targetBytes the target layers' uncompressed size
 * @param deltaBytes the delta layer's blob size, as a registry stores it
 * @param layers per target layer: how it is carried
 * @param topFiles the files that cost the most delta bytes, largest first
 * @param manifestDigest the manifest digest written at the destination, when it has one
 * @param manifestExact whether that is the target's own manifest digest
 * @param notes why some layers' blobs could not be reproduced, and other remarks
 * @param elapsedNanos wall time
 */
public record ImageDeltaSummary(Digest sourceImageId, Digest targetImageId, long sourceBytes, long targetBytes, long deltaBytes,
    List<LayerSummary> layers, List<FileDecision> topFiles, Digest manifestDigest, boolean manifestExact,
    List<String> notes, long elapsedNanos) {

  /**
   * One target layer.
   *
   * @param diffId its diff_id
   * @param tarBytes its uncompressed size
   * @param storedBytes the bytes the delta holds for it (0 when the source has it)
   * @param fromSource whether the source has it
   * @param blobExact whether its blob (so the manifest) can be rebuilt exactly
   */
  public record LayerSummary(Digest diffId, long tarBytes, long storedBytes, boolean fromSource, boolean blobExact) {}

  /** Delta bytes per target byte. */
  public double ratio() {
    return targetBytes == 0 ? 0 : (double) deltaBytes / targetBytes;
  }
}
