package io.github.deltaimage.api;

import java.util.List;

/**
 * What a delta image holds, as {@code deltaimage image inspect} shows it.
 *
 * @param tool the deltaimage version that made it
 * @param linked whether it carries its source's layers
 * @param sourceImageId the image it applies to
 * @param targetImageId the image it restores
 * @param deltaBlobBytes the delta layer's size as a registry stores it
 * @param sourceLayers how many source layers it carries
 * @param layers per target layer, how it is carried
 */
public record DeltaContents(
    String tool,
    boolean linked,
    Digest sourceImageId,
    Digest targetImageId,
    long deltaBlobBytes,
    int sourceLayers,
    List<LayerPart> layers) {

  /**
   * One target layer.
   *
   * @param diffId its diff_id
   * @param blobBytes its blob size in the target
   * @param fromSource whether the source has it
   * @param deltaBytes what the delta holds for it (uncompressed parts)
   * @param blobExact whether its blob can be rebuilt byte for byte
   * @param engine the engine that encoded it (null when the source has it)
   */
  public record LayerPart(
      Digest diffId,
      long blobBytes,
      boolean fromSource,
      long deltaBytes,
      boolean blobExact,
      DeltaEngine engine) {}
}
