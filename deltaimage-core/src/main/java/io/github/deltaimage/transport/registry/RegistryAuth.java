package io.github.deltaimage.transport.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.RegistryTimeouts;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.transport.registry.credentials.CredentialResolver;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers registry challenges: Basic with the resolved credential, Bearer by fetching a token from
 * the challenge's realm (anonymous when there is no credential, as for public images), cached per
 * scope. Secrets only ever go into Authorization headers.
 */
final class RegistryAuth {
  private final String host;
  private final HttpClient http;
  private final CredentialResolver resolver;
  private final RegistryTimeouts timeouts;
  private final Map<String, String> headerByScope = new ConcurrentHashMap<>();
  private volatile Challenge challenge;
  private volatile CredentialResolver.Lookup lookup;

  RegistryAuth(
      String host, HttpClient http, CredentialResolver resolver, RegistryTimeouts timeouts) {
    this.host = host;
    this.http = http;
    this.resolver = resolver;
    this.timeouts = timeouts;
  }

  /** A token response is small; anything longer is not one (and must not fill the heap). */
  private static final int MAX_TOKEN_RESPONSE = 1 << 20;

  /** The Authorization header for {@code scope}, if a challenge has been seen. */
  Optional<String> header(String scope) {
    if (challenge == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(headerByScope.get(scope));
  }

  /**
   * Handles a 401: learns the challenge and computes a header for {@code scope}.
   *
   * @return true if a (new) header exists and the request is worth retrying
   */
  boolean onUnauthorized(String wwwAuthenticate, String scope, String previousHeader) {
    Challenge c = Challenge.parse(wwwAuthenticate);
    if (c == null) {
      return false;
    }
    challenge = c;
    String header;
    Optional<Credentials> creds = credentials();
    if ("basic".equals(c.scheme())) {
      if (creds.isEmpty() || creds.get().identityToken()) {
        return false;
      }
      header = "Basic "
          + Base64.getEncoder()
              .encodeToString((creds.get().username() + ":" + creds.get().secret())
                  .getBytes(StandardCharsets.UTF_8));
    } else if ("bearer".equals(c.scheme())) {
      header = "Bearer " + fetchToken(c, scope, creds);
    } else {
      throw new EnvironmentException("registry " + host + " asks for authentication scheme '"
          + c.scheme() + "', which deltaimage does not speak");
    }
    if (header.equals(previousHeader)) {
      return false;
    }
    headerByScope.put(scope, header);
    return true;
  }

  private Optional<Credentials> credentials() {
    CredentialResolver.Lookup l = lookup;
    if (l == null) {
      l = resolver.lookup(host);
      lookup = l;
    }
    return l.credentials();
  }

  /** What a 401/403 message says: the sources consulted and what was found, never a secret. */
  String triedDescription() {
    CredentialResolver.Lookup l = lookup != null ? lookup : resolver.lookup(host);
    String found = l.credentials().map(c -> "used " + c.describe()).orElse("found no credential");
    return "credential sources tried: " + String.join(", ", l.tried()) + "; " + found;
  }

  private String fetchToken(Challenge c, String scope, Optional<Credentials> creds) {
    String realm = c.params().get("realm");
    if (realm == null) {
      throw new EnvironmentException("registry " + host + " sent a Bearer challenge without realm");
    }
    StringBuilder query = new StringBuilder();
    String service = c.params().get("service");
    if (service != null) {
      query.append("service=").append(enc(service));
    }
    for (String s : scope.split(" ")) {
      if (!s.isEmpty()) {
        query.append(query.length() > 0 ? "&" : "").append("scope=").append(enc(s));
      }
    }
    try {
      HttpRequest.Builder b;
      if (creds.isPresent() && creds.get().identityToken()) {
        String form = query + "&grant_type=refresh_token&client_id=deltaimage&refresh_token="
            + enc(creds.get().secret());
        b = HttpRequest.newBuilder(URI.create(realm))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
      } else {
        b = HttpRequest.newBuilder(URI.create(realm + (realm.contains("?") ? "&" : "?") + query))
            .GET();
        creds.ifPresent(cr -> b.header(
            "Authorization",
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (cr.username() + ":" + cr.secret()).getBytes(StandardCharsets.UTF_8))));
      }
      long deadline = RegistryClient.deadlineAfter(timeouts.blobBound(MAX_TOKEN_RESPONSE));
      HttpResponse<InputStream> r = http.send(
          b.timeout(timeouts.response()).build(), TimedBody.handler(timeouts.read(), deadline));
      byte[] body;
      try (InputStream in = r.body()) {
        if (r.statusCode() == 401 || r.statusCode() == 403) {
          throw new InvalidInputException("registry " + host + " token service refused the login ("
              + r.statusCode() + "); " + triedDescription());
        }
        if (r.statusCode() / 100 != 2) {
          String why = r.statusCode() == 429
              ? " (429 Too Many Requests: rate-limited; try again later)"
              : "";
          throw new EnvironmentException(
              "registry " + host + " token service answered " + r.statusCode() + why);
        }
        body = in.readNBytes(MAX_TOKEN_RESPONSE + 1);
      }
      if (body.length > MAX_TOKEN_RESPONSE) {
        throw new EnvironmentException("registry " + host + " token service sent more than "
            + MAX_TOKEN_RESPONSE + " bytes; that is no token response");
      }
      // the response holds a token: a parse error may say where, never what
      JsonNode n = Json.readWithoutEcho(body, "token response of " + host);
      String token = n.path("token").asText(n.path("access_token").asText(""));
      if (token.isEmpty()) {
        throw new EnvironmentException("registry " + host + " token service sent no token");
      }
      return token;
    } catch (java.net.http.HttpTimeoutException e) {
      throw new EnvironmentException(
          "the token service of registry " + host + " (" + realm + ") did not answer in time ("
              + e.getMessage() + "); " + RegistryClient.TIMEOUT_HINT,
          e);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot reach the token service of registry " + host + " (" + realm + "): "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted", e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  List<String> triedSources() {
    return lookup == null ? List.of() : lookup.tried();
  }
}
