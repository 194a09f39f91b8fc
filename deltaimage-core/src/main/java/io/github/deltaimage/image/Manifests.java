package io.github.deltaimage.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads manifests, indexes and configs (parsing only), and writes manifests deltaimage creates. */
public final class Manifests {
  private Manifests() {}

  /** The parts of a single-image manifest deltaimage needs. */
  public record ManifestContent(Descriptor config, List<Descriptor> layers) {}

  /**
   * The media type of a manifest or index document: its own {@code mediaType} field, else the one
   * a registry sent, else what its shape says (OCI makes the field optional).
   */
  public static String mediaTypeOf(byte[] bytes, String declared, String what) {
    JsonNode root = Json.read(bytes, what);
    if (root.path("schemaVersion").asInt(0) == 1) {
      throw new InvalidInputException(
          what + " is a Docker schema 1 manifest, which is deprecated and not supported; "
              + "push the image again with a current Docker");
    }
    String own = root.path("mediaType").asText("");
    if (!own.isEmpty()) {
      return own;
    }
    if (declared != null && (MediaTypes.isIndex(declared) || MediaTypes.isManifest(declared))) {
      return declared;
    }
    if (root.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    if (root.has("config") && root.has("layers")) {
      return MediaTypes.OCI_MANIFEST;
    }
    throw new InvalidInputException(what + " is neither an image manifest nor an image index");
  }

  public static ImageIndex parseIndex(byte[] bytes, String mediaType, String what) {
    JsonNode root = Json.read(bytes, what);
    List<Descriptor> list = new ArrayList<>();
    for (JsonNode m : root.path("manifests")) {
      list.add(descriptor(m, what));
    }
    return new ImageIndex(bytes, mediaType, list);
  }

  public static ManifestContent parseManifest(byte[] bytes, String what) {
    JsonNode root = Json.read(bytes, what);
    JsonNode config = root.path("config");
    if (!config.isObject()) {
      throw new InvalidInputException(what + " has no config descriptor");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode l : root.path("layers")) {
      layers.add(descriptor(l, what));
    }
    return new ManifestContent(descriptor(config, what), layers);
  }

  /** The {@code rootfs.diff_ids} of an image config. */
  public static List<Digest> diffIds(byte[] config, String what) {
    JsonNode ids = Json.read(config, what).path("rootfs").path("diff_ids");
    List<Digest> out = new ArrayList<>();
    for (JsonNode id : ids) {
      out.add(Digest.parse(id.asText()));
    }
    return out;
  }

  /** Builds the image model from a manifest and its (already verified) config. */
  public static Image image(byte[] manifest, String mediaType, byte[] config, String what) {
    ManifestContent content = parseManifest(manifest, what);
    List<Digest> diffIds = diffIds(config, what + " config");
    if (diffIds.size() != content.layers().size()) {
      throw new InvalidInputException(what + " lists " + content.layers().size()
          + " layers but its config has " + diffIds.size() + " diff_ids; the image is corrupt");
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < diffIds.size(); i++) {
      Descriptor d = content.layers().get(i);
      layers.add(new Layer(
          diffIds.get(i),
          d.digest(),
          d.size(),
          d.mediaType(),
          Compression.ofMediaType(d.mediaType())));
    }
    Descriptor c = content.config();
    return Image.withManifest(manifest, mediaType, config, c.mediaType(), c.digest(), layers);
  }

  /**
   * A new manifest of {@code mediaType} (Docker schema 2 or OCI) for the given config and layer
   * blobs. Layer media types are spelled for the manifest kind; the config bytes are untouched,
   * so the image ID stays.
   */
  public static byte[] write(
      String mediaType, Digest configDigest, long configSize, List<Layer> layers) {
    boolean oci = MediaTypes.OCI_MANIFEST.equals(mediaType);
    ObjectNode root = Json.object();
    root.put("schemaVersion", 2);
    root.put("mediaType", mediaType);
    root.set(
        "config",
        descriptorJson(
            oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG, configDigest, configSize));
    ArrayNode arr = root.putArray("layers");
    for (Layer l : layers) {
      arr.add(descriptorJson(layerMediaType(l, oci), l.blobDigest(), l.size()));
    }
    return Json.write(root);
  }

  private static String layerMediaType(Layer l, boolean oci) {
    String mt = l.mediaType();
    if (oci) {
      return MediaTypes.toOciLayer(mt);
    }
    switch (mt) {
      case MediaTypes.OCI_LAYER_GZIP:
        return MediaTypes.DOCKER_LAYER_GZIP;
      case MediaTypes.OCI_LAYER_TAR:
        return MediaTypes.DOCKER_LAYER_TAR;
      case MediaTypes.OCI_NONDISTRIBUTABLE_GZIP:
        return MediaTypes.DOCKER_FOREIGN_LAYER_GZIP;
      default:
        return mt;
    }
  }

  public static ObjectNode descriptorJson(String mediaType, Digest digest, long size) {
    ObjectNode n = Json.object();
    n.put("mediaType", mediaType);
    n.put("digest", digest.toString());
    n.put("size", size);
    return n;
  }

  static Descriptor descriptor(JsonNode n, String what) {
    String mt = n.path("mediaType").asText("");
    JsonNode digest = n.path("digest");
    if (!digest.isTextual()) {
      throw new InvalidInputException(what + " has a descriptor without digest");
    }
    Platform platform = null;
    JsonNode p = n.path("platform");
    if (p.isObject()) {
      platform = new Platform(
          p.path("os").asText(""),
          p.path("architecture").asText(""),
          p.path("variant").asText(""));
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    n.path("annotations")
        .fields()
        .forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    return new Descriptor(
        mt, Digest.parse(digest.asText()), n.path("size").asLong(-1), platform, annotations);
  }
}
