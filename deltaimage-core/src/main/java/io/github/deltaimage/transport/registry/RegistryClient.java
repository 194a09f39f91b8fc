package io.github.deltaimage.transport.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.DockerName;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.RegistryTimeouts;
import io.github.deltaimage.api.RetryPolicy;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.transport.BlobOpener;
import io.github.deltaimage.transport.Blobs;
import io.github.deltaimage.transport.registry.credentials.CredentialResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * A thin client for one registry host, Distribution API v2 (the OCI distribution spec), on
 * {@code java.net.http}. It does: ping, Basic and Bearer auth from {@code WWW-Authenticate},
 * manifest GET/PUT, blob HEAD/GET (GET resumes with a Range request when the connection drops),
 * monolithic and chunked uploads, cross-repository mounts, and retries with exponential backoff on
 * 5xx, 429 and dropped connections.
 *
 * <p>HTTPS unless the host is {@code localhost}, {@code 127.0.0.1} or {@code [::1]} (any port), or
 * was explicitly allowed plain HTTP by the caller.
 */
public final class RegistryClient {
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
  /** Docker Hub's name in references and its API endpoint differ. */
  private static final String DOCKER_HUB_ENDPOINT = "registry-1.docker.io";

  private final String host;
  private final URI base;
  private final HttpClient http;
  private final RegistryAuth auth;
  private final RetryPolicy retry;
  private final RegistryTimeouts timeouts;

  public RegistryClient(
      String host, CredentialResolver credentials, Set<String> plainHttpHosts, RetryPolicy retry) {
    this(host, credentials, plainHttpHosts, retry, RegistryTimeouts.fromSystemProperties());
  }

  public RegistryClient(
      String host,
      CredentialResolver credentials,
      Set<String> plainHttpHosts,
      RetryPolicy retry,
      RegistryTimeouts timeouts) {
    this.host = host;
    this.retry = retry;
    this.timeouts = timeouts;
    String endpoint = DockerName.DOCKER_HUB.equals(host) ? DOCKER_HUB_ENDPOINT : host;
    String scheme = usesPlainHttp(host, plainHttpHosts) ? "http" : "https";
    this.base = URI.create(scheme + "://" + endpoint + "/v2/");
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeouts.connect())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.auth = new RegistryAuth(host, http, credentials, timeouts);
  }

  /** Whether {@code host} is spoken to over plain HTTP: loopback names always, others only when listed. */
  public static boolean usesPlainHttp(String host, Set<String> plainHttpHosts) {
    String h = host.toLowerCase(Locale.ROOT);
    String name = h.startsWith("[")
        ? h.substring(0, h.indexOf(']') + 1)
        : h.contains(":") ? h.substring(0, h.indexOf(':')) : h;
    return LOOPBACK.contains(name) || plainHttpHosts.contains(h) || plainHttpHosts.contains(name);
  }

  public String host() {
    return host;
  }

  public URI base() {
    return base;
  }

  // ---------------------------------------------------------------- operations

  /** GET /v2/: is the registry there and does it speak the API (authenticating if it asks)? */
  public void ping() {
    try (Response r = send(new Request("GET", base, null, "", true))) {
      if (r.status() != 200) {
        throw fail(r, "ping", "docker://" + host);
      }
    }
  }

  /** A manifest or index as the registry holds it. */
  public record Manifest(byte[] bytes, String contentType, Digest digest) {}

  /**
   * Fetches a manifest by tag or digest; a digest reference is verified against the bytes. A body
   * that stalls or drops is asked for again, within the retry budget.
   */
  public Manifest getManifest(String repo, String reference, String where) {
    URI uri = base.resolve(repo + "/manifests/" + reference);
    long deadline = deadlineAfter(timeouts.blobBound(Blobs.MAX_METADATA_BYTES));
    for (int attempt = 1; ; attempt++) {
      Request req = new Request("GET", uri, null, pullScope(repo), true)
          .header("Accept", MediaTypes.MANIFEST_ACCEPT)
          .until(deadline);
      try (Response r = send(req)) {
        if (r.status() != 200) {
          throw fail(r, "manifest " + reference, where);
        }
        byte[] bytes = Blobs.readSmall(r.body(), "manifest of " + where);
        Digest digest = Digest.sha256(bytes);
        if (reference.contains(":") && !Digest.parse(reference).matches(bytes)) {
          throw new InvalidInputException(where
              + ": registry sent a manifest that does not match digest " + reference + "; refused");
        }
        String ct = r.response().headers().firstValue("Content-Type").orElse("");
        int semi = ct.indexOf(';');
        return new Manifest(bytes, semi >= 0 ? ct.substring(0, semi).trim() : ct.trim(), digest);
      } catch (IOException e) {
        if (e instanceof TimedBody.DeadlineExceeded || attempt >= retry.attempts()) {
          throw new EnvironmentException(
              "registry " + host + " " + brokeOff(e) + " while sending the manifest of " + where
                  + " (" + tries(attempt) + "); " + TIMEOUT_HINT,
              e);
        }
        pause(backoff(attempt), deadline);
      }
    }
  }

  /**
   * The tags of {@code repo} ({@code GET /v2/<name>/tags/list}), following the {@code Link} header
   * through every page. In the registry's order, which Distribution keeps lexical.
   */
  public java.util.List<String> listTags(String repo, String where) {
    java.util.List<String> tags = new java.util.ArrayList<>();
    URI uri = base.resolve(repo + "/tags/list");
    for (int page = 0; uri != null; page++) {
      if (page >= 1000) {
        throw new EnvironmentException(
            "registry " + host + " sent more than 1000 pages of tags for " + where + "; refused");
      }
      Request req =
          new Request("GET", uri, null, pullScope(repo), true).header("Accept", "application/json");
      try (Response r = send(req)) {
        if (r.status() != 200) {
          throw fail(r, "tag list", where);
        }
        com.fasterxml.jackson.databind.JsonNode body = io.github.deltaimage.image.Json.read(
            Blobs.readSmall(r.body(), "tag list of " + where), "tag list of " + where);
        body.path("tags").forEach(tag -> tags.add(tag.asText()));
        uri = r.response()
            .headers()
            .firstValue("Link")
            .map(link -> nextPage(link, base))
            .orElse(null);
      } catch (IOException e) {
        throw new EnvironmentException(
            "registry " + host + " " + brokeOff(e) + " while sending the tags of " + where + "; "
                + TIMEOUT_HINT,
            e);
      }
    }
    return tags;
  }

  /** The target of a {@code Link: </v2/...?last=x&n=y>; rel="next"} header, resolved against the registry. */
  static URI nextPage(String link, URI base) {
    int open = link.indexOf('<');
    int close = link.indexOf('>', open + 1);
    if (open < 0 || close < 0 || !link.substring(close).contains("next")) {
      return null;
    }
    return base.resolve(link.substring(open + 1, close));
  }

  /** Where a message about a timeout points. */
  static final String TIMEOUT_HINT = "the registry timeouts are set with -D" + RegistryTimeouts.READ
      + ", -D" + RegistryTimeouts.RESPONSE + ", -D" + RegistryTimeouts.BLOB + " and -D"
      + RetryPolicy.ATTEMPTS;

  /** What went wrong with a response body, in words: stalled, ran out of time or dropped. */
  static String brokeOff(IOException e) {
    if (e instanceof TimedBody.DeadlineExceeded) {
      return "ran out of time";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "stalled (" + e.getMessage() + ")";
    }
    return "dropped the connection (" + e.getMessage() + ")";
  }

  /** PUT a manifest; Content-Type is its media type (Distribution rejects a mismatch). */
  public Digest putManifest(
      String repo, String reference, byte[] bytes, String mediaType, String where) {
    URI uri = base.resolve(repo + "/manifests/" + reference);
    Request req = new Request(
            "PUT",
            uri,
            () -> HttpRequest.BodyPublishers.ofByteArray(bytes),
            pushScope(repo, null),
            true)
        .header("Content-Type", mediaType);
    try (Response r = send(req)) {
      if (r.status() != 201 && r.status() != 200) {
        throw fail(r, "manifest upload", where);
      }
      return Digest.sha256(bytes);
    }
  }

  /** HEAD a blob: its size when the repository has it. */
  public Optional<Long> headBlob(String repo, Digest digest, boolean forPush) {
    URI uri = base.resolve(repo + "/blobs/" + digest);
    String scope = forPush ? pushScope(repo, null) : pullScope(repo);
    try (Response r = send(new Request("HEAD", uri, null, scope, true))) {
      if (r.status() == 200) {
        return Optional.of(
            r.response().headers().firstValueAsLong("Content-Length").orElse(-1L));
      }
      if (r.status() == 404) {
        return Optional.empty();
      }
      throw fail(r, "blob " + digest, "docker://" + host + "/" + repo);
    }
  }

  /**
   * Streams a blob. A connection that drops midway is resumed with {@code Range: bytes=N-} (or
   * re-read and skipped when the registry ignores ranges), up to the retry budget.
   */
  public InputStream openBlob(String repo, Digest digest, String where) throws IOException {
    return openBlob(repo, digest, -1, where);
  }

  /**
   * Streams a blob of {@code size} bytes (-1 if unknown: the Content-Length then counts), resumed
   * as above, all within {@link RegistryTimeouts#blobBound(long)} of its size.
   */
  public InputStream openBlob(String repo, Digest digest, long size, String where)
      throws IOException {
    return new ResumingBlobStream(this, repo, digest, size, where);
  }

  /** Opens a blob GET from byte {@code offset}, following redirects (to storage) without our Authorization. */
  Response getBlob(String repo, Digest digest, long offset, String where, long deadline) {
    URI uri = base.resolve(repo + "/blobs/" + digest);
    Request req = new Request("GET", uri, null, pullScope(repo), true).until(deadline);
    if (offset > 0) {
      req.header("Range", "bytes=" + offset + "-");
    }
    Response r = send(req);
    for (int hops = 0;
        hops < 5
            && (r.status() == 307
                || r.status() == 302
                || r.status() == 301
                || r.status() == 303
                || r.status() == 308);
        hops++) {
      String location = r.response().headers().firstValue("Location").orElse(null);
      r.close();
      if (location == null) {
        throw new EnvironmentException(
            "registry " + host + " redirected blob " + digest + " without a Location");
      }
      URI next = uri.resolve(location);
      // our token goes only back to the registry itself, never to the storage host it redirects to
      boolean sameOrigin = next.getHost() != null
          && next.getHost().equals(base.getHost())
          && next.getPort() == base.getPort();
      Request redirected =
          new Request("GET", next, null, sameOrigin ? pullScope(repo) : null, true).until(deadline);
      if (offset > 0) {
        redirected.header("Range", "bytes=" + offset + "-");
      }
      r = send(redirected);
      uri = next;
    }
    if (r.status() != 200 && r.status() != 206) {
      throw fail(r, "blob " + digest, where);
    }
    return r;
  }

  /**
   * Uploads a blob unless the repository has it: HEAD, then a cross-repository mount if
   * {@code mountFrom} names a repository of this registry, then a monolithic PUT (or chunked PATCHes
   * for blobs over {@code chunkSize}). A failed upload is restarted from scratch within the retry
   * budget; {@code opener} is called once per attempt.
   *
   * @return what happened: "exists", "mounted" or "uploaded"
   */
  public String pushBlob(
      String repo,
      Digest digest,
      long size,
      BlobOpener opener,
      String mountFrom,
      long chunkSize,
      String where) {
    if (headBlob(repo, digest, true).isPresent()) {
      return "exists";
    }
    EnvironmentException last = null;
    long deadline = deadlineAfter(timeouts.blobBound(size));
    Duration nextPause = Duration.ZERO;
    for (int attempt = 0; attempt < retry.attempts(); attempt++) {
      if (attempt > 0) {
        pause(max(backoff(attempt), nextPause), deadline);
      }
      URI start = base.resolve(repo + "/blobs/uploads/"
          + (mountFrom != null ? "?mount=" + digest + "&from=" + mountFrom : ""));
      URI location;
      try (Response r = send(new Request(
              "POST", start, HttpRequest.BodyPublishers::noBody, pushScope(repo, mountFrom), true)
          .until(deadline))) {
        if (r.status() == 201 && mountFrom != null) {
          return "mounted";
        }
        if (r.status() != 202) {
          throw fail(r, "blob upload start", where);
        }
        location = uploadLocation(r, start);
      }
      try {
        if (chunkSize > 0 && size > chunkSize) {
          uploadChunked(repo, location, digest, size, opener, chunkSize, where, deadline);
        } else {
          uploadMonolithic(repo, location, digest, size, opener, where, deadline);
        }
        return "uploaded";
      } catch (RetryableUploadFailure e) {
        last = new EnvironmentException(
            e.getMessage() + " (upload " + tries(attempt + 1) + ")", e.getCause());
        nextPause = e.retryAfter;
      }
    }
    throw last != null
        ? last
        : new EnvironmentException("upload of " + digest + " to " + where + " failed");
  }

  private void uploadMonolithic(
      String repo,
      URI location,
      Digest digest,
      long size,
      BlobOpener opener,
      String where,
      long deadline) {
    URI put = withQuery(location, "digest=" + digest);
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(() -> open(opener)), size);
    finishUpload(
        new Request("PUT", put, () -> body, pushScope(repo, null), false)
            .header("Content-Type", "application/octet-stream")
            .until(deadline)
            .waitingForAnswer(remaining(deadline)),
        digest,
        where);
  }

  private void uploadChunked(
      String repo,
      URI location,
      Digest digest,
      long size,
      BlobOpener opener,
      long chunkSize,
      String where,
      long deadline) {
    try (InputStream in = opener.open()) {
      long offset = 0;
      while (offset < size) {
        long len = Math.min(chunkSize, size - offset);
        // each chunk is read straight from the source stream: no chunk buffered in memory
        ChunkStream chunk = new ChunkStream(in, len);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> chunk), len);
        Request patch = new Request("PATCH", location, () -> body, pushScope(repo, null), false)
            .header("Content-Type", "application/octet-stream")
            .header("Content-Range", offset + "-" + (offset + len - 1))
            .until(deadline)
            .waitingForAnswer(remaining(deadline));
        try (Response r = sendUpload(patch, where)) {
          if (r.status() != 202) {
            throw fail(r, "blob chunk upload", where);
          }
          location = uploadLocation(r, location);
        }
        offset += len;
      }
      if (in.read() >= 0) {
        throw new InvalidInputException(
            "layer " + digest + " of " + where + " is longer than its " + size + " bytes; refused");
      }
    } catch (IOException e) {
      throw new RetryableUploadFailure(
          "reading " + digest + " for upload failed: " + e.getMessage(), e);
    }
    // the registry may move or hash the whole blob before it answers: the blob's bound, not the
    // response timeout
    finishUpload(
        new Request(
                "PUT",
                withQuery(location, "digest=" + digest),
                HttpRequest.BodyPublishers::noBody,
                pushScope(repo, null),
                false)
            .until(deadline)
            .waitingForAnswer(remaining(deadline)),
        digest,
        where);
  }

  private void finishUpload(Request put, Digest digest, String where) {
    try (Response r = sendUpload(put, where)) {
      if (r.status() == 201) {
        return;
      }
      if (r.status() == 400) {
        String body = errorText(r);
        if (body.contains("DIGEST_INVALID") || body.contains("SIZE_INVALID")) {
          throw new InvalidInputException(where + ": registry refused blob " + digest
              + ": content does not match its digest (" + body + ")");
        }
      }
      throw fail(r, "blob upload", where);
    }
  }

  /** Upload requests are not replayed in place (their body is a one-shot stream); failures restart the upload. */
  private Response sendUpload(Request req, String where) {
    try {
      Response r = send(req);
      if (isTransient(r.status())) {
        Duration retryAfter = retryAfter(r.response()).orElse(Duration.ZERO);
        String text = errorText(r);
        r.close();
        if (retryAfter.compareTo(retry.maxWait()) > 0) {
          throw tooLongRetryAfter(r.status(), retryAfter, "upload to " + where);
        }
        RetryableUploadFailure f = new RetryableUploadFailure(
            "registry " + host + " answered " + r.status() + " during upload to " + where
                + (text.isEmpty() ? "" : ": " + text),
            null);
        f.retryAfter = retryAfter;
        throw f;
      }
      return r;
    } catch (GiveUp e) {
      throw e;
    } catch (EnvironmentException e) {
      throw new RetryableUploadFailure(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      // the blob stream failed: a source problem; verification failures are InvalidInputException
      // and pass through
      throw new RetryableUploadFailure(
          "reading the blob for upload failed: " + e.getCause().getMessage(), e);
    }
  }

  private static InputStream open(BlobOpener opener) {
    try {
      return opener.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private URI uploadLocation(Response r, URI relativeTo) {
    String loc = r.response()
        .headers()
        .firstValue("Location")
        .orElseThrow(() -> new EnvironmentException(
            "registry " + host + " started an upload without a Location header"));
    return relativeTo.resolve(loc);
  }

  private static URI withQuery(URI uri, String param) {
    String s = uri.toString();
    return URI.create(s + (s.contains("?") ? "&" : "?") + param);
  }

  static String pullScope(String repo) {
    return "repository:" + repo + ":pull";
  }

  static String pushScope(String repo, String mountFrom) {
    return "repository:" + repo + ":pull,push"
        + (mountFrom != null ? " repository:" + mountFrom + ":pull" : "");
  }

  // ---------------------------------------------------------------- transport

  /** A request that can be built again for a retry (the body publisher is made anew each time). */
  static final class Request {
    interface Body {
      HttpRequest.BodyPublisher get();
    }

    final String method;
    final URI uri;
    final Body body;
    final String scope;
    final boolean replayable;
    final java.util.List<String[]> headers = new java.util.ArrayList<>();
    /** A {@link System#nanoTime()} by which the request, its retries and its body are done; MAX_VALUE: the default bound. */
    long deadline = Long.MAX_VALUE;
    /** How long to wait for the response headers; null: the response timeout. */
    Duration answerTimeout;

    Request(String method, URI uri, Body body, String scope, boolean replayable) {
      this.method = method;
      this.uri = uri;
      this.body = body;
      this.scope = scope;
      this.replayable = replayable;
    }

    Request header(String name, String value) {
      headers.add(new String[] {name, value});
      return this;
    }

    Request until(long deadlineNanos) {
      this.deadline = deadlineNanos;
      return this;
    }

    /** For uploads: the headers come only after the whole body went out. */
    Request waitingForAnswer(Duration timeout) {
      this.answerTimeout = timeout;
      return this;
    }
  }

  /** A response whose body is a stream; closing it releases the connection. */
  record Response(HttpResponse<InputStream> response) implements AutoCloseable {
    int status() {
      return response.statusCode();
    }

    InputStream body() {
      return response.body();
    }

    @Override
    public void close() {
      try {
        response.body().close();
      } catch (IOException ignored) {
        // closing a finished or broken response: nothing left to release
      }
    }
  }

  Response send(Request req) {
    if (req.deadline == Long.MAX_VALUE) {
      // no request goes unbounded: small ones (ping, HEAD, upload start) get the fixed part of a
      // blob's bound
      req.deadline = deadlineAfter(timeouts.blobBound(0));
    }
    boolean authRetried = false;
    for (int attempt = 0; ; attempt++) {
      Duration left = remaining(req.deadline);
      if (left.isZero()) {
        throw outOfTime(req);
      }
      Duration answer =
          min(req.answerTimeout != null ? req.answerTimeout : timeouts.response(), left);
      HttpRequest.Builder b = HttpRequest.newBuilder(req.uri).timeout(answer);
      b.header("User-Agent", "deltaimage");
      for (String[] h : req.headers) {
        b.header(h[0], h[1]);
      }
      String authHeader = req.scope == null ? null : auth.header(req.scope).orElse(null);
      if (authHeader != null) {
        b.header("Authorization", authHeader);
      }
      b.method(req.method, req.body == null ? HttpRequest.BodyPublishers.noBody() : req.body.get());
      HttpResponse<InputStream> resp;
      try {
        resp = http.send(b.build(), TimedBody.handler(timeouts.read(), req.deadline));
      } catch (IOException e) {
        // a request body stream that refused its content (digest mismatch) arrives wrapped: say
        // that, not "unreachable"
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t instanceof io.github.deltaimage.api.DeltaImageException d) {
            throw d;
          }
        }
        if (e.getCause() instanceof UncheckedIOException u) {
          throw u;
        }
        if (isTls(e)) {
          throw new EnvironmentException(
              "registry " + host + " does not speak HTTPS at " + base + " (" + e.getMessage()
                  + "); if it is a plain-HTTP registry, allow it explicitly with --insecure-registry "
                  + host);
        }
        if (req.replayable
            && attempt + 1 < retry.attempts()
            && remaining(req.deadline).compareTo(Duration.ZERO) > 0) {
          pause(backoff(attempt + 1), req.deadline);
          continue;
        }
        if (remaining(req.deadline).isZero()) {
          throw outOfTime(req);
        }
        throw new EnvironmentException(unreachable(e, answer, attempt + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EnvironmentException("interrupted while talking to registry " + host, e);
      } catch (UncheckedIOException e) {
        throw e;
      }
      Response r = new Response(resp);
      int status = resp.statusCode();
      if (status == 401 && req.scope != null && !authRetried) {
        String challenge = resp.headers().firstValue("WWW-Authenticate").orElse(null);
        r.close();
        authRetried = true;
        if (req.replayable || req.method.equals("PUT") || req.method.equals("PATCH")) {
          if (auth.onUnauthorized(challenge, req.scope, authHeader)) {
            attempt--;
            continue;
          }
        }
        throw unauthorized(401, req);
      }
      if (status == 401 || status == 403) {
        r.close();
        throw unauthorized(status, req);
      }
      if (isTransient(status) && req.replayable) {
        Duration retryAfter = retryAfter(resp).orElse(Duration.ZERO);
        if (retryAfter.compareTo(retry.maxWait()) > 0) {
          r.close();
          throw tooLongRetryAfter(status, retryAfter, req.method + " " + req.uri.getPath());
        }
        if (attempt + 1 < retry.attempts() && remaining(req.deadline).compareTo(retryAfter) > 0) {
          r.close();
          pause(max(backoff(attempt + 1), retryAfter), req.deadline);
          continue;
        }
      }
      return r;
    }
  }

  /** "1 try", "3 tries". */
  static String tries(int n) {
    return n == 1 ? "1 try" : n + " tries";
  }

  /** Worth another try: the registry is overloaded, rate-limiting or briefly broken. */
  static boolean isTransient(int status) {
    return status >= 500 || status == 429 || status == 408;
  }

  /** {@code Retry-After} of a 429 or 503, in seconds or as an HTTP date; empty when absent or unreadable. */
  static Optional<Duration> retryAfter(HttpResponse<?> resp) {
    Optional<String> v = resp.headers().firstValue("Retry-After");
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String text = v.get().trim();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(text))));
    } catch (NumberFormatException notSeconds) {
      try {
        java.time.ZonedDateTime when = java.time.ZonedDateTime.parse(
            text, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(java.time.Instant.now(), when.toInstant());
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (java.time.format.DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  /** The registry asks us to come back later than we are willing to wait: say so now rather than hang. */
  private GiveUp tooLongRetryAfter(int status, Duration retryAfter, String what) {
    String why = status == 429
        ? "is rate-limiting (429 Too Many Requests)"
        : "is unavailable (" + status + ")";
    return new GiveUp("registry " + host + " " + why + " and asks to retry " + what + " after "
        + RegistryTimeouts.describe(retryAfter)
        + ", longer than the " + RegistryTimeouts.describe(retry.maxWait())
        + " deltaimage waits; try again later, or allow the wait with -D"
        + RetryPolicy.MAX_WAIT + "="
        + Math.max(1, retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0)) + "s");
  }

  private GiveUp outOfTime(Request req) {
    return new GiveUp("registry " + host + " did not complete " + req.method + " "
        + req.uri.getPath() + " within its time limit; " + TIMEOUT_HINT);
  }

  /** A failure that no further try can fix: retry loops pass it on. */
  static final class GiveUp extends EnvironmentException {
    private static final long serialVersionUID = 1L;

    GiveUp(String message) {
      super(message);
    }
  }

  static long deadlineAfter(Duration d) {
    long now = System.nanoTime();
    long n = d.toNanos();
    return n >= Long.MAX_VALUE - now ? Long.MAX_VALUE - 1 : now + n;
  }

  static Duration remaining(long deadline) {
    long left = deadline - System.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private InvalidInputException unauthorized(int status, Request req) {
    String what =
        status == 401 ? "refused access (401 Unauthorized)" : "denied access (403 Forbidden)";
    String action = req.scope != null && req.scope.contains("push") ? "push to" : "pull from";
    String repo =
        req.scope == null ? "" : req.scope.split(" ")[0].replaceAll("^repository:|:[a-z,]+$", "");
    return new InvalidInputException("registry " + host + " " + what + " to " + action + " " + repo
        + "; " + auth.triedDescription() + "; log in with docker login " + host
        + " or pass --src-creds/--dest-creds USER:PASSWORD");
  }

  private String unreachable(IOException e, Duration answer, int tries) {
    if (e instanceof HttpConnectTimeoutException) {
      return "registry " + host + " is unreachable at " + base + " (connect timed out after "
          + RegistryTimeouts.describe(timeouts.connect()) + ", " + tries(tries)
          + "); check the host name and the network, or raise -D" + RegistryTimeouts.CONNECT;
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "registry " + host + " accepted the connection but did not answer within "
          + RegistryTimeouts.describe(answer) + " (" + tries(tries)
          + "); it may be overloaded; try again later or raise -D" + RegistryTimeouts.RESPONSE;
    }
    String why =
        e instanceof ConnectException ? "connection refused" : String.valueOf(e.getMessage());
    return "registry " + host + " is unreachable at " + base + " (" + why + ", " + tries(tries)
        + "); check the host name and that the registry runs";
  }

  private static boolean isTls(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  /** The pause before try {@code attempt + 1}: doubling from the first delay, never above the policy's longest wait. */
  Duration backoff(int attempt) {
    Duration d = retry.firstDelay().multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 20));
    return min(d, retry.maxWait());
  }

  /** Sleeps {@code d}, cut short at {@code deadline} (the next try then reports the time limit). */
  void pause(Duration d, long deadline) {
    Duration wait = min(d, remaining(deadline));
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while waiting to retry registry " + host, e);
    }
  }

  RetryPolicy retryPolicy() {
    return retry;
  }

  RegistryTimeouts timeouts() {
    return timeouts;
  }

  /** Maps an unexpected status to one line, naming the registry's own error code when it sent one. */
  io.github.deltaimage.api.DeltaImageException fail(Response r, String what, String where) {
    int status = r.status();
    String text = errorText(r);
    r.close();
    if (status == 404
        || text.contains("MANIFEST_UNKNOWN")
        || text.contains("NAME_UNKNOWN")
        || text.contains("BLOB_UNKNOWN")) {
      return (new InvalidInputException(where + ": not found in registry " + host + " (" + what
          + ": " + (text.isEmpty() ? "404" : text) + "); check the repository and tag"));
    }
    if (status == 429) {
      // the registry's limit, not the user's input: an environment problem that waiting fixes
      return new EnvironmentException(
          where + ": registry " + host + " is rate-limiting (429 Too Many Requests) " + what
              + " and still was after " + tries(retry.attempts())
              + (text.isEmpty() ? "" : " (" + text + ")") + "; try again later");
    }
    if (status == 408) {
      return new EnvironmentException(where + ": registry " + host + " timed out " + what + " (408"
          + (text.isEmpty() ? "" : ": " + text) + ")");
    }
    if (status >= 400 && status < 500) {
      return (new InvalidInputException(where + ": registry " + host + " refused " + what + " ("
          + status + (text.isEmpty() ? "" : ": " + text) + ")"));
    }
    return (new EnvironmentException(where + ": registry " + host + " failed " + what + " ("
        + status + (text.isEmpty() ? "" : ": " + text) + ")"));
  }

  /** The registry's error codes and messages, e.g. {@code MANIFEST_UNKNOWN: manifest unknown}. */
  static String errorText(Response r) {
    try {
      byte[] b = r.body().readNBytes(8192);
      if (b.length == 0) {
        return "";
      }
      try {
        JsonNode n = Json.MAPPER.readTree(b);
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : n.path("errors")) {
          if (sb.length() > 0) {
            sb.append("; ");
          }
          sb.append(e.path("code").asText())
              .append(": ")
              .append(e.path("message").asText());
        }
        if (sb.length() > 0) {
          return sb.toString();
        }
      } catch (IOException notJson) {
        // plain text error page
      }
      String s = new String(b, StandardCharsets.UTF_8).strip();
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    } catch (IOException e) {
      return "";
    }
  }

  /** An upload attempt failed for a reason a fresh attempt may not have. */
  static final class RetryableUploadFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** What the registry asked us to wait before the next try (Retry-After), or zero. */
    transient Duration retryAfter = Duration.ZERO;

    RetryableUploadFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Exactly {@code length} bytes of the underlying stream, never closing it. */
  static final class ChunkStream extends InputStream {
    private final InputStream in;
    private long left;

    ChunkStream(InputStream in, long length) {
      this.in = in;
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new java.io.EOFException("blob ended " + left + " bytes early");
      }
      left -= n;
      return n;
    }

    @Override
    public void close() {
      // the underlying stream spans all chunks
    }
  }
}
