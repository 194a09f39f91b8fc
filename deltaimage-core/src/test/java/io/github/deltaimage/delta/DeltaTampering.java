package io.github.deltaimage.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.testing.Processes;
import io.github.deltaimage.testing.TestFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Plays a malicious producer: unpacks the delta layer of a delta image in an OCI layout, lets a test
 * change its parts, and packs it again with every digest fixed (layer blob, diff_id in the config,
 * config digest, manifest, index), so that every transport check passes and only apply's own
 * checks stand between the delta and the output.
 */
final class DeltaTampering {

  /** Edits the unpacked parts (the folder holding delta.json, target-config.json, layer-N.*). */
  interface Change {
    void apply(Path parts) throws IOException;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private DeltaTampering() {}

  static void rewrite(Path layout, String tag, Change change) throws IOException {
    Path blobs = layout.resolve("blobs/sha256");
    ObjectNode index = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
    ObjectNode entry = null;
    for (JsonNode m : index.get("manifests")) {
      if (tag.equals(
          m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
        entry = (ObjectNode) m;
      }
    }
    if (entry == null) {
      throw new IllegalArgumentException("no tag " + tag + " in " + layout);
    }
    ObjectNode manifest =
        (ObjectNode) JSON.readTree(blob(blobs, entry.get("digest").asText()).toFile());
    ArrayNode layers = (ArrayNode) manifest.get("layers");
    ObjectNode last = (ObjectNode) layers.get(layers.size() - 1);

    Path work = Files.createTempDirectory(layout.toAbsolutePath().getParent(), "tamper-");
    Path tree = Files.createDirectories(work.resolve("tree"));
    Path tar = work.resolve("layer.tar");
    try (InputStream in =
        new GZIPInputStream(Files.newInputStream(blob(blobs, last.get("digest").asText())))) {
      Files.copy(in, tar);
    }
    Processes.ok(tree, "tar", "-xf", tar.toString());
    change.apply(tree.resolve("__deltaimage__.delta"));
    Files.delete(tar);
    Processes.ok(
        tree,
        "tar",
        "-cf",
        tar.toString(),
        "--sort=name",
        "--owner=0",
        "--group=0",
        "--mtime=@0",
        ".");
    byte[] tarBytes = Files.readAllBytes(tar);
    Path gz = work.resolve("layer.tar.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(tarBytes);
    }
    byte[] gzBytes = Files.readAllBytes(gz);
    Digest layerDigest = put(blobs, gzBytes);
    last.put("digest", layerDigest.toString());
    last.put("size", gzBytes.length);

    ObjectNode configDescriptor = (ObjectNode) manifest.get("config");
    ObjectNode config = (ObjectNode)
        JSON.readTree(blob(blobs, configDescriptor.get("digest").asText()).toFile());
    ArrayNode diffIds = (ArrayNode) config.get("rootfs").get("diff_ids");
    diffIds.set(diffIds.size() - 1, Digest.sha256(tarBytes).toString());
    byte[] configBytes = JSON.writeValueAsBytes(config);
    configDescriptor.put("digest", put(blobs, configBytes).toString());
    configDescriptor.put("size", configBytes.length);

    byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
    entry.put("digest", put(blobs, manifestBytes).toString());
    entry.put("size", manifestBytes.length);
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
    TestFiles.deleteTree(work);
  }

  private static Path blob(Path blobs, String digest) {
    return blobs.resolve(Digest.parse(digest).hex());
  }

  private static Digest put(Path blobs, byte[] bytes) throws IOException {
    Digest digest = Digest.sha256(bytes);
    Files.write(blobs.resolve(digest.hex()), bytes);
    return digest;
  }
}
