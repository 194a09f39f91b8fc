package io.github.deltaimage.delta;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.image.Descriptor;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.Manifests;
import java.util.List;
import java.util.Optional;

/**
 * The target's config and manifest as a delta carries them, checked against each other and against
 * the delta's descriptor before anything is rebuilt: a delta whose parts disagree is corrupt, however
 * well its digests were fixed up.
 *
 * @param config the config bytes; they hash to the target image ID
 * @param manifest the manifest bytes, when the target had a manifest
 * @param image the target as its manifest describes it (or its config alone), layers in order
 */
record TargetDocuments(byte[] config, Optional<byte[]> manifest, Image image) {

  static TargetDocuments verify(DeltaLayerReader.Opened opened, DeltaDescriptor descriptor) {
    byte[] config = opened
        .document(DeltaLayerNames.TARGET_CONFIG)
        .orElseThrow(() -> corrupt("it lacks " + DeltaLayerNames.TARGET_CONFIG));
    if (!Digest.sha256(config).equals(descriptor.targetImageId())) {
      throw corrupt(
          "its target config does not hash to the target image ID " + descriptor.targetImageId());
    }
    List<Layer> layers =
        descriptor.layers().stream().map(DeltaDescriptor.TargetLayer::layer).toList();
    List<Digest> diffIds = Manifests.diffIds(config, "the delta's target config");
    if (!diffIds.equals(layers.stream().map(Layer::diffId).toList())) {
      throw corrupt("its layer list "
          + DeltaApply.shortList(layers.stream().map(Layer::diffId).toList())
          + " is not the target config's rootfs.diff_ids " + DeltaApply.shortList(diffIds));
    }
    Optional<byte[]> manifest = opened.document(DeltaLayerNames.TARGET_MANIFEST);
    if (manifest.isEmpty()) {
      return new TargetDocuments(
          config, manifest, Image.withoutManifest(config, descriptor.targetImageId(), layers));
    }
    String mediaType = descriptor.targetManifestMediaType();
    if (mediaType == null
        || !mediaType.equals(
            Manifests.mediaTypeOf(manifest.get(), mediaType, "the delta's target manifest"))) {
      throw corrupt("its target manifest is not of the media type its descriptor records ("
          + mediaType + ")");
    }
    Manifests.ManifestContent content =
        Manifests.parseManifest(manifest.get(), "the delta's target manifest");
    Descriptor c = content.config();
    if (!c.digest().equals(descriptor.targetImageId())
        || c.size() != config.length
        || !c.mediaType().equals(descriptor.targetConfigMediaType())) {
      throw corrupt("its target manifest names config " + c.digest() + " (" + c.size() + " bytes, "
          + c.mediaType() + "), not the target config " + descriptor.targetImageId());
    }
    if (content.layers().size() != layers.size()) {
      throw corrupt("its target manifest lists " + content.layers().size()
          + " layers, its descriptor " + layers.size());
    }
    for (int i = 0; i < layers.size(); i++) {
      Descriptor d = content.layers().get(i);
      Layer l = layers.get(i);
      if (!d.digest().equals(l.blobDigest())
          || d.size() != l.size()
          || !d.mediaType().equals(l.mediaType())) {
        throw corrupt("its target manifest names blob " + d.digest() + " for layer " + (i + 1)
            + ", its descriptor " + l.blobDigest());
      }
    }
    Image image = Manifests.image(manifest.get(), mediaType, config, "the delta's target manifest");
    return new TargetDocuments(config, manifest, image);
  }

  private static InvalidInputException corrupt(String why) {
    return new InvalidInputException("the delta is corrupt: " + why + "; it cannot be applied");
  }
}
