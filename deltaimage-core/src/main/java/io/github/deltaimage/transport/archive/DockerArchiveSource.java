package io.github.deltaimage.transport.archive;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.DockerName;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.Manifests;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.transport.Blobs;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an image from a {@code docker save} tar. Both layouts Docker writes are read through
 * their {@code manifest.json}: Docker 20.10's ({@code <id>/layer.tar} members, config
 * {@code <hex>.json}) and Docker 25+'s OCI-layout based one ({@code blobs/sha256/<hex>}). Layers
 * are uncompressed tars (gzip is sniffed and accepted); there is no registry manifest to keep,
 * so {@link Image#manifest()} is empty.
 */
public final class DockerArchiveSource implements ImageSource {
  private final TarIndex tar;
  private final Image image;
  private final Map<Digest, TarIndex.Entry> members = new HashMap<>();
  private final String where;

  /**
   * @param name the RepoTag to pick, or null
   * @param index the position to pick when {@code name} is null, or -1 for "the only one"
   * @param where the reference as the user wrote it, for messages
   */
  public DockerArchiveSource(Path file, DockerName name, int index, String where) {
    this.where = where;
    this.tar = TarIndex.read(file, where);
    TarIndex.Entry manifestEntry = tar.resolve("manifest.json");
    if (manifestEntry == null) {
      throw new InvalidInputException(where + ": " + file
          + " has no manifest.json; it is not a docker-archive (docker save) file");
    }
    try {
      JsonNode manifest;
      try (InputStream in = tar.open(manifestEntry)) {
        manifest = Json.read(Blobs.readSmall(in, "manifest.json"), where + " manifest.json");
      }
      JsonNode chosen = choose(manifest, name, index);
      String configPath = chosen.path("Config").asText("");
      TarIndex.Entry configEntry = tar.resolve(configPath);
      if (configEntry == null) {
        throw new InvalidInputException(where + ": config " + configPath
            + " named in manifest.json is missing from the archive");
      }
      byte[] config;
      try (InputStream in = tar.open(configEntry)) {
        config = Blobs.readSmall(in, "config");
      }
      Digest configDigest = Digest.sha256(config);
      String expectedHex = hexFromPath(configPath);
      if (expectedHex != null && !expectedHex.equals(configDigest.hex())) {
        throw new InvalidInputException(
            where + ": config " + configPath + " does not match its digest; refused");
      }
      List<Digest> diffIds = Manifests.diffIds(config, where + " config");
      JsonNode layerPaths = chosen.path("Layers");
      if (layerPaths.size() != diffIds.size()) {
        throw new InvalidInputException(where + ": manifest.json lists " + layerPaths.size()
            + " layers but the config has " + diffIds.size() + " diff_ids; the archive is corrupt");
      }
      List<Layer> layers = new ArrayList<>();
      for (int i = 0; i < diffIds.size(); i++) {
        String p = layerPaths.get(i).asText();
        TarIndex.Entry e = tar.resolve(p);
        if (e == null) {
          throw new InvalidInputException(where + ": layer " + p
              + " named in manifest.json is missing from the archive (truncated?)");
        }
        byte[] head = tar.head(e, 4);
        Compression c = Compression.sniff(head, head.length);
        Digest diffId = diffIds.get(i);
        Layer layer;
        if (c == Compression.NONE) {
          layer = new Layer(diffId, diffId, e.size(), MediaTypes.DOCKER_LAYER_TAR, c);
        } else {
          // rare: compressed members (some tools write them); the blob digest is not recorded, so
          // hash it once
          layer = new Layer(
              diffId,
              hash(e),
              e.size(),
              c == Compression.GZIP ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER_ZSTD,
              c);
        }
        members.put(layer.blobDigest(), e);
        layers.add(layer);
      }
      this.image = Image.withoutManifest(config, configDigest, layers);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private JsonNode choose(JsonNode manifest, DockerName name, int index) {
    if (!manifest.isArray() || manifest.isEmpty()) {
      throw new InvalidInputException(where + ": manifest.json lists no image");
    }
    if (name != null) {
      List<String> all = new ArrayList<>();
      for (JsonNode m : manifest) {
        for (JsonNode t : m.path("RepoTags")) {
          all.add(t.asText());
          try {
            DockerName n = DockerName.parse(t.asText(), "RepoTags");
            if (n.repository().equals(name.repository()) && n.tag().equals(name.tag())) {
              return m;
            }
          } catch (InvalidInputException ignored) {
            // a RepoTag we cannot parse cannot be the one asked for
          }
        }
      }
      throw new InvalidInputException(where + ": no image tagged " + name.familiarRepository() + ":"
          + name.tag() + " in the archive (it has: "
          + (all.isEmpty() ? "no tags" : String.join(", ", all)) + ")");
    }
    if (index >= 0) {
      if (index >= manifest.size()) {
        throw new InvalidInputException(where + ": the archive holds " + manifest.size()
            + " images; @" + index + " is out of range");
      }
      return manifest.get(index);
    }
    if (manifest.size() > 1) {
      throw new InvalidInputException(where + ": the archive holds " + manifest.size()
          + " images; pick one with :REPO:TAG or :@N");
    }
    return manifest.get(0);
  }

  private static String hexFromPath(String path) {
    String base = path.substring(path.lastIndexOf('/') + 1);
    if (base.endsWith(".json")) {
      base = base.substring(0, base.length() - 5);
    }
    return base.matches("[a-f0-9]{64}") ? base : null;
  }

  private Digest hash(TarIndex.Entry e) throws IOException {
    MessageDigest md = Digest.newSha256();
    byte[] buf = new byte[256 * 1024];
    try (InputStream in = tar.open(e)) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        md.update(buf, 0, n);
      }
    }
    return Digest.ofSha256(md.digest());
  }

  @Override
  public Image image() {
    return image;
  }

  @Override
  public boolean blobsArePortable() {
    return false;
  }

  @Override
  public InputStream openBlob(Layer layer) throws IOException {
    TarIndex.Entry e = members.get(layer.blobDigest());
    if (e == null) {
      throw new IllegalArgumentException("not a layer of this archive: " + layer.blobDigest());
    }
    return new VerifyingInputStream(
        tar.open(e), layer.blobDigest(), e.size(), "layer " + layer.diffId() + " in " + where);
  }

  @Override
  public InputStream openTar(Layer layer) throws IOException {
    // an uncompressed member's blob digest is its diff_id: verify once, not twice
    return layer.compression() == Compression.NONE
        ? openBlob(layer)
        : ImageSource.super.openTar(layer);
  }

  @Override
  public void close() {}
}
