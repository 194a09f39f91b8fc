package io.github.deltaimage.transport.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.RegistryTimeouts;
import io.github.deltaimage.api.RetryPolicy;
import io.github.deltaimage.transport.VerifyingInputStream;
import io.github.deltaimage.transport.registry.credentials.CredentialResolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile or broken registry on 127.0.0.1, played by a raw socket server so that each fault is
 * exactly what the wire shows: headers then silence, no answer at all, a connection cut mid-blob,
 * 429 with Retry-After, 5xx, content that is not what its digest says, a body that never ends.
 * Every case runs with short limits and under a {@link Timeout}, so a regression fails instead of
 * hanging; every failure is searched for the password and its Base64 form.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RegistryFaultsTest {
  static final String USER = "alice";
  static final String PASSWORD = "S3cr3t-pw-93";
  static final String BASIC =
      Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofSeconds(2));
  static final RegistryTimeouts SHORT = new RegistryTimeouts(
      Duration.ofSeconds(1),
      Duration.ofMillis(500),
      Duration.ofMillis(300),
      Duration.ofSeconds(3),
      1024 * 1024);

  @TempDir
  Path home;

  FakeRegistry registry;

  @AfterEach
  void stop() throws IOException {
    if (registry != null) {
      registry.close();
    }
  }

  private RegistryClient client(FakeRegistry r) {
    return client(r, SHORT);
  }

  private RegistryClient client(FakeRegistry r, RegistryTimeouts timeouts) {
    return new RegistryClient(
        r.host(),
        new CredentialResolver(
            new Credentials(USER, PASSWORD, false, "--src-creds"), Map.of(), home),
        Set.of(),
        RETRY,
        timeouts);
  }

  private static byte[] blob(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static byte[] readVerified(RegistryClient c, byte[] blob) throws IOException {
    Digest d = Digest.sha256(blob);
    try (InputStream in = new VerifyingInputStream(
        c.openBlob("team/app", d, blob.length, "docker://test/team/app"), d, blob.length, "blob")) {
      return in.readAllBytes();
    }
  }

  /** Fails the test if any message of the chain, or the stack trace a front end prints with -d, shows the login. */
  static void assertNoSecret(Throwable t) {
    assertThat(t).isNotNull();
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    StringBuilder all = new StringBuilder(trace.toString());
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append('\n').append(c).append('\n').append(c.getMessage());
      for (Throwable s : c.getSuppressed()) {
        all.append('\n').append(s);
      }
    }
    assertThat(all.toString())
        .doesNotContain(PASSWORD)
        .doesNotContain(BASIC)
        .doesNotContain(BASIC.substring(0, 12));
  }

  // ---------------------------------------------------------------- stalls

  @Test
  void aBodyThatStallsAfterTheHeadersIsResumedFromWhereItStopped() throws Exception {
    byte[] blob = blob(400_000);
    registry = new FakeRegistry((n, req, s) -> {
      if (req.range() < 0) {
        // promise everything, send a quarter, then say nothing more (the socket stays open)
        s.head(200, blob.length);
        s.out.write(blob, 0, blob.length / 4);
        s.out.flush();
        s.stall();
      } else {
        s.partial(blob, req.range());
      }
    });
    long start = System.nanoTime();
    assertThat(readVerified(client(registry), blob)).isEqualTo(blob);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(registry.ranges()).containsExactly(-1L, (long) blob.length / 4);
  }

  @Test
  void aBodyThatAlwaysStallsFailsWithinTheReadTimeoutPerTryAsAnEnvironmentError() throws Exception {
    byte[] blob = blob(100_000);
    registry = new FakeRegistry((n, req, s) -> {
      s.head(200, blob.length);
      s.out.write(blob, 0, 1000);
      s.out.flush();
      s.stall();
    });
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> readVerified(client(registry), blob));
    assertThat(t)
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("stalled")
        .hasMessageContaining("300 ms")
        .hasMessageContaining(RegistryTimeouts.READ);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    assertThat(registry.blobGets()).isEqualTo(RETRY.attempts());
    assertNoSecret(t);
  }

  @Test
  void aServerThatAcceptsButNeverAnswersFailsAfterTheResponseTimeoutPerTry() throws Exception {
    registry = new FakeRegistry((n, req, s) -> s.stall());
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> client(registry).ping());
    assertThat(t)
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("did not answer within 500 ms")
        .hasMessageContaining(RETRY.attempts() + " tries")
        .hasMessageContaining(RegistryTimeouts.RESPONSE);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    assertThat(registry.requests()).hasSize(RETRY.attempts());
    assertNoSecret(t);
  }

  @Test
  void aBodyTricklingBelowTheMinimumRateFailsAtTheBlobsTimeLimit() throws Exception {
    byte[] blob = blob(50_000);
    registry = new FakeRegistry((n, req, s) -> {
      long from = Math.max(0, req.range());
      s.head(from == 0 ? 200 : 206, blob.length - from);
      // one byte every 100 ms: never silent for the 300 ms read timeout, yet hopelessly slow
      for (long i = from; i < blob.length; i++) {
        s.out.write(blob[(int) i]);
        s.out.flush();
        Thread.sleep(100);
      }
    });
    RegistryTimeouts tight = SHORT.withBlob(Duration.ofSeconds(1), 1024 * 1024);
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> readVerified(client(registry, tight), blob));
    assertThat(t)
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("within its time limit")
        .hasMessageContaining(RegistryTimeouts.MIN_RATE);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    assertNoSecret(t);
  }

  @Test
  void aManifestBodyThatStallsIsAskedForAgainThenReportedAsStalled() throws Exception {
    AtomicInteger gets = new AtomicInteger();
    registry = new FakeRegistry((n, req, s) -> {
      gets.incrementAndGet();
      s.head(200, 100, "Content-Type", "application/vnd.oci.image.manifest.v1+json");
      s.out.write("{\"schemaVersion\":".getBytes(StandardCharsets.UTF_8));
      s.out.flush();
      s.stall();
    });
    Throwable t = catchThrowable(
        () -> client(registry).getManifest("team/app", "1.0", "docker://test/team/app:1.0"));
    assertThat(t)
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("stalled")
        .hasMessageContaining("manifest");
    assertThat(gets).hasValue(RETRY.attempts());
    assertNoSecret(t);
  }

  @Test
  void aTokenServiceThatStallsIsAnEnvironmentErrorAndShowsNoLogin() throws Exception {
    registry = new FakeRegistry(
        (n, req, s) -> {
          if (req.path().startsWith("/token")) {
            s.head(200, 1000, "Content-Type", "application/json");
            s.out.write("{\"token\":\"".getBytes(StandardCharsets.UTF_8));
            s.out.flush();
            s.stall();
          } else {
            s.head(
                401,
                0,
                "WWW-Authenticate",
                "Bearer realm=\"http://" + registry.host() + "/token\",service=\"fake\"");
          }
        },
        false);
    Throwable t = catchThrowable(() -> client(registry).ping());
    assertThat(t).isInstanceOf(EnvironmentException.class).hasMessageContaining("token service");
    assertNoSecret(t);
  }

  // ---------------------------------------------------------------- drops

  @Test
  void aConnectionCutMidBlobOnEveryTryEndsAfterTheRetryBudget() throws Exception {
    byte[] blob = blob(200_000);
    registry = new FakeRegistry((n, req, s) -> {
      long from = Math.max(0, req.range());
      s.head(from == 0 ? 200 : 206, blob.length - from);
      s.out.write(blob, (int) from, 1000);
      s.out.flush();
      s.socket.close();
    });
    Throwable t = catchThrowable(() -> readVerified(client(registry), blob));
    assertThat(t)
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("dropped the connection")
        .hasMessageContaining(RETRY.attempts() + " tries");
    assertThat(registry.blobGets()).isEqualTo(RETRY.attempts());
    assertNoSecret(t);
  }

  // ---------------------------------------------------------------- 429 and 5xx

  @Test
  void a429WithRetryAfterIsWaitedForThenRetried() throws Exception {
    byte[] blob = blob(10_000);
    List<Long> at = new CopyOnWriteArrayList<>();
    registry = new FakeRegistry((n, req, s) -> {
      at.add(System.nanoTime());
      if (at.size() == 1) {
        s.head(429, 0, "Retry-After", "1");
      } else {
        s.head(200, blob.length);
        s.out.write(blob);
      }
    });
    assertThat(readVerified(client(registry), blob)).isEqualTo(blob);
    assertThat(at).hasSize(2);
    assertThat(Duration.ofNanos(at.get(1) - at.get(0)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
  }

  @Test
  void a503WithRetryAfterAsAnHttpDateIsWaitedFor() throws Exception {
    List<Long> at = new CopyOnWriteArrayList<>();
    registry = new FakeRegistry((n, req, s) -> {
      at.add(System.nanoTime());
      if (at.size() == 1) {
        String when = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
            java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(2));
        s.head(503, 0, "Retry-After", when);
      } else {
        s.head(200, 2, "Content-Type", "application/json");
        s.out.write("{}".getBytes(StandardCharsets.UTF_8));
      }
    });
    client(registry).ping();
    assertThat(at).hasSize(2);
    // the date has whole seconds: two seconds ahead is at least one second away
    assertThat(Duration.ofNanos(at.get(1) - at.get(0)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
  }

  @Test
  void aRegistryThatNeverCompletesTheConnectionFailsAfterTheConnectTimeout() throws Exception {
    // a listening socket nobody accepts from: once its backlog is full the kernel ignores new SYNs
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      List<Socket> fillers = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          Socket f = new Socket();
          try {
            f.connect(new java.net.InetSocketAddress("127.0.0.1", full.getLocalPort()), 200);
            fillers.add(f);
          } catch (IOException backlogFull) {
            f.close();
            break;
          }
        }
        String host = "127.0.0.1:" + full.getLocalPort();
        RegistryClient c = new RegistryClient(
            host,
            new CredentialResolver(null, Map.of(), home),
            Set.of(),
            RETRY,
            SHORT.withConnect(Duration.ofMillis(400)));
        long start = System.nanoTime();
        Throwable t = catchThrowable(c::ping);
        assertThat(t)
            .isInstanceOf(EnvironmentException.class)
            .hasMessageContaining("connect timed out after 400 ms")
            .hasMessageContaining(RegistryTimeouts.CONNECT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
      } finally {
        for (Socket f : fillers) {
          f.close();
        }
      }
    }
  }

  @Test
  void a429AskingForMoreThanTheCapFailsAtOnceSayingHowToAllowIt() throws Exception {
    registry = new FakeRegistry((n, req, s) -> s.head(429, 0, "Retry-After", "3600"));
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> client(registry).ping());
    assertThat(t)
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("rate-limiting")
        .hasMessageContaining("after 60 min")
        .hasMessageContaining("=3600s")
        .hasMessageContaining(RetryPolicy.MAX_WAIT);
    assertThat(registry.requests()).hasSize(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertNoSecret(t);
  }

  @Test
  void a429ThatPersistsIsAnEnvironmentErrorNotTheUsers() throws Exception {
    registry = new FakeRegistry((n, req, s) -> s.head(429, 0, "Retry-After", "0"));
    Throwable t = catchThrowable(
        () -> client(registry).headBlob("team/app", Digest.sha256(new byte[0]), false));
    assertThat(t)
        .isInstanceOf(EnvironmentException.class)
        .isNotInstanceOf(InvalidInputException.class)
        .hasMessageContaining("429");
    assertThat(registry.requests()).hasSize(RETRY.attempts());
    assertNoSecret(t);
  }

  @Test
  void serverErrorsOnABlobAreRetriedWithinTheBudgetThenAnEnvironmentError() throws Exception {
    byte[] blob = blob(1000);
    registry = new FakeRegistry((n, req, s) -> {
      byte[] body = "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"backend down\"}]}"
          .getBytes(StandardCharsets.UTF_8);
      s.head(503, body.length);
      s.out.write(body);
    });
    Throwable t = catchThrowable(() -> readVerified(client(registry), blob));
    assertThat(t)
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("503")
        .hasMessageContaining("backend down");
    assertThat(registry.blobGets()).isEqualTo(RETRY.attempts());
    assertNoSecret(t);
  }

  @Test
  void anUploadAnswered429IsRestartedAfterRetryAfterAndCompletes() throws Exception {
    byte[] blob = blob(5000);
    Digest digest = Digest.sha256(blob);
    AtomicInteger puts = new AtomicInteger();
    List<String> seen = new CopyOnWriteArrayList<>();
    registry = new FakeRegistry((n, req, s) -> {
      seen.add(req.method() + " " + req.path());
      switch (req.method()) {
        case "HEAD" -> s.head(404, 0);
        case "POST" -> s.head(202, 0, "Location", "/v2/team/app/blobs/uploads/u" + n);
        case "PUT" -> {
          if (puts.incrementAndGet() == 1) {
            s.head(429, 0, "Retry-After", "1");
          } else {
            assertThat(req.body()).isEqualTo(blob);
            s.head(201, 0);
          }
        }
        default -> s.head(400, 0);
      }
    });
    long start = System.nanoTime();
    String result = client(registry)
        .pushBlob(
            "team/app",
            digest,
            blob.length,
            () -> new ByteArrayInputStream(blob),
            null,
            0,
            "docker://test/team/app");
    assertThat(result).isEqualTo("uploaded");
    assertThat(puts).hasValue(2);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
  }

  @Test
  void anUploadTheRegistryNeverAnswersEndsAtTheBlobsTimeLimit() throws Exception {
    byte[] blob = blob(5000);
    registry = new FakeRegistry((n, req, s) -> {
      switch (req.method()) {
        case "HEAD" -> s.head(404, 0);
        case "POST" -> s.head(202, 0, "Location", "/v2/team/app/blobs/uploads/u" + n);
        default -> s.stall();
      }
    });
    RegistryTimeouts tight = SHORT.withBlob(Duration.ofSeconds(1), 1024 * 1024);
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> client(registry, tight)
        .pushBlob(
            "team/app",
            Digest.sha256(blob),
            blob.length,
            () -> new ByteArrayInputStream(blob),
            null,
            0,
            "docker://test/team/app"));
    assertThat(t).isInstanceOf(EnvironmentException.class).hasMessageContaining("time limit");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    assertNoSecret(t);
  }

  // ---------------------------------------------------------------- content that lies

  @Test
  void contentThatDoesNotMatchItsDigestIsRefused() throws Exception {
    byte[] blob = blob(20_000);
    byte[] other = blob.clone();
    other[777] ^= 1;
    registry = new FakeRegistry((n, req, s) -> {
      s.head(200, other.length);
      s.out.write(other);
    });
    Throwable t = catchThrowable(() -> readVerified(client(registry), blob));
    assertThat(t)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not match its digest");
    assertNoSecret(t);
  }

  @Test
  void aBodyThatNeverEndsIsCutOffJustPastTheDescriptorsSize() throws Exception {
    byte[] blob = blob(10_000);
    registry = new FakeRegistry((n, req, s) -> {
      // no Content-Length, no end: bytes until the client hangs up
      s.out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] junk = new byte[64 * 1024];
      while (true) {
        s.out.write(junk);
      }
    });
    Throwable t = catchThrowable(() -> readVerified(client(registry), blob));
    assertThat(t)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("longer than the 10000 bytes");
    assertNoSecret(t);
  }

  @Test
  void aBodyLongerThanItsContentLengthPromisesToTheDescriptorIsRefused() throws Exception {
    byte[] blob = blob(10_000);
    registry = new FakeRegistry((n, req, s) -> {
      s.head(200, 1L << 40);
      byte[] junk = new byte[64 * 1024];
      while (true) {
        s.out.write(junk);
      }
    });
    Throwable t = catchThrowable(() -> readVerified(client(registry), blob));
    assertThat(t)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("longer than the 10000 bytes");
  }

  @Test
  void anEndlessManifestIsRefusedAtTheMetadataLimit() throws Exception {
    registry = new FakeRegistry((n, req, s) -> {
      s.out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] junk = new byte[64 * 1024];
      java.util.Arrays.fill(junk, (byte) ' ');
      while (true) {
        s.out.write(junk);
      }
    });
    Throwable t = catchThrowable(
        () -> client(registry, SHORT.withBlob(Duration.ofSeconds(60), 64L * 1024 * 1024))
            .getManifest("team/app", "1.0", "docker://test/team/app:1.0"));
    assertThat(t)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("too large for a manifest");
  }

  // ---------------------------------------------------------------- logins from a credential
  // helper

  /** A client whose login comes from a docker-credential helper named in a Docker config, as on a developer's machine. */
  private RegistryClient clientWithHelperLogin(FakeRegistry r) throws IOException {
    Path bin = java.nio.file.Files.createDirectories(home.resolve("bin"));
    Path helper = bin.resolve("docker-credential-test");
    java.nio.file.Files.writeString(
        helper,
        "#!/bin/sh\nread server\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"" + USER
            + "\",\"Secret\":\"" + PASSWORD + "\"}' \"$server\"\n");
    java.nio.file.Files.setPosixFilePermissions(
        helper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = java.nio.file.Files.createDirectories(home.resolve("docker"));
    java.nio.file.Files.writeString(
        config.resolve("config.json"), "{\"credHelpers\":{\"" + r.host() + "\":\"test\"}}");
    CredentialResolver resolver = new CredentialResolver(
        null, Map.of("DOCKER_CONFIG", config.toString(), "PATH", bin.toString()), home);
    return new RegistryClient(r.host(), resolver, Set.of(), RETRY, SHORT);
  }

  @Test
  void aLoginFromAHelperThatTheRegistryRefusesIsNamedByItsSourceOnly() throws Exception {
    registry = new FakeRegistry((n, req, s) -> s.head(401, 0), false);
    Throwable t = catchThrowable(() -> clientWithHelperLogin(registry).ping());
    assertThat(t)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("docker-credential-test")
        .hasMessageContaining("user '" + USER + "'");
    assertNoSecret(t);
  }

  @Test
  void aStallWithALoginFromAHelperShowsNoSecret() throws Exception {
    byte[] blob = blob(50_000);
    registry = new FakeRegistry((n, req, s) -> {
      s.head(200, blob.length);
      s.stall();
    });
    RegistryClient c = clientWithHelperLogin(registry);
    Throwable t = catchThrowable(() -> readVerified(c, blob));
    assertThat(t).isInstanceOf(EnvironmentException.class).hasMessageContaining("stalled");
    assertThat(registry.blobGets()).isEqualTo(RETRY.attempts());
    assertNoSecret(t);
  }

  // ---------------------------------------------------------------- settings

  @Test
  void timeoutsAreReadFromSystemPropertiesAndBadValuesNameTheProperty() throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.setProperty(RegistryTimeouts.READ, "2m");
    p.setProperty(RegistryTimeouts.RESPONSE, "1500ms");
    p.setProperty(RegistryTimeouts.CONNECT, "7");
    p.setProperty(RegistryTimeouts.MIN_RATE, "128");
    RegistryTimeouts t = RegistryTimeouts.from(p);
    assertThat(t.read()).isEqualTo(Duration.ofMinutes(2));
    assertThat(t.response()).isEqualTo(Duration.ofMillis(1500));
    assertThat(t.connect()).isEqualTo(Duration.ofSeconds(7));
    assertThat(t.blobBase()).isEqualTo(RegistryTimeouts.DEFAULT.blobBase());
    assertThat(t.blobBound(128L * 1024 * 60))
        .isEqualTo(RegistryTimeouts.DEFAULT.blobBase().plusSeconds(60));
    p.setProperty(RegistryTimeouts.READ, "soon");
    assertThatThrownBy(() -> RegistryTimeouts.from(p))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("-D" + RegistryTimeouts.READ + "=soon");
  }

  // ---------------------------------------------------------------- the fake registry

  /** One parsed request. */
  record Req(String method, String path, Map<String, String> headers, byte[] body) {
    long range() {
      String r = headers.get("range");
      return r == null ? -1 : Long.parseLong(r.substring("bytes=".length(), r.indexOf('-')));
    }
  }

  /** The server side of one connection, for a handler to answer (or not). */
  static final class Conn {
    final Socket socket;
    final OutputStream out;
    final CountDownLatch closed;

    Conn(Socket socket, CountDownLatch closed) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.closed = closed;
    }

    void head(int status, long length, String... headers) throws IOException {
      StringBuilder sb = new StringBuilder(
          "HTTP/1.1 " + status + " X\r\nContent-Length: " + length + "\r\nConnection: close\r\n");
      if (status == 401 && headers.length == 0) {
        sb.append("WWW-Authenticate: Basic realm=\"fake\"\r\n");
      }
      for (int i = 0; i < headers.length; i += 2) {
        sb.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      }
      out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    void partial(byte[] blob, long from) throws IOException {
      StringBuilder sb = new StringBuilder("HTTP/1.1 206 Partial\r\nContent-Length: "
          + (blob.length - from) + "\r\nConnection: close\r\n");
      sb.append("Content-Range: bytes ")
          .append(from)
          .append('-')
          .append(blob.length - 1)
          .append('/')
          .append(blob.length)
          .append("\r\n\r\n");
      out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(blob, (int) from, (int) (blob.length - from));
      out.flush();
    }

    /** Keeps the connection open and silent until the test ends. */
    void stall() throws InterruptedException {
      closed.await();
    }
  }

  interface Handler {
    void handle(int n, Req req, Conn conn) throws Exception;
  }

  /**
   * A registry on a raw socket: every request on a connection of its own, Basic auth with the
   * test's login demanded first (so an Authorization header with the secret is really sent), then
   * the handler decides what the wire shows.
   */
  static final class FakeRegistry implements AutoCloseable {
    private final ServerSocket server;
    private final Handler handler;
    private final List<Req> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger count = new AtomicInteger();
    private final boolean basicAuth;

    FakeRegistry(Handler handler) throws IOException {
      this(handler, true);
    }

    /** {@code basicAuth} false: the handler answers every request itself, challenges included. */
    FakeRegistry(Handler handler, boolean basicAuth) throws IOException {
      this.basicAuth = basicAuth;
      this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      this.handler = handler;
      Thread accept = new Thread(
          () -> {
            while (!server.isClosed()) {
              try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "fake-registry-conn");
                t.setDaemon(true);
                t.start();
              } catch (IOException e) {
                return;
              }
            }
          },
          "fake-registry");
      accept.setDaemon(true);
      accept.start();
    }

    String host() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    List<Req> requests() {
      return requests;
    }

    long blobGets() {
      return requests.stream()
          .filter(r -> r.method().equals("GET") && r.path().contains("/blobs/"))
          .count();
    }

    List<Long> ranges() {
      return requests.stream()
          .filter(r -> r.path().contains("/blobs/"))
          .map(Req::range)
          .toList();
    }

    private void serve(Socket s) {
      try (s) {
        Req req = read(s.getInputStream());
        if (req == null) {
          return;
        }
        Conn conn = new Conn(s, closed);
        String auth = req.headers().get("authorization");
        if (basicAuth && auth == null) {
          // ask for the login, as a private registry does
          conn.head(401, 0);
          return;
        }
        if (basicAuth && !auth.equals("Basic " + BASIC)) {
          conn.head(403, 0);
          return;
        }
        requests.add(req);
        handler.handle(count.incrementAndGet(), req, conn);
        conn.out.flush();
      } catch (Exception e) {
        // the client hung up or the test ended: nothing to answer any more
      }
    }

    private static Req read(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int state = 0;
      while (state < 4) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
        state =
            (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                ? state + 1
                : (b == '\r' ? 1 : 0);
      }
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      String[] first = lines[0].split(" ");
      Map<String, String> headers = new java.util.HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        if (c > 0) {
          headers.put(
              lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(c + 1).trim());
        }
      }
      byte[] body = new byte[0];
      if (headers.containsKey("content-length")) {
        body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
      }
      return new Req(first[0], first[1], headers, body);
    }

    @Override
    public void close() throws IOException {
      closed.countDown();
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
