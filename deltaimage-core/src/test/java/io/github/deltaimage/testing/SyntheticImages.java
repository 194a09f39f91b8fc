package io.github.deltaimage.testing;

import io.github.deltaimage.api.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Small real images built with GNU tar and gzip (not with deltaimage's own writers, so readers are
 * tested against independent output): an OCI layout and a Docker 20.10 style docker-archive.
 */
public final class SyntheticImages {
  private SyntheticImages() {}

  /** A built image: its config digest (image ID), diff_ids and manifest digest (OCI only). */
  public record Built(Digest imageId, List<Digest> diffIds, Digest manifestDigest, byte[] config) {}

  /** Layer contents: file name to text. */
  public static List<Map<String, String>> threeLayers() {
    List<Map<String, String>> layers = new ArrayList<>();
    layers.add(Map.of("etc/hostname", "synthetic\n", "bin/hello", "#!/bin/sh\necho hello\n"));
    layers.add(Map.of("opt/app/data.txt", "x".repeat(200_000)));
    layers.add(Map.of("opt/app/version", "1\n"));
    return layers;
  }

  /** Writes an OCI layout at {@code dir} with one image tagged {@code tag}. */
  public static Built ociLayout(
      Path dir, String tag, String architecture, List<Map<String, String>> layers)
      throws IOException {
    Written image = writeImage(dir, architecture, layers);
    Files.writeString(
        dir.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
            + image.built().manifestDigest() + "\",\"size\":" + image.manifestSize()
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
    return image.built();
  }

  /** A multi-platform image as built: the index's digest and bytes, and each platform's image. */
  public record BuiltIndex(Digest digest, byte[] bytes, Map<String, Built> platforms) {}

  /**
   * Writes an OCI layout at {@code dir} with one multi-platform image tagged {@code tag}: an OCI image
   * index (a blob, as the image-layout spec nests it) listing one image per architecture, in the
   * order given, each declaring its architecture in its config and in the index.
   */
  public static BuiltIndex ociIndex(
      Path dir, String tag, Map<String, List<Map<String, String>>> architectures)
      throws IOException {
    List<String> entries = new ArrayList<>();
    Map<String, Built> built = new LinkedHashMap<>();
    for (Map.Entry<String, List<Map<String, String>>> e : architectures.entrySet()) {
      Written image = writeImage(dir, e.getKey(), e.getValue());
      built.put(e.getKey(), image.built());
      entries.add("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
          + image.built().manifestDigest() + "\",\"size\":" + image.manifestSize()
          + ",\"platform\":{\"architecture\":\"" + e.getKey() + "\",\"os\":\"linux\"}}");
    }
    byte[] index =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + String.join(",", entries) + "]}")
            .getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(index);
    Files.write(dir.resolve("blobs/sha256").resolve(digest.hex()), index);
    Files.writeString(
        dir.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\""
            + digest + "\",\"size\":" + index.length
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
    return new BuiltIndex(digest, index, built);
  }

  private record Written(Built built, int manifestSize) {}

  /** Writes one image's blobs (layers gzip'd by GNU gzip, config, manifest) into the layout at {@code dir}. */
  private static Written writeImage(Path dir, String architecture, List<Map<String, String>> layers)
      throws IOException {
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Path work = Files.createTempDirectory(dir.toAbsolutePath().getParent(), "synthetic-");
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    List<Digest> diffIds = new ArrayList<>();
    List<String> layerJson = new ArrayList<>();
    int i = 0;
    for (Map<String, String> files : layers) {
      Path tar = layerTar(work, i++, files);
      diffIds.add(Digest.sha256(Files.readAllBytes(tar)));
      Processes.ok(work, "gzip", "-n", "-k", tar.getFileName().toString());
      byte[] gz = Files.readAllBytes(Path.of(tar + ".gz"));
      Digest d = Digest.sha256(gz);
      Files.write(dir.resolve("blobs/sha256").resolve(d.hex()), gz);
      layerJson.add("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
          + d + "\",\"size\":" + gz.length + "}");
    }
    byte[] config = config(architecture, diffIds);
    Digest configDigest = Digest.sha256(config);
    Files.write(dir.resolve("blobs/sha256").resolve(configDigest.hex()), config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + configDigest + "\",\"size\":" + config.length + "},\"layers\":["
                + String.join(",", layerJson) + "]}")
            .getBytes(StandardCharsets.UTF_8);
    Digest manifestDigest = Digest.sha256(manifest);
    Files.write(dir.resolve("blobs/sha256").resolve(manifestDigest.hex()), manifest);
    TestFiles.deleteTree(work);
    return new Written(new Built(configDigest, diffIds, manifestDigest, config), manifest.length);
  }

  /** Writes a docker-archive the way Docker 20.10's docker save lays it out. */
  public static Built dockerArchive(Path file, String repoTag, List<Map<String, String>> layers)
      throws IOException {
    Path work = Files.createTempDirectory(file.toAbsolutePath().getParent(), "synthetic-");
    Path root = Files.createDirectories(work.resolve("root"));
    List<Digest> diffIds = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    int i = 0;
    for (Map<String, String> files : layers) {
      Path tar = layerTar(work, i++, files);
      Digest d = Digest.sha256(Files.readAllBytes(tar));
      diffIds.add(d);
      // v1 layer ids are not diff_ids in real archives: use something else on purpose
      String id = Digest.sha256(("layer" + i).getBytes(StandardCharsets.UTF_8)).hex();
      Files.createDirectories(root.resolve(id));
      Files.move(tar, root.resolve(id).resolve("layer.tar"));
      Files.writeString(root.resolve(id).resolve("VERSION"), "1.0");
      paths.add(id + "/layer.tar");
    }
    byte[] config = config("amd64", diffIds);
    Digest configDigest = Digest.sha256(config);
    Files.write(root.resolve(configDigest.hex() + ".json"), config);
    String manifest = "[{\"Config\":\"" + configDigest.hex() + ".json\",\"RepoTags\":[\"" + repoTag
        + "\"],\"Layers\":["
        + paths.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(",")) + "]}]";
    Files.writeString(root.resolve("manifest.json"), manifest);
    Processes.ok(root, "tar", "-cf", file.toAbsolutePath().toString(), "--sort=name", ".");
    TestFiles.deleteTree(work);
    return new Built(configDigest, diffIds, null, config);
  }

  public static byte[] config(String architecture, List<Digest> diffIds) {
    return ("{\"architecture\":\"" + architecture
            + "\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\",\"SYNTHETIC=1\"],\"Cmd\":[\"/bin/hello\"],\"WorkingDir\":\"/opt/app\"},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
            + diffIds.stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(",")) + "]}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Path layerTar(Path work, int index, Map<String, String> files) throws IOException {
    Path dir = work.resolve("layer" + index);
    for (Map.Entry<String, String> e : new LinkedHashMap<>(files).entrySet()) {
      Path p = dir.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
    }
    Path tar = work.resolve("layer" + index + ".tar");
    Processes.ok(
        dir,
        "tar",
        "-cf",
        tar.toString(),
        "--sort=name",
        "--mtime=@0",
        "--owner=0",
        "--group=0",
        ".");
    return tar;
  }
}
