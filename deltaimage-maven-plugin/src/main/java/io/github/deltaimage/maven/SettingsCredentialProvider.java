package io.github.deltaimage.maven;

import io.github.deltaimage.api.CredentialProvider;
import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Registry logins from settings.xml: the {@code <server>} whose id is the registry host with its
 * port, else without it, decrypted through Maven's {@link SettingsDecrypter}. Core asks it after the
 * explicit parameters and before the Docker config, once per host; which source answered reaches
 * the log as core's {@code CredentialsChosen} event, so nothing is resolved twice.
 */
final class SettingsCredentialProvider implements CredentialProvider {

  /** Turns a settings.xml server into one with plain-text secrets. */
  @FunctionalInterface
  interface Decrypter {
    Server decrypt(Server server);
  }

  private final List<Server> servers;
  private final Decrypter decrypter;
  private final Map<String, Optional<Credentials>> byHost = new ConcurrentHashMap<>();

  SettingsCredentialProvider(List<Server> servers, Decrypter decrypter) {
    this.servers = List.copyOf(servers);
    this.decrypter = decrypter;
  }

  /** The provider a goal uses: settings.xml servers through Maven's decrypter. */
  static SettingsCredentialProvider of(List<Server> servers, SettingsDecrypter settingsDecrypter) {
    return new SettingsCredentialProvider(servers, server -> decrypt(settingsDecrypter, server));
  }

  @Override
  public Optional<Credentials> find(String host) {
    return byHost.computeIfAbsent(host, this::lookUp);
  }

  private Optional<Credentials> lookUp(String host) {
    Optional<Server> server = serverFor(host);
    if (server.isEmpty()) {
      return Optional.empty();
    }
    Server plain = decrypter.decrypt(server.get());
    String source = "settings.xml <server> '" + plain.getId() + "'";
    if (plain.getUsername() == null || plain.getPassword() == null) {
      throw new InvalidInputException(
          source + " for registry " + host + " needs both <username> and <password>");
    }
    return Optional.of(new Credentials(plain.getUsername(), plain.getPassword(), false, source));
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
