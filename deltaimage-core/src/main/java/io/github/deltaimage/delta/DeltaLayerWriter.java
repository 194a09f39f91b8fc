package io.github.deltaimage.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.format.image.LayerCodec;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.tar.TarFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * Writes the delta layer (the counterpart of {@link DeltaLayerReader}): every member under
 * {@link DeltaLayerNames#PREFIX}, the per-layer recipe parts first, then the descriptor and the target's config
 * and manifest bytes; and the small config of the delta image, whose labels say what it is.
 */
final class DeltaLayerWriter {

  /** Labels the delta image's config carries. */
  static final String LABEL_FORMAT = "io.github.deltaimage.format";

  static final String LABEL_SOURCE = "io.github.deltaimage.source";
  static final String LABEL_TARGET = "io.github.deltaimage.target";
  static final String LABEL_LINKED = "io.github.deltaimage.linked";

  /** The delta layer as written: the layer, its tar (for sinks that take tars) and its gzip blob. */
  record Written(Layer layer, Path tar, Path blob) {}

  private final RunDirectory run;
  private final Map<String, Path> members = new LinkedHashMap<>();

  DeltaLayerWriter(RunDirectory run) {
    this.run = run;
    members.put(DeltaLayerNames.PREFIX, null);
  }

  /** Adds the recipe, literals and delta pack that rebuild target layer {@code index}. */
  void addLayer(int index, LayerCodec.Encoded encoded) {
    member(DeltaLayerNames.recipe(index), encoded.recipe());
    member(DeltaLayerNames.literals(index), encoded.literals());
    member(DeltaLayerNames.deltas(index), encoded.deltaPack());
  }

  /** Adds the descriptor and the target's documents, then writes the layer as a tar and as a gzip blob. */
  Written finish(DeltaDescriptor descriptor, Image target) throws IOException {
    member(DeltaLayerNames.DESCRIPTOR, write("delta.json", descriptor.toJson()));
    member(DeltaLayerNames.TARGET_CONFIG, write("target-config", target.config()));
    target
        .manifest()
        .ifPresent(m -> member(DeltaLayerNames.TARGET_MANIFEST, write("target-manifest", m)));
    Path tar = run.newFile("delta-layer.tar");
    TarFiles.write(members, tar);
    Path blob = run.newFile("delta-layer.tar.gz");
    Digest diffId = LayerFiles.gzip(tar, blob, Deflater.BEST_COMPRESSION);
    Layer layer = new Layer(
        diffId,
        LayerFiles.sha256(blob),
        Files.size(blob),
        MediaTypes.DOCKER_LAYER_GZIP,
        Compression.GZIP);
    return new Written(layer, tar, blob);
  }

  /**
   * The delta image's config: the target's platform, labels naming the format, source and target, and
   * {@code layers} (the source's unless unlinked, then the delta layer) as its diff_ids.
   */
  static byte[] config(Image target, Image source, List<Layer> layers, boolean unlinked) {
    JsonNode targetConfig = Json.read(target.config(), "target config");
    ObjectNode config = Json.object();
    config.put("architecture", targetConfig.path("architecture").asText("amd64"));
    config.put("os", targetConfig.path("os").asText("linux"));
    ObjectNode labels = config.putObject("config").putObject("Labels");
    labels.put(LABEL_FORMAT, DeltaDescriptor.FORMAT);
    labels.put(LABEL_SOURCE, source.configDigest().toString());
    labels.put(LABEL_TARGET, target.configDigest().toString());
    labels.put(LABEL_LINKED, Boolean.toString(!unlinked));
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(l -> diffIds.add(l.diffId().toString()));
    return Json.write(config);
  }

  private void member(String name, Path file) {
    members.put(DeltaLayerNames.PREFIX + name, file);
  }

  private Path write(String name, byte[] bytes) {
    try {
      return Files.write(run.newFile(name), bytes);
    } catch (IOException e) {
      throw new EnvironmentException("cannot write " + name + ": " + e.getMessage(), e);
    }
  }
}
