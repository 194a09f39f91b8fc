package io.github.deltaimage.transport.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.image.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the classic docker-archive layout, which {@code docker load} takes on Docker 20.10 and
 * 25+ and skopeo reads: {@code <config-hex>.json}, {@code <diff_id-hex>/layer.tar} per layer (each
 * once, even if the image repeats it), and {@code manifest.json} last.
 */
public final class DockerArchiveWriter implements AutoCloseable {
  private final TarWriter tar;
  private final Set<Digest> written = new HashSet<>();
  private final List<String> layerPaths = new ArrayList<>();
  private String configPath;

  public DockerArchiveWriter(Path file) throws IOException {
    this.tar = new TarWriter(file);
  }

  /**
   * Adds the next layer as an uncompressed tar. Sources verify what they stream, so the stream
   * ends only if the tar matches {@code diffId}; the archive is published only after that.
   */
  public void addLayer(Digest diffId, InputStream uncompressed) throws IOException {
    String path = diffId.hex() + "/layer.tar";
    if (written.add(diffId)) {
      tar.addStream(path, uncompressed);
    } else {
      uncompressed.close();
    }
    layerPaths.add(path);
  }

  public boolean hasLayer(Digest diffId) {
    return written.contains(diffId);
  }

  /** Records a repeated layer (already written) at the next position. */
  public void repeatLayer(Digest diffId) {
    layerPaths.add(diffId.hex() + "/layer.tar");
  }

  public void addConfig(byte[] config, Digest digest) throws IOException {
    configPath = digest.hex() + ".json";
    tar.addBytes(configPath, config);
  }

  /** Writes manifest.json (with {@code repoTag} unless null) and closes the tar. */
  public void finish(String repoTag) throws IOException {
    ObjectNode entry = Json.object();
    entry.put("Config", configPath);
    ArrayNode tags = entry.putArray("RepoTags");
    if (repoTag != null) {
      tags.add(repoTag);
    }
    ArrayNode layers = entry.putArray("Layers");
    layerPaths.forEach(layers::add);
    ArrayNode root = Json.MAPPER.createArrayNode();
    root.add(entry);
    tar.addBytes("manifest.json", Json.write(root));
    tar.finish();
    tar.close();
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
