package io.github.deltaimage.transport.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.RetryPolicy;
import io.github.deltaimage.transport.VerifyingInputStream;
import io.github.deltaimage.transport.registry.credentials.CredentialResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of the Distribution protocol Debian's registry cannot be made to show on demand:
 * Bearer token challenges, 5xx answers, connections dropped mid-blob, TLS by default. A small HTTP
 * server on 127.0.0.1 plays the registry; each test says what it does.
 */
class RegistryClientProtocolTest {
  @TempDir
  Path home;

  HttpServer server;
  String host;
  final List<String> log = new CopyOnWriteArrayList<>();
  static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(10));

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.start();
    host = "127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private RegistryClient client(Credentials explicit) {
    return new RegistryClient(
        host, new CredentialResolver(explicit, Map.of(), home), Set.of(), FAST);
  }

  private static void send(HttpExchange x, int status, byte[] body, String... headers)
      throws IOException {
    for (int i = 0; i < headers.length; i += 2) {
      x.getResponseHeaders().add(headers[i], headers[i + 1]);
    }
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream o = x.getResponseBody()) {
        o.write(body);
      }
    }
    x.close();
  }

  @Test
  void aBearerChallengeIsAnsweredWithATokenForTheRequestedScope() {
    String login =
        "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
    server.createContext("/token", x -> {
      log.add("token " + x.getRequestURI().getQuery() + " auth="
          + (login.equals(x.getRequestHeaders().getFirst("Authorization"))));
      send(x, 200, "{\"token\":\"T0K3N\"}".getBytes(StandardCharsets.UTF_8));
    });
    server.createContext("/v2/", x -> {
      if ("Bearer T0K3N".equals(x.getRequestHeaders().getFirst("Authorization"))) {
        send(x, 200, "{}".getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
      } else {
        send(
            x,
            401,
            new byte[0],
            "WWW-Authenticate",
            "Bearer realm=\"http://" + host
                + "/token\",service=\"test-registry\",scope=\"repository:team/app:pull\"");
      }
    });
    client(new Credentials("alice", "pw", false, "test"))
        .headBlob("team/app", Digest.sha256(new byte[0]), false);
    assertThat(log)
        .singleElement()
        .asString()
        .contains("service=test-registry")
        .contains("scope=repository:team/app:pull")
        .endsWith("auth=true");
  }

  @Test
  void aRefusedTokenNamesTheCredentialSourceButNotTheSecret() {
    server.createContext("/token", x -> send(x, 401, new byte[0]));
    server.createContext(
        "/v2/",
        x -> send(
            x,
            401,
            new byte[0],
            "WWW-Authenticate",
            "Bearer realm=\"http://" + host + "/token\",service=\"s\""));
    assertThatThrownBy(() -> client(new Credentials("alice", "sup3r-secret", false, "--src-creds"))
            .ping())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("token service refused the login")
        .hasMessageContaining("user 'alice' from --src-creds")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sup3r-secret"));
  }

  @Test
  void serverErrorsAreRetriedWithBackoffUntilTheyPass() {
    AtomicInteger calls = new AtomicInteger();
    server.createContext("/v2/", x -> {
      if (calls.incrementAndGet() < 3) {
        send(x, 503, "busy".getBytes(StandardCharsets.UTF_8));
      } else {
        send(x, 200, "{}".getBytes(StandardCharsets.UTF_8));
      }
    });
    client(null).ping();
    assertThat(calls).hasValue(3);
  }

  @Test
  void serverErrorsBeyondTheBudgetAreAnEnvironmentProblem() {
    AtomicInteger calls = new AtomicInteger();
    server.createContext("/v2/", x -> {
      calls.incrementAndGet();
      send(
          x,
          500,
          "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"disk on fire\"}]}"
              .getBytes(StandardCharsets.UTF_8));
    });
    assertThatThrownBy(() -> client(null).ping())
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("500")
        .hasMessageContaining("disk on fire");
    assertThat(calls).hasValue(FAST.attempts());
  }

  @Test
  void aBlobWhoseConnectionDropsIsResumedWithARangeRequestAndStillVerified() throws Exception {
    byte[] blob = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(blob);
    Digest digest = Digest.sha256(blob);
    AtomicInteger gets = new AtomicInteger();
    server.createContext("/v2/", x -> {
      String range = x.getRequestHeaders().getFirst("Range");
      log.add(String.valueOf(range));
      if (gets.incrementAndGet() == 1) {
        // promise everything, send a third, then drop the connection
        x.sendResponseHeaders(200, blob.length);
        OutputStream o = x.getResponseBody();
        o.write(blob, 0, blob.length / 3);
        o.flush();
        x.getHttpContext().getServer();
        x.close();
        return;
      }
      long from = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
      x.getResponseHeaders()
          .add("Content-Range", "bytes " + from + "-" + (blob.length - 1) + "/" + blob.length);
      x.sendResponseHeaders(206, blob.length - from);
      try (OutputStream o = x.getResponseBody()) {
        o.write(blob, (int) from, (int) (blob.length - from));
      }
      x.close();
    });
    byte[] got;
    try (InputStream in = new VerifyingInputStream(
        client(null).openBlob("team/app", digest, "test"), digest, blob.length, "blob")) {
      got = in.readAllBytes();
    }
    assertThat(got).isEqualTo(blob);
    assertThat(log).hasSize(2);
    assertThat(log.get(0)).isEqualTo("null");
    assertThat(log.get(1)).startsWith("bytes=").isNotEqualTo("bytes=0-");
  }

  @Test
  void aBlobRedirectToStorageIsFollowedWithoutOurCredentials() throws Exception {
    byte[] blob = "layer bytes in object storage".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(blob);
    HttpServer storage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    storage.createContext("/", x -> {
      log.add("storage auth=" + x.getRequestHeaders().getFirst("Authorization"));
      send(x, 200, blob);
    });
    storage.start();
    try {
      String login = "Basic "
          + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
      server.createContext("/v2/", x -> {
        if (!login.equals(x.getRequestHeaders().getFirst("Authorization"))) {
          send(x, 401, new byte[0], "WWW-Authenticate", "Basic realm=\"test\"");
          return;
        }
        send(
            x,
            307,
            new byte[0],
            "Location",
            "http://localhost:" + storage.getAddress().getPort() + "/bucket/" + digest.hex()
                + "?sig=abc");
      });
      byte[] got;
      try (InputStream in = client(new Credentials("alice", "pw", false, "test"))
          .openBlob("team/app", digest, "test")) {
        got = in.readAllBytes();
      }
      assertThat(got).isEqualTo(blob);
      assertThat(log).containsExactly("storage auth=null");
    } finally {
      storage.stop(0);
    }
  }

  @Test
  void registriesOtherThanLoopbackAreSpokenToOverHttpsUnlessAllowedPlain() {
    assertThat(RegistryClient.usesPlainHttp("127.0.0.1:5000", Set.of())).isTrue();
    assertThat(RegistryClient.usesPlainHttp("localhost:5000", Set.of())).isTrue();
    assertThat(RegistryClient.usesPlainHttp("[::1]:5000", Set.of())).isTrue();
    assertThat(RegistryClient.usesPlainHttp("registry.example:5000", Set.of())).isFalse();
    assertThat(RegistryClient.usesPlainHttp("127.0.0.2:5000", Set.of())).isFalse();
    assertThat(
            RegistryClient.usesPlainHttp("registry.example:5000", Set.of("registry.example:5000")))
        .isTrue();
    assertThat(RegistryClient.usesPlainHttp("registry.example:5000", Set.of("registry.example")))
        .isTrue();
  }

  @Test
  void aPlainHttpRegistryNotAllowedSaysHowToAllowIt() throws Exception {
    // a plain-HTTP server that answers a TLS hello with 400, as Go's net/http (Distribution) does
    try (java.net.ServerSocket plain =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.2"))) {
      Thread t = new Thread(() -> {
        while (!plain.isClosed()) {
          try (java.net.Socket s = plain.accept()) {
            int first = s.getInputStream().read();
            String answer = first == 0x16
                ? "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{}";
            s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
          } catch (IOException e) {
            // closed at the end of the test
          }
        }
      });
      t.setDaemon(true);
      t.start();
      String otherHost = "127.0.0.2:" + plain.getLocalPort();
      RegistryClient tls = new RegistryClient(
          otherHost, new CredentialResolver(null, Map.of(), home), Set.of(), FAST);
      assertThat(tls.base().getScheme()).isEqualTo("https");
      assertThatThrownBy(tls::ping)
          .isInstanceOf(EnvironmentException.class)
          .hasMessageContaining("does not speak HTTPS")
          .hasMessageContaining("--insecure-registry " + otherHost);
      new RegistryClient(
              otherHost, new CredentialResolver(null, Map.of(), home), Set.of(otherHost), FAST)
          .ping();
    }
  }

  @Test
  void aManifestThatDoesNotMatchTheDigestAskedForIsRefused() {
    byte[] manifest = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/v2/",
        x -> send(x, 200, manifest, "Content-Type", "application/vnd.oci.image.manifest.v1+json"));
    String other =
        Digest.sha256("something else".getBytes(StandardCharsets.UTF_8)).toString();
    assertThatThrownBy(
            () -> client(null).getManifest("team/app", other, "docker://x/team/app@" + other))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not match digest");
  }
}
