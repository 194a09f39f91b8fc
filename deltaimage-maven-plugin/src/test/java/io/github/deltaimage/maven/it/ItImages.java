package io.github.deltaimage.maven.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaimage.api.CopyResult;
import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.transport.daemon.DockerEngine;
import io.github.deltaimage.transport.daemon.DockerJavaEngine;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * What the invoker ITs' Groovy scripts (setup.groovy, verify.groovy) use to build fixtures and to
 * check results independently of the plugin: image IDs read straight from OCI layouts, the daemon
 * and registries. On the scripts' class path through the invoker's addTestClassPath.
 */
public final class ItImages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ItImages() {}

  /** The environment variable, or a failure that says how to get the test services. */
  public static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException(
          name + " is not set: run the ITs with ./run test, or start the services"
              + " (./run services start) and eval \"$(./run services env)\" before mvn verify");
    }
    return value;
  }

  /** Copies an image with core's copy; the auth registry's login is used when {@code withLogin}. */
  public static CopyResult copy(String source, String destination, boolean withLogin) {
    DeltaOptions.Builder options = DeltaOptions.builder();
    if (withLogin) {
      Credentials login = new Credentials(
          env("DELTAIMAGE_TEST_AUTH_USER"),
          env("DELTAIMAGE_TEST_AUTH_PASSWORD"),
          false,
          "DELTAIMAGE_TEST_AUTH_USER");
      options.sourceCredentials(login).destinationCredentials(login);
    }
    return DeltaImage.copy(
        ImageReference.parse(source), ImageReference.parse(destination), options.build());
  }

  /** The daemon's image ID ({@code sha256:...}) for a reference, or null when it has none. */
  public static String daemonImageId(String reference) {
    try (DockerEngine engine = DockerJavaEngine.fromEnvironment()) {
      Optional<DockerEngine.ImageInfo> info = engine.inspect(reference);
      return info.map(DockerEngine.ImageInfo::id).orElse(null);
    }
  }

  /** Tags a daemon image (docker tag), e.g. to pin a fixture that another test run may rebuild meanwhile. */
  public static void daemonTag(String image, String repository, String tag) {
    try (DockerEngine engine = DockerJavaEngine.fromEnvironment()) {
      engine.tag(image, repository, tag);
    }
  }

  /** Removes a daemon image (tag), so that a check cannot pass on an earlier run's result. */
  public static void daemonRemove(String reference) {
    try (DockerEngine engine = DockerJavaEngine.fromEnvironment()) {
      engine.remove(reference);
    }
  }

  /** The manifest descriptor of {@code tag} in an OCI layout's index.json, or null. */
  private static JsonNode ociManifest(File layout, String tag) throws IOException {
    JsonNode index = JSON.readTree(layout.toPath().resolve("index.json").toFile());
    for (JsonNode m : index.path("manifests")) {
      if (tag.equals(
          m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
        return m;
      }
    }
    return null;
  }

  /** The manifest digest of {@code tag} in an OCI layout, or null when the tag is not there. */
  public static String ociManifestDigest(File layout, String tag) throws IOException {
    if (!new File(layout, "index.json").isFile()) {
      return null;
    }
    JsonNode m = ociManifest(layout, tag);
    return m == null ? null : m.path("digest").asText();
  }

  /** The image ID (config digest) of {@code tag} in an OCI layout, or null when the tag is not there. */
  public static String ociImageId(File layout, String tag) throws IOException {
    return manifestOf(layout, tag)
        .map(m -> m.path("config").path("digest").asText())
        .orElse(null);
  }

  /** How many layers {@code tag} in an OCI layout has. */
  public static int ociLayerCount(File layout, String tag) throws IOException {
    return manifestOf(layout, tag).map(m -> m.path("layers").size()).orElse(-1);
  }

  private static Optional<JsonNode> manifestOf(File layout, String tag) throws IOException {
    String digest = ociManifestDigest(layout, tag);
    if (digest == null) {
      return Optional.empty();
    }
    Path blob = layout
        .toPath()
        .resolve("blobs")
        .resolve("sha256")
        .resolve(digest.substring("sha256:".length()));
    return Optional.of(JSON.readTree(Files.readAllBytes(blob)));
  }

  /** The image ID (config digest) of HOST/REPO:TAG in a registry over plain HTTP, or null on 404. */
  public static String registryImageId(
      String host, String repository, String tag, boolean withLogin) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://" + host + "/v2/" + repository + "/manifests/" + tag))
        .header(
            "Accept",
            "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json");
    if (withLogin) {
      String basic = env("DELTAIMAGE_TEST_AUTH_USER") + ":" + env("DELTAIMAGE_TEST_AUTH_PASSWORD");
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      return null;
    }
    if (response.statusCode() != 200) {
      throw new IOException("GET manifest " + repository + ":" + tag + " from " + host + ": HTTP "
          + response.statusCode());
    }
    return JSON.readTree(response.body()).path("config").path("digest").asText();
  }

  /** The layer blob digests (in order) of the manifest a plain registry serves for repository:tag. */
  public static List<String> registryLayerDigests(String host, String repository, String tag)
      throws Exception {
    return StreamSupport.stream(
            JSON.readTree(registryManifestBytes(host, repository, tag))
                .path("layers")
                .spliterator(),
            false)
        .map(l -> l.path("digest").asText())
        .toList();
  }

  /** The layer media types (in order) of the manifest a plain registry serves for repository:tag. */
  public static List<String> registryLayerMediaTypes(String host, String repository, String tag)
      throws Exception {
    return StreamSupport.stream(
            JSON.readTree(registryManifestBytes(host, repository, tag))
                .path("layers")
                .spliterator(),
            false)
        .map(l -> l.path("mediaType").asText())
        .toList();
  }

  private static byte[] registryManifestBytes(String host, String repository, String tag)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://" + host + "/v2/" + repository + "/manifests/" + tag))
        .header(
            "Accept",
            "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
        .build();
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("GET manifest " + repository + ":" + tag + " from " + host + ": HTTP "
          + response.statusCode());
    }
    return response.body();
  }

  /**
   * Runs Debian's docker client (the one the test services use) against $DOCKER_HOST and returns
   * its standard output; a non-zero exit fails with the command and what it printed.
   */
  public static String docker(String... arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(new File("/usr/bin/docker").canExecute() ? "/usr/bin/docker" : "docker");
    command.addAll(List.of(arguments));
    Path err = Files.createTempFile("docker", ".err");
    try {
      Process process = new ProcessBuilder(command)
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      if (exit != 0) {
        throw new IOException(String.join(" ", command) + " exited with " + exit + ": "
            + Files.readString(err).strip());
      }
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** The digest of the manifest a plain registry serves for repository:tag (what {@code docker pull} shows), or null when there is none. */
  public static String registryManifestDigest(String host, String repository, String tag)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://" + host + "/v2/" + repository + "/manifests/" + tag))
        .header(
            "Accept",
            "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
        .build();
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      return null;
    }
    if (response.statusCode() != 200) {
      throw new IOException("GET manifest " + repository + ":" + tag + " from " + host + ": HTTP "
          + response.statusCode());
    }
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    return "sha256:" + java.util.HexFormat.of().formatHex(sha.digest(response.body()));
  }
}
