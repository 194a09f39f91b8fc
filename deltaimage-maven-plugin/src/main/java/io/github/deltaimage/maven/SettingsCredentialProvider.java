package io.github.deltaimage.maven;

import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.transport.registry.credentials.CredentialProvider;
import io.github.deltaimage.transport.registry.credentials.CredentialResolver;
import io.github.deltaimage.transport.registry.credentials.Credentials;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Registry logins from settings.xml: the {@code <server>} whose id is the registry host with its
 * port, else without it, decrypted through Maven's {@link SettingsDecrypter}. When settings.xml has
 * none, the Docker config and its credential helpers are asked here too, so that the build log says
 * which source answered. Core asks only after explicit parameters, so this is the second and third
 * place in the order. Each host is looked up once; logs name sources, never secrets.
 */
final class SettingsCredentialProvider implements CredentialProvider {

  /** Turns a settings.xml server into one with plain-text secrets. */
  @FunctionalInterface
  interface Decrypter {
    Server decrypt(Server server);
  }

  private final List<Server> servers;
  private final Decrypter decrypter;
  private final CredentialProvider dockerConfig;
  private final Log log;
  private final Map<String, Optional<Credentials>> byHost = new ConcurrentHashMap<>();

  SettingsCredentialProvider(
      List<Server> servers, Decrypter decrypter, CredentialProvider dockerConfig, Log log) {
    this.servers = List.copyOf(servers);
    this.decrypter = decrypter;
    this.dockerConfig = dockerConfig;
    this.log = log;
  }

  /** The provider a goal uses: settings.xml servers through Maven's decrypter, then the Docker config of this process. */
  static SettingsCredentialProvider of(
      List<Server> servers,
      SettingsDecrypter settingsDecrypter,
      Map<String, String> environment,
      Path home,
      Log log) {
    CredentialResolver docker = new CredentialResolver(null, environment, home);
    CredentialProvider dockerConfig = host -> docker.lookup(host).credentials();
    return new SettingsCredentialProvider(
        servers, server -> decrypt(settingsDecrypter, server), dockerConfig, log);
  }

  @Override
  public Optional<Credentials> find(String host) {
    return byHost.computeIfAbsent(host, this::lookUp);
  }

  private Optional<Credentials> lookUp(String host) {
    Optional<Server> server = serverFor(host);
    if (server.isPresent()) {
      Server plain = decrypter.decrypt(server.get());
      String source = "settings.xml <server> '" + plain.getId() + "'";
      if (plain.getUsername() == null || plain.getPassword() == null) {
        throw new InvalidInputException(
            source + " for registry " + host + " needs both <username> and <password>");
      }
      log.info("Registry " + host + ": using the login of " + source + " (user '"
          + plain.getUsername() + "')");
      return Optional.of(new Credentials(plain.getUsername(), plain.getPassword(), false, source));
    }
    Optional<Credentials> docker = dockerConfig.find(host);
    if (docker.isPresent()) {
      log.info("Registry " + host + ": no settings.xml <server> with id '" + host + "'; using "
          + docker.get().describe());
    } else {
      log.info("Registry " + host + ": no login found (no settings.xml <server> with id '" + host
          + "', none in the Docker config); going on anonymously");
    }
    return docker;
  }

  /** The server whose id is {@code host:port}, else {@code host}. */
  Optional<Server> serverFor(String host) {
    Optional<Server> exact = byId(host);
    if (exact.isPresent()) {
      return exact;
    }
    String withoutPort = withoutPort(host);
    return withoutPort.equals(host) ? Optional.empty() : byId(withoutPort);
  }

  private Optional<Server> byId(String id) {
    return servers.stream().filter(s -> id.equalsIgnoreCase(s.getId())).findFirst();
  }

  /** {@code host:port} to {@code host}; {@code [::1]:5000} to {@code [::1]}. */
  static String withoutPort(String host) {
    int colon = host.lastIndexOf(':');
    int bracket = host.lastIndexOf(']');
    return colon > bracket && colon > 0 ? host.substring(0, colon) : host;
  }

  private static Server decrypt(SettingsDecrypter settingsDecrypter, Server server) {
    SettingsDecryptionResult result =
        settingsDecrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
    for (SettingsProblem problem : result.getProblems()) {
      if (problem.getSeverity() != SettingsProblem.Severity.WARNING) {
        throw new InvalidInputException(
            "settings.xml <server> '" + server.getId() + "' cannot be decrypted: "
                + problem.getMessage(),
            problem.getException());
      }
    }
    return result.getServer();
  }
}
