package io.github.deltaimage.transport.registry.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.deltaimage.api.CredentialProvider;
import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.image.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Finds the credential for a registry host the way the docker CLI does: an explicit one first;
 * then the front end's own {@link CredentialProvider}; then the Docker config file ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}): {@code credHelpers[host]}, else {@code credsStore}, else
 * {@code auths[host]}. Helpers are run as {@code docker-credential-NAME get}.
 *
 * <p>Every source consulted is recorded, so that a 401 can say which ones were tried (never what
 * they held).
 */
public final class CredentialResolver {
  private final Credentials explicit;
  private final CredentialProvider provider;
  private final Path configFile;
  private final String path;
  private final Duration helperTimeout;
  private final Map<String, String> environment;
  private final Path home;

  /** The system property that sets how long a credential helper may take, e.g. {@code -Ddeltaimage.credentialHelperTimeout=1m}. */
  public static final String HELPER_TIMEOUT = "deltaimage.credentialHelperTimeout";
  /** A helper that unlocks a keychain may wait for the user; longer than that is a hang. */
  public static final Duration DEFAULT_HELPER_TIMEOUT = Duration.ofSeconds(30);

  /** The outcome of a lookup: the credential (if any) and what was consulted to find it. */
  public record Lookup(Optional<Credentials> credentials, List<String> tried) {}

  /**
   * @param explicit a credential given on the command line or in the build file, or null
   * @param environment the process environment (for DOCKER_CONFIG)
   * @param home the user's home directory
   */
  public CredentialResolver(Credentials explicit, Map<String, String> environment, Path home) {
    this(explicit, CredentialProvider.NONE, environment, home);
  }

  /**
   * @param explicit a credential given on the command line or in the build file, or null
   * @param provider the front end's logins per host, asked when there is no explicit one
   * @param environment the process environment (for DOCKER_CONFIG)
   * @param home the user's home directory
   */
  public CredentialResolver(
      Credentials explicit,
      CredentialProvider provider,
      Map<String, String> environment,
      Path home) {
    this(explicit, provider, environment, home, helperTimeoutFromSystemProperties());
  }

  private BiConsumer<String, Lookup> observer = (host, lookup) -> {};

  private CredentialResolver(
      Credentials explicit,
      CredentialProvider provider,
      Map<String, String> environment,
      Path home,
      Duration helperTimeout) {
    this.helperTimeout = helperTimeout;
    this.environment = Map.copyOf(environment);
    this.home = home;
    this.explicit = explicit;
    this.provider = provider == null ? CredentialProvider.NONE : provider;
    this.path = environment.getOrDefault("PATH", "");
    String dockerConfig = environment.get("DOCKER_CONFIG");
    this.configFile = dockerConfig != null && !dockerConfig.isEmpty()
        ? Path.of(dockerConfig).resolve("config.json")
        : home.resolve(".docker").resolve("config.json");
  }

  /** The same lookup with another limit on each credential helper run (counted from its start). */
  public CredentialResolver withHelperTimeout(Duration timeout) {
    return new CredentialResolver(explicit, provider, environment, home, timeout);
  }

  static Duration helperTimeoutFromSystemProperties() {
    String v = System.getProperty(HELPER_TIMEOUT);
    if (v == null || v.isBlank()) {
      return DEFAULT_HELPER_TIMEOUT;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)?").matcher(v.trim());
    Duration d = null;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      d = switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofSeconds(n);
      };
    }
    if (d == null || d.isZero()) {
      throw new InvalidInputException("-D" + HELPER_TIMEOUT + "=" + v
          + " is not a positive duration; write e.g. 30s, 2m or 500ms");
    }
    return d;
  }

  /**
   * The same lookup, telling {@code observer} each outcome (host, lookup): how a front end learns
   * which source answered without resolving a second time.
   */
  public CredentialResolver observedBy(BiConsumer<String, Lookup> newObserver) {
    CredentialResolver observed =
        new CredentialResolver(explicit, provider, environment, home, helperTimeout);
    observed.observer = newObserver;
    return observed;
  }

  /** Looks up the credential for {@code host} (as in a reference, e.g. {@code 127.0.0.1:5000}). */
  public Lookup lookup(String host) {
    Lookup found = find(host);
    observer.accept(host, found);
    return found;
  }

  private Lookup find(String host) {
    List<String> tried = new ArrayList<>();
    if (explicit != null) {
      tried.add(explicit.source());
      return new Lookup(Optional.of(explicit), tried);
    }
    Optional<Credentials> provided = provider.find(host);
    if (provided.isPresent()) {
      tried.add(provided.get().source());
      return new Lookup(provided, tried);
    }
    if (!Files.isRegularFile(configFile)) {
      tried.add(configFile + " (not present)");
      return new Lookup(Optional.empty(), tried);
    }
    JsonNode config;
    try {
      // config.json holds logins: a syntax error gives its position, never the text around it
      config = Json.readWithoutEcho(Files.readAllBytes(configFile), configFile.toString());
    } catch (IOException e) {
      tried.add(configFile + " (unreadable: " + e.getMessage() + ")");
      return new Lookup(Optional.empty(), tried);
    }
    List<String> keys = keysFor(host);
    JsonNode helpers = config.path("credHelpers");
    for (String k : keys) {
      if (helpers.path(k).isTextual()) {
        String helper = helpers.path(k).asText();
        tried.add(configFile + " credHelpers (docker-credential-" + helper + ")");
        Optional<Credentials> c = runHelper(helper, k);
        if (c.isPresent()) {
          return new Lookup(c, tried);
        }
      }
    }
    if (config.path("credsStore").isTextual()
        && !config.path("credsStore").asText().isEmpty()) {
      String store = config.path("credsStore").asText();
      tried.add(configFile + " credsStore (docker-credential-" + store + ")");
      for (String k : keys) {
        Optional<Credentials> c = runHelper(store, k);
        if (c.isPresent()) {
          return new Lookup(c, tried);
        }
      }
    }
    tried.add(configFile + " auths");
    JsonNode auths = config.path("auths");
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (keys.contains(normaliseKey(e.getKey()))) {
        Optional<Credentials> c = fromAuthEntry(e.getValue(), configFile + " auths");
        if (c.isPresent()) {
          return new Lookup(c, tried);
        }
      }
    }
    return new Lookup(Optional.empty(), tried);
  }

  /** The names a host may be filed under in config.json; Docker Hub has its legacy index URL. */
  static List<String> keysFor(String host) {
    List<String> keys = new ArrayList<>();
    keys.add(host);
    if ("docker.io".equals(host)
        || "registry-1.docker.io".equals(host)
        || "index.docker.io".equals(host)) {
      keys.add("https://index.docker.io/v1/");
      keys.add("index.docker.io");
      keys.add("docker.io");
      keys.add("registry-1.docker.io");
    }
    return keys;
  }

  /** {@code https://host/v1/} and {@code host} are the same key; the Docker Hub URL stays whole. */
  static String normaliseKey(String key) {
    if ("https://index.docker.io/v1/".equals(key)) {
      return key;
    }
    String k = key;
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    return slash >= 0 ? k.substring(0, slash) : k;
  }

  private static Optional<Credentials> fromAuthEntry(JsonNode entry, String source) {
    if (entry.path("identitytoken").isTextual()
        && !entry.path("identitytoken").asText().isEmpty()) {
      return Optional.of(
          new Credentials("<token>", entry.path("identitytoken").asText(), true, source));
    }
    String auth = entry.path("auth").asText("");
    if (auth.isEmpty()) {
      if (entry.path("username").isTextual() && entry.path("password").isTextual()) {
        return Optional.of(new Credentials(
            entry.path("username").asText(), entry.path("password").asText(), false, source));
      }
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int c = decoded.indexOf(':');
    if (c <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Credentials(decoded.substring(0, c), decoded.substring(c + 1), false, source));
  }

  /** The helper on the PATH of the environment we were given (not necessarily the JVM's). */
  private String locate(String program) {
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Path.of(dir, program).toString();
      }
    }
    return program;
  }

  /**
   * Runs {@code docker-credential-NAME get} with the server on stdin; empty if it knows none. The
   * helper gets {@link #helperTimeout} from its start; then it (and what it started) is killed.
   * Its output is read on a thread of its own, so a helper that never closes it cannot block us,
   * and is never shown: it holds the secret.
   */
  private Optional<Credentials> runHelper(String name, String server) {
    String program = "docker-credential-" + name;
    String source = configFile + " (" + program + ")";
    long deadline = System.nanoTime() + helperTimeout.toNanos();
    Process p;
    try {
      p = new ProcessBuilder(locate(program), "get")
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      throw new EnvironmentException(configFile + " names credential helper " + program
          + ", which is not on PATH; install it or remove it from the file");
    }
    ByteArrayOutputStream collected = new ByteArrayOutputStream();
    Thread reader = new Thread(
        () -> {
          try (InputStream o = p.getInputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = o.read(buf)) >= 0) {
              synchronized (collected) {
                if (collected.size() <= MAX_HELPER_OUTPUT) {
                  collected.write(buf, 0, n);
                }
              }
            }
          } catch (IOException closed) {
            // the helper was killed or closed its output: what was read so far is all there is
          }
        },
        program + " output");
    reader.setDaemon(true);
    reader.start();
    try {
      try (OutputStream in = p.getOutputStream()) {
        in.write(server.getBytes(StandardCharsets.UTF_8));
      } catch (IOException notReading) {
        // a helper that exits without reading its input: its exit status and output still tell
      }
      boolean exited = p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (exited) {
        // the output may still be in the pipe: read it, but not past the deadline (a child may hold
        // it open)
        reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
      if (!exited || reader.isAlive()) {
        kill(p);
        throw new EnvironmentException(program + " get did not finish within "
            + describe(helperTimeout) + " and was stopped; check the helper (is it waiting"
            + " for a password prompt?) or allow it longer with -D" + HELPER_TIMEOUT);
      }
      if (p.exitValue() != 0) {
        // "credentials not found in native keychain": not an error, just no entry
        return Optional.empty();
      }
      byte[] out;
      synchronized (collected) {
        out = collected.toByteArray();
      }
      if (out.length > MAX_HELPER_OUTPUT) {
        throw new EnvironmentException(program + " get printed more than " + MAX_HELPER_OUTPUT
            + " bytes, which is no credential; check the helper");
      }
      JsonNode n;
      try {
        n = Json.readWithoutEcho(out, program + " get output");
      } catch (InvalidInputException e) {
        throw new EnvironmentException(
            e.getMessage() + "; check that " + program + " is a Docker credential helper");
      }
      String user = n.path("Username").asText("");
      String secret = n.path("Secret").asText("");
      if (secret.isEmpty()) {
        return Optional.empty();
      }
      if ("<token>".equals(user)) {
        return Optional.of(new Credentials(user, secret, true, source));
      }
      return Optional.of(new Credentials(user, secret, false, source));
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while running " + program, e);
    }
  }

  /** A helper's output is a small JSON object; more than this is not one. */
  private static final int MAX_HELPER_OUTPUT = 1 << 20;

  /** Kills the helper and whatever it started (a shell script's children would keep its output open). */
  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static String describe(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
  }
}
