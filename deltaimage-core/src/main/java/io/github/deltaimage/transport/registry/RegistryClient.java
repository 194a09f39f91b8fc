package io.github.deltaimage.transport.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.image.Digest;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.reference.DockerName;
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
  /** How often and how patiently to retry. */
  public record RetryPolicy(int attempts, Duration firstDelay) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500));
  }

  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
  /** Docker Hub's name in references and its API endpoint differ. */
  private static final String DOCKER_HUB_ENDPOINT = "registry-1.docker.io";

  private final String host;
  private final URI base;
  private final HttpClient http;
  private final RegistryAuth auth;
  private final RetryPolicy retry;

  public RegistryClient(String host, CredentialResolver credentials, Set<String> plainHttpHosts, RetryPolicy retry) {
    this.host = host;
    this.retry = retry;
    String endpoint = DockerName.DOCKER_HUB.equals(host) ? DOCKER_HUB_ENDPOINT : host;
    String scheme = usesPlainHttp(host, plainHttpHosts) ? "http" : "https";
    this.base = URI.create(scheme + "://" + endpoint + "/v2/");
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.auth = new RegistryAuth(host, http, credentials);
  }

  /** Whether {@code host} is spoken to over plain HTTP: loopback names always, others only when listed. */
  public static boolean usesPlainHttp(String host, Set<String> plainHttpHosts) {
    String h = host.toLowerCase(Locale.ROOT);
    String name = h.startsWith("[") ? h.substring(0, h.indexOf(']') + 1) : h.contains(":") ? h.substring(0, h.indexOf(':')) : h;
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

  /** Fetches a manifest by tag or digest; a digest reference is verified against the bytes. */
  public Manifest getManifest(String repo, String reference, String where) {
    URI uri = base.resolve(repo + "/manifests/" + reference);
    try (Response r = send(new Request("GET", uri, null, pullScope(repo), true).header("Accept", MediaTypes.MANIFEST_ACCEPT))) {
      if (r.status() != 200) {
        throw fail(r, "manifest " + reference, where);
      }
      byte[] bytes = Blobs.readSmall(r.body(), "manifest of " + where);
      Digest digest = Digest.sha256(bytes);
      if (reference.contains(":") && !Digest.parse(reference).matches(bytes)) {
        throw new InvalidInputException(where + ": registry sent a manifest that does not match digest " + reference + "; refused");
      }
      String ct = r.response().headers().firstValue("Content-Type").orElse("");
      int semi = ct.indexOf(';');
      return new Manifest(bytes, semi >= 0 ? ct.substring(0, semi).trim() : ct.trim(), digest);
    } catch (IOException e) {
      throw new EnvironmentException("registry " + host + " dropped the connection while sending the manifest of " + where + ": " + e.getMessage(), e);
    }
  }

  /** PUT a manifest; Content-Type is its media type (Distribution rejects a mismatch). */
  public Digest putManifest(String repo, String reference, byte[] bytes, String mediaType, String where) {
    URI uri = base.resolve(repo + "/manifests/" + reference);
    Request req = new Request("PUT", uri, () -> HttpRequest.BodyPublishers.ofByteArray(bytes), pushScope(repo, null), true).header("Content-Type", mediaType);
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
        return Optional.of(r.response().headers().firstValueAsLong("Content-Length").orElse(-1L));
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
    return new ResumingBlobStream(this, repo, digest, where);
  }

  /** Opens a blob GET from byte {@code offset}, following redirects (to storage) without our Authorization. */
  Response getBlob(String repo, Digest digest, long offset, String where) {
    URI uri = base.resolve(repo + "/blobs/" + digest);
    Request req = new Request("GET", uri, null, pullScope(repo), true);
    if (offset > 0) {
      req.header("Range", "bytes=" + offset + "-");
    }
    Response r = send(req);
    for (int hops = 0; hops < 5 && (r.status() == 307 || r.status() == 302 || r.status() == 301 || r.status() == 303 || r.status() == 308); hops++) {
      String location = r.response().headers().firstValue("Location").orElse(null);
      r.close();
      if (location == null) {
        throw new EnvironmentException("registry " + host + " redirected blob " + digest + " without a Location");
      }
      URI next = uri.resolve(location);
      // our token goes only back to the registry itself, never to the storage host it redirects to
      boolean sameOrigin = next.getHost() != null && next.getHost().equals(base.getHost()) && next.getPort() == base.getPort();
      Request redirected = new Request("GET", next, null, sameOrigin ? pullScope(repo) : null, true);
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
  public String pushBlob(String repo, Digest digest, long size, BlobOpener opener, String mountFrom, long chunkSize, String where) {
    if (headBlob(repo, digest, true).isPresent()) {
      return "exists";
    }
    EnvironmentException last = null;
    for (int attempt = 0; attempt < retry.attempts(); attempt++) {
      if (attempt > 0) {
        sleep(attempt);
      }
      URI start = base.resolve(repo + "/blobs/uploads/" + (mountFrom != null ? "?mount=" + digest + "&from=" + mountFrom : ""));
      URI location;
      try (Response r = send(new Request("POST", start, HttpRequest.BodyPublishers::noBody, pushScope(repo, mountFrom), true))) {
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
          uploadChunked(repo, location, digest, size, opener, chunkSize, where);
        } else {
          uploadMonolithic(repo, location, digest, size, opener, where);
        }
        return "uploaded";
      } catch (RetryableUploadFailure e) {
        last = new EnvironmentException(e.getMessage(), e.getCause());
      }
    }
    throw last != null ? last : new EnvironmentException("upload of " + digest + " to " + where + " failed");
  }

  private void uploadMonolithic(String repo, URI location, Digest digest, long size, BlobOpener opener, String where) {
    URI put = withQuery(location, "digest=" + digest);
    HttpRequest.BodyPublisher body =
        HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> open(opener)), size);
    finishUpload(new Request("PUT", put, () -> body, pushScope(repo, null), false)
        .header("Content-Type", "application/octet-stream"), digest, where);
  }

  private void uploadChunked(String repo, URI location, Digest digest, long size, BlobOpener opener, long chunkSize, String where) {
    try (InputStream in = opener.open()) {
      long offset = 0;
      while (offset < size) {
        long len = Math.min(chunkSize, size - offset);
        // each chunk is read straight from the source stream: no chunk buffered in memory
        ChunkStream chunk = new ChunkStream(in, len);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> chunk), len);
        Request patch = new Request("PATCH", location, () -> body, pushScope(repo, null), false)
            .header("Content-Type", "application/octet-stream")
            .header("Content-Range", offset + "-" + (offset + len - 1));
        try (Response r = sendUpload(patch, where)) {
          if (r.status() != 202) {
            throw fail(r, "blob chunk upload", where);
          }
          location = uploadLocation(r, location);
        }
        offset += len;
      }
      if (in.read() >= 0) {
        throw new InvalidInputException("layer " + digest + " of " + where + " is longer than its " + size + " bytes; refused");
      }
    } catch (IOException e) {
      throw new RetryableUploadFailure("reading " + digest + " for upload failed: " + e.getMessage(), e);
    }
    finishUpload(new Request("PUT", withQuery(location, "digest=" + digest), HttpRequest.BodyPublishers::noBody, pushScope(repo, null), false), digest, where);
  }

  private void finishUpload(Request put, Digest digest, String where) {
    try (Response r = sendUpload(put, where)) {
      if (r.status() == 201) {
        return;
      }
      if (r.status() == 400) {
        String body = errorText(r);
        if (body.contains("DIGEST_INVALID") || body.contains("SIZE_INVALID")) {
          throw new InvalidInputException(where + ": registry refused blob " + digest + ": content does not match its digest (" + body + ")");
        }
      }
      throw fail(r, "blob upload", where);
    }
  }

  /** Upload requests are not replayed in place (their body is a one-shot stream); failures restart the upload. */
  private Response sendUpload(Request req, String where) {
    try {
      Response r = send(req);
      if (r.status() >= 500 || r.status() == 429) {
        String text = errorText(r);
        r.close();
        throw new RetryableUploadFailure("registry " + host + " answered " + r.status() + " during upload to " + where + (text.isEmpty() ? "" : ": " + text), null);
      }
      return r;
    } catch (EnvironmentException e) {
      throw new RetryableUploadFailure(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      // the blob stream failed: a source problem; verification failures are InvalidInputException and pass through
      throw new RetryableUploadFailure("reading the blob for upload failed: " + e.getCause().getMessage(), e);
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
    String loc = r.response().headers().firstValue("Location").orElseThrow(() -> new EnvironmentException("registry " + host + " started an upload without a Location header"));
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
    return "repository:" + repo + ":pull,push" + (mountFrom != null ? " repository:" + mountFrom + ":pull" : "");
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
    boolean authRetried = false;
    for (int attempt = 0; ; attempt++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(req.uri).timeout(Duration.ofMinutes(30));
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
        resp = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        // a request body stream that refused its content (digest mismatch) arrives wrapped: say that, not "unreachable"
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t instanceof io.github.deltaimage.api.DeltaImageException d) {
            throw d;
          }
        }
        if (e.getCause() instanceof UncheckedIOException u) {
          throw u;
        }
        if (isTls(e)) {
          throw new EnvironmentException("registry " + host + " does not speak HTTPS at " + base + " (" + e.getMessage()
              + "); if it is a plain-HTTP registry, allow it explicitly with --insecure-registry " + host);
        }
        if (req.replayable && attempt + 1 < retry.attempts()) {
          sleep(attempt + 1);
          continue;
        }
        throw new EnvironmentException(unreachable(e));
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
      if ((status >= 500 || status == 429) && req.replayable && attempt + 1 < retry.attempts()) {
        r.close();
        sleep(attempt + 1);
        continue;
      }
      return r;
    }
  }

  private InvalidInputException unauthorized(int status, Request req) {
    String what = status == 401 ? "refused access (401 Unauthorized)" : "denied access (403 Forbidden)";
    String action = req.scope != null && req.scope.contains("push") ? "push to" : "pull from";
    String repo = req.scope == null ? "" : req.scope.split(" ")[0].replaceAll("^repository:|:[a-z,]+$", "");
    return new InvalidInputException("registry " + host + " " + what + " to " + action + " " + repo + "; "
        + auth.triedDescription() + "; log in with docker login " + host + " or pass --src-creds/--dest-creds USER:PASSWORD");
  }

  private String unreachable(IOException e) {
    String why = e instanceof ConnectException ? "connection refused" : e instanceof HttpConnectTimeoutException ? "connect timed out" : String.valueOf(e.getMessage());
    return "registry " + host + " is unreachable at " + base + " (" + why + ", " + retry.attempts() + " attempts); check the host name and that the registry runs";
  }

  private static boolean isTls(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  void sleep(int attempt) {
    long ms = retry.firstDelay().toMillis() << Math.min(attempt - 1, 10);
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while waiting to retry registry " + host, e);
    }
  }

  RetryPolicy retryPolicy() {
    return retry;
  }

  /** Maps an unexpected status to one line, naming the registry's own error code when it sent one. */
  io.github.deltaimage.api.DeltaImageException fail(Response r, String what, String where) {
    int status = r.status();
    String text = errorText(r);
    r.close();
    if (status == 404 || text.contains("MANIFEST_UNKNOWN") || text.contains("NAME_UNKNOWN") || text.contains("BLOB_UNKNOWN")) {
      return (new InvalidInputException(where + ": not found in registry " + host + " (" + what + ": " + (text.isEmpty() ? "404" : text) + "); check the repository and tag"));
    }
    if (status >= 400 && status < 500) {
      return (new InvalidInputException(where + ": registry " + host + " refused " + what + " (" + status + (text.isEmpty() ? "" : ": " + text) + ")"));
    }
    return (new EnvironmentException(where + ": registry " + host + " failed " + what + " (" + status + (text.isEmpty() ? "" : ": " + text) + ")"));
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
          sb.append(e.path("code").asText()).append(": ").append(e.path("message").asText());
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
