package io.github.deltaimage.delta;

import io.github.deltaimage.api.DeltaContents;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.format.image.LayerCodec;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.Transports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The inspect use case: what a delta image holds, read from its delta layer without applying it. */
final class DeltaInspect {
  private DeltaInspect() {}

  static DeltaContents inspect(Transports transports, RunDirectory run, ImageReference delta)
      throws IOException {
    try (ImageSource del = transports.openSource(delta)) {
      DeltaLayerReader.Opened opened = DeltaLayerReader.open(del, delta, run);
      Image d = opened.image();
      Map<String, Path> files = opened.files();
      DeltaDescriptor descriptor = opened.descriptor();
      List<DeltaContents.LayerPart> layers = new ArrayList<>();
      for (int i = 0; i < descriptor.layers().size(); i++) {
        DeltaDescriptor.TargetLayer layer = descriptor.layers().get(i);
        long stored = 0;
        for (String part : List.of(
            DeltaLayerNames.recipe(i), DeltaLayerNames.literals(i), DeltaLayerNames.deltas(i))) {
          Path file = files.get(part);
          stored += file == null ? 0 : Files.size(file);
        }
        layers.add(new DeltaContents.LayerPart(
            layer.layer().diffId(),
            layer.layer().size(),
            layer.fromSource(),
            stored,
            layer.blobRecipe() != null || layer.layer().compression() == Compression.NONE,
            layer.fromSource()
                ? null
                : LayerCodec.engineOf(
                    files.get(DeltaLayerNames.recipe(i)), files.get(DeltaLayerNames.literals(i)))));
      }
      return new DeltaContents(
          descriptor.tool(),
          descriptor.linked(),
          descriptor.sourceImageId(),
          descriptor.targetImageId(),
          opened.layer().size(),
          d.layers().size() - 1,
          layers);
    }
  }
}
