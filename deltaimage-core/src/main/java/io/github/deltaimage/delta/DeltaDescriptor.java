package io.github.deltaimage.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code delta.json}, the index of a delta layer: which source it needs (image ID and diff_ids),
 * and, per target layer, where it comes from (a source layer, or a recipe in the delta) and how its
 * blob was stored, so that the restored image is the target itself.
 *
 * @param tool the deltaimage version that wrote it
 * @param linked whether the delta image carries the source layers
 * @param sourceImageId the source's config digest
 * @param sourceDiffIds the source's layers, in order
 * @param targetImageId the target's config digest
 * @param targetConfigMediaType the target config's media type
 * @param targetManifestMediaType the target manifest's media type, when it had a manifest
 * @param layers the target's layers, in order
 */
record DeltaDescriptor(
    String tool,
    boolean linked,
    Digest sourceImageId,
    List<Digest> sourceDiffIds,
    Digest targetImageId,
    String targetConfigMediaType,
    String targetManifestMediaType,
    List<TargetLayer> layers) {

  /**
   * The format written: 5 carries each layer as one stream (see LayerCodec) encoded by the engine
   * that made it smallest (suffix-array, LZMA2-dictionary or xdelta3; the stream's first bytes say
   * which), gzip members a deflate model rebuilds carried as their content, zip members (jars) with
   * the deflated entries a model rebuilds carried as theirs. Format 4 deltas (no zip members
   * expanded), format 3 deltas (the suffix-array engine only), format 2 deltas (the same without
   * inflated members) and format 1 deltas (per-file xdelta3) have the same members and still apply.
   */
  static final String FORMAT = "io.github.deltaimage/image-delta/5";

  static final String FORMAT_4 = "io.github.deltaimage/image-delta/4";

  static final String FORMAT_3 = "io.github.deltaimage/image-delta/3";

  static final String FORMAT_2 = "io.github.deltaimage/image-delta/2";

  static final String FORMAT_1 = "io.github.deltaimage/image-delta/1";

  /** Far above any real image (Docker stops at 127 layers); keeps a hostile descriptor small. */
  static final int MAX_LAYERS = 10_000;

  /**
   * One target layer.
   *
   * @param layer the layer as the target lists it
   * @param fromSource whether a source layer has it (same diff_id)
   * @param blobRecipe how its blob is rebuilt from its tar (see {@link BlobRecipes}), or null when nothing known does
   */
  record TargetLayer(Layer layer, boolean fromSource, String blobRecipe) {}

  byte[] toJson() {
    ObjectNode root = Json.object();
    root.put("format", FORMAT);
    root.put("tool", tool);
    root.put("linked", linked);
    ObjectNode source = root.putObject("source");
    source.put("imageId", sourceImageId.toString());
    ArrayNode diffIds = source.putArray("diffIds");
    sourceDiffIds.forEach(d -> diffIds.add(d.toString()));
    ObjectNode target = root.putObject("target");
    target.put("imageId", targetImageId.toString());
    target.put("configMediaType", targetConfigMediaType);
    if (targetManifestMediaType != null) {
      target.put("manifestMediaType", targetManifestMediaType);
    }
    ArrayNode list = target.putArray("layers");
    for (TargetLayer t : layers) {
      ObjectNode node = list.addObject();
      node.put("diffId", t.layer().diffId().toString());
      node.put("blobDigest", t.layer().blobDigest().toString());
      node.put("size", t.layer().size());
      node.put("mediaType", t.layer().mediaType());
      node.put("compression", t.layer().compression().name());
      node.put("from", t.fromSource() ? "source" : "recipe");
      // Diff records model recipes only; a java.util.zip level comes from an old delta read back,
      // and keeps the field such deltas used.
      if (BlobRecipes.zlibLevel(t.blobRecipe()) >= 0) {
        node.put("gzipLevel", BlobRecipes.zlibLevel(t.blobRecipe()));
      } else if (t.blobRecipe() != null) {
        node.put("blobRecipe", t.blobRecipe());
      }
    }
    return Json.write(root);
  }

  static DeltaDescriptor parse(byte[] json) {
    JsonNode root = Json.read(json, "delta.json");
    String format = root.path("format").asText();
    if (!List.of(FORMAT, FORMAT_4, FORMAT_3, FORMAT_2, FORMAT_1).contains(format)) {
      throw new InvalidInputException(
          "not a deltaimage delta, or one of another format version (format "
              + root.path("format").asText("missing") + ", this tool reads " + FORMAT_1 + ", "
              + FORMAT_2 + ", " + FORMAT_3 + ", " + FORMAT_4 + " and " + FORMAT + ")");
    }
    try {
      JsonNode source = root.get("source");
      List<Digest> sourceDiffIds = new ArrayList<>();
      source.get("diffIds").forEach(d -> sourceDiffIds.add(Digest.parse(d.asText())));
      JsonNode target = root.get("target");
      List<TargetLayer> layers = new ArrayList<>();
      if (target.get("layers").size() > MAX_LAYERS || source.get("diffIds").size() > MAX_LAYERS) {
        throw corrupt("it lists more than " + MAX_LAYERS + " layers");
      }
      for (JsonNode node : target.get("layers")) {
        Layer layer = new Layer(
            Digest.parse(node.get("diffId").asText()),
            Digest.parse(node.get("blobDigest").asText()),
            node.get("size").asLong(),
            node.get("mediaType").asText(),
            Compression.valueOf(node.get("compression").asText()));
        String from = node.get("from").asText();
        int level = node.path("gzipLevel").asInt(-1);
        if (layer.size() < 0
            || level < -1
            || level > 9
            || !(from.equals("source") || from.equals("recipe"))) {
          throw corrupt("layer " + layer.diffId() + " has out-of-range values (size " + layer.size()
              + ", gzipLevel " + level + ", from " + from + ")");
        }
        String recipe = level >= 0 ? BlobRecipes.zlib(level) : null;
        if (node.hasNonNull("blobRecipe")) {
          try {
            recipe = BlobRecipes.validate(node.get("blobRecipe").asText());
          } catch (IllegalArgumentException e) {
            throw corrupt("layer " + layer.diffId() + " has a blob recipe this tool cannot replay ("
                + e.getMessage() + "); a newer deltaimage may know it");
          }
        }
        layers.add(new TargetLayer(layer, "source".equals(from), recipe));
      }
      return new DeltaDescriptor(
          root.path("tool").asText(),
          root.get("linked").asBoolean(),
          Digest.parse(source.get("imageId").asText()),
          sourceDiffIds,
          Digest.parse(target.get("imageId").asText()),
          target.get("configMediaType").asText(),
          target.hasNonNull("manifestMediaType")
              ? target.get("manifestMediaType").asText()
              : null,
          layers);
    } catch (RuntimeException e) {
      if (e instanceof InvalidInputException) {
        throw e;
      }
      throw new InvalidInputException(
          "the delta is corrupt: delta.json is malformed (" + e + ")", e);
    }
  }

  private static InvalidInputException corrupt(String why) {
    return new InvalidInputException(
        "the delta is corrupt: delta.json " + why + "; it cannot be applied");
  }
}
