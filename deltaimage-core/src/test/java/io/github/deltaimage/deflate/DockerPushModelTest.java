package io.github.deltaimage.deflate;

import static io.github.deltaimage.deflate.GoGzipModelTest.assertIdentifiedAndRebuilt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaimage.testing.Processes;
import io.github.deltaimage.testing.TestServices;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code docker push} of the test daemon really uploads: its layer blobs are identified as Go's
 * compress/gzip at the default level and rebuilt with the same sha256.
 */
class DockerPushModelTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void aLayerDockerPushCompressesIsGoGzipAtTheDefaultLevelAndIsRebuiltWithItsDigest()
      throws Exception {
    String docker = TestServices.tool("docker");
    TestServices.dockerHost();
    String registry = TestServices.registry();
    // An imported layer no one pushed before, so the daemon compresses it now rather than reusing a
    // blob it already knows.
    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    Files.writeString(rootfs.resolve("unique"), UUID.randomUUID().toString());
    Path docs = RealProducers.realTar(dir, "docs.tar", 3L << 20);
    Files.copy(docs, rootfs.resolve("docs.tar"));
    Path layer = dir.resolve("layer.tar");
    Processes.ok(dir, "tar", "-cf", layer.toString(), "-C", rootfs.toString(), ".");
    String name = registry + "/deltaimage-test/deflate-push";
    String tag = "t" + UUID.randomUUID().toString().substring(0, 8);
    Processes.ok(dir, docker, "import", layer.toString(), name + ":" + tag);
    try {
      Processes.ok(dir, docker, "push", name + ":" + tag);
      List<Path> blobs = fetchLayerBlobs(registry, "deltaimage-test/deflate-push", tag);
      assertEquals(1, blobs.size());
      assertIdentifiedAndRebuilt(
          decompressed(blobs.get(0)),
          blobs.get(0),
          new DeflateModel(DeflateModel.Family.GO_FLATE, 6));
    } finally {
      Processes.run(dir, List.of(docker, "rmi", name + ":" + tag));
    }
  }

  @Test
  void everyLayerOfAPushedFixtureImageIsIdentifiedAndRebuilt() throws Exception {
    String docker = TestServices.tool("docker");
    TestServices.imagesInDaemon();
    String registry = TestServices.registry();
    String name = registry + "/deltaimage-test/deflate-fixture";
    String tag = "t" + UUID.randomUUID().toString().substring(0, 8);
    Processes.ok(dir, docker, "tag", "deltaimage-test/app:1.0", name + ":" + tag);
    try {
      Processes.ok(dir, docker, "push", name + ":" + tag);
      List<Path> blobs = fetchLayerBlobs(registry, "deltaimage-test/deflate-fixture", tag);
      assertTrue(blobs.size() >= 2, "the app fixture has several layers");
      for (Path blob : blobs) {
        Optional<GzipRecipe> recipe = GzipIdentifier.identify(blob);
        assertTrue(recipe.isPresent(), "no model rebuilds pushed layer " + blob.getFileName());
        assertIdentifiedAndRebuilt(decompressed(blob), blob, recipe.get().model());
      }
    } finally {
      Processes.run(dir, List.of(docker, "rmi", name + ":" + tag));
    }
  }

  private List<Path> fetchLayerBlobs(String registry, String repository, String tag)
      throws Exception {
    HttpRequest manifestRequest = HttpRequest.newBuilder(
            URI.create("http://" + registry + "/v2/" + repository + "/manifests/" + tag))
        .header("Accept", "application/vnd.docker.distribution.manifest.v2+json")
        .build();
    HttpResponse<byte[]> manifest =
        HTTP.send(manifestRequest, HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, manifest.statusCode(), new String(manifest.body()));
    List<Path> blobs = new ArrayList<>();
    for (JsonNode layer : JSON.readTree(manifest.body()).path("layers")) {
      String digest = layer.path("digest").asText();
      Path blob = dir.resolve(digest.replace(':', '-') + ".gz");
      HttpResponse<Path> response = HTTP.send(
          HttpRequest.newBuilder(
                  URI.create("http://" + registry + "/v2/" + repository + "/blobs/" + digest))
              .build(),
          HttpResponse.BodyHandlers.ofFile(blob));
      assertEquals(200, response.statusCode());
      assertEquals(digest, "sha256:" + sha256(blob), "the registry's blob matches its digest");
      blobs.add(blob);
    }
    return blobs;
  }

  private static Path decompressed(Path gz) throws Exception {
    Path tar = gz.resolveSibling(gz.getFileName() + ".tar");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz));
        OutputStream out = Files.newOutputStream(tar)) {
      in.transferTo(out);
    }
    return tar;
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
