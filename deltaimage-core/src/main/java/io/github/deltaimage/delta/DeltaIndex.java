package io.github.deltaimage.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.image.Descriptor;
import io.github.deltaimage.image.ImageIndex;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.Manifests;
import io.github.deltaimage.image.MediaTypes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The delta of two image indexes: an OCI image index of delta images, one entry per target entry, in
 * the target's order, each with the target entry's platform. An entry is either a delta image (the
 * delta of the source's image of the same platform) or, for a platform the source lacks, the target's
 * own image carried whole (manifest and blobs as they are).
 *
 * <p>The index's annotations carry the target index's exact bytes (base64) and media type, so that
 * apply writes the very same index (same digest) once every manifest is restored exactly; each entry's
 * annotations say what it carries and which target manifest it restores. A delta index is never larger
 * than a registry accepts for a manifest: a target index of a few dozen platforms is a few kB.
 */
final class DeltaIndex {

  static final String FORMAT = "io.github.deltaimage/index-delta/1";

  static final String ANNOTATION_FORMAT = "io.github.deltaimage.format";
  static final String ANNOTATION_TARGET_INDEX = "io.github.deltaimage.target.index";
  static final String ANNOTATION_TARGET_INDEX_TYPE = "io.github.deltaimage.target.index.mediaType";
  static final String ANNOTATION_SOURCE_INDEX = "io.github.deltaimage.source.index";
  static final String ANNOTATION_CARRIES = "io.github.deltaimage.carries";
  static final String ANNOTATION_TARGET_MANIFEST = "io.github.deltaimage.target.manifest";

  static final String CARRIES_DELTA = "delta";
  static final String CARRIES_WHOLE = "whole";

  /** Target index bytes this tool refuses to carry (a registry refuses manifests over 4 MiB). */
  static final int MAX_TARGET_INDEX_BYTES = 1 << 20;

  /**
   * One entry of a delta index.
   *
   * @param written the delta image (or the image carried whole) as written: media type, digest, size
   * @param whole whether it is the target's image carried whole
   * @param target the target index entry it restores (its platform is the entry's)
   */
  record Entry(Descriptor written, boolean whole, Descriptor target) {}

  /**
   * A delta index as read.
   *
   * @param targetIndex the target index, exactly as it was
   * @param sourceIndex the source index's digest
   * @param entries per target entry, in its order
   */
  record Read(ImageIndex targetIndex, Digest sourceIndex, List<Entry> entries) {}

  private DeltaIndex() {}

  /** The delta index's bytes: entries in the target's order, each with the target entry's platform. */
  static byte[] write(ImageIndex target, Digest sourceIndex, List<Entry> entries) {
    JsonNode targetEntries = Json.read(target.bytes(), "the target index").path("manifests");
    ObjectNode root = Json.object();
    root.put("schemaVersion", 2);
    root.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = root.putArray("manifests");
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      ObjectNode node = Manifests.descriptorJson(
          e.written().mediaType(), e.written().digest(), e.written().size());
      JsonNode platform = targetEntries.path(i).path("platform");
      if (platform.isObject()) {
        node.set("platform", platform.deepCopy());
      }
      ObjectNode annotations = node.putObject("annotations");
      annotations.put(ANNOTATION_CARRIES, e.whole() ? CARRIES_WHOLE : CARRIES_DELTA);
      annotations.put(ANNOTATION_TARGET_MANIFEST, e.target().digest().toString());
      manifests.add(node);
    }
    ObjectNode annotations = root.putObject("annotations");
    annotations.put(ANNOTATION_FORMAT, FORMAT);
    annotations.put(ANNOTATION_SOURCE_INDEX, sourceIndex.toString());
    annotations.put(ANNOTATION_TARGET_INDEX_TYPE, target.mediaType());
    annotations.put(ANNOTATION_TARGET_INDEX, Base64.getEncoder().encodeToString(target.bytes()));
    return Json.write(root);
  }

  /** The delta index {@code index} is, or empty when it is some other index. */
  static Optional<Read> read(ImageIndex index, String where) {
    JsonNode root = Json.read(index.bytes(), where);
    JsonNode annotations = root.path("annotations");
    if (!annotations
        .path(ANNOTATION_FORMAT)
        .asText("")
        .startsWith("io.github.deltaimage/index-delta/")) {
      return Optional.empty();
    }
    if (!FORMAT.equals(annotations.path(ANNOTATION_FORMAT).asText())) {
      throw new InvalidInputException(where + " is an index delta of format "
          + annotations.path(ANNOTATION_FORMAT).asText() + "; this tool reads " + FORMAT
          + " (a newer deltaimage may read it)");
    }
    byte[] targetBytes;
    try {
      targetBytes =
          Base64.getDecoder().decode(annotations.path(ANNOTATION_TARGET_INDEX).asText(""));
    } catch (IllegalArgumentException e) {
      throw corrupt(where, "its target index is not base64");
    }
    if (targetBytes.length == 0 || targetBytes.length > MAX_TARGET_INDEX_BYTES) {
      throw corrupt(
          where, "it carries no target index, or one of " + targetBytes.length + " bytes");
    }
    String targetType = annotations.path(ANNOTATION_TARGET_INDEX_TYPE).asText("");
    if (!MediaTypes.isIndex(targetType)
        || !targetType.equals(
            Manifests.mediaTypeOf(targetBytes, targetType, where + " target index"))) {
      throw corrupt(
          where, "its target index is not of the media type it records (" + targetType + ")");
    }
    ImageIndex target = Manifests.parseIndex(targetBytes, targetType, where + " target index");
    if (target.manifests().size() != index.manifests().size()) {
      throw corrupt(
          where,
          "it has " + index.manifests().size() + " entries for the target's "
              + target.manifests().size());
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < index.manifests().size(); i++) {
      Descriptor d = index.manifests().get(i);
      Descriptor t = target.manifests().get(i);
      String carries = d.annotations().getOrDefault(ANNOTATION_CARRIES, "");
      if (!t.digest().toString().equals(d.annotations().get(ANNOTATION_TARGET_MANIFEST))
          || !(CARRIES_DELTA.equals(carries) || CARRIES_WHOLE.equals(carries))) {
        throw corrupt(
            where,
            "entry " + (i + 1) + " does not say which target manifest it restores (" + t.digest()
                + ") or what it carries");
      }
      if (CARRIES_WHOLE.equals(carries)
          && MediaTypes.OCI_MANIFEST.equals(d.mediaType())
          && d.mediaType().equals(t.mediaType())
          && !d.digest().equals(t.digest())) {
        throw corrupt(
            where, "entry " + (i + 1) + " is carried whole but is not the target's manifest");
      }
      entries.add(new Entry(d, CARRIES_WHOLE.equals(carries), t));
    }
    String source = annotations.path(ANNOTATION_SOURCE_INDEX).asText("");
    return Optional.of(new Read(target, source.isEmpty() ? null : Digest.parse(source), entries));
  }

  /** How an entry is named in messages: its platform, else its digest's short form. */
  static String platformOf(Descriptor d) {
    return d.platform() == null ? d.digest().shortHex() : d.platform().toString();
  }

  private static InvalidInputException corrupt(String where, String why) {
    return new InvalidInputException(
        "the delta " + where + " is corrupt: " + why + "; it cannot be applied");
  }
}
