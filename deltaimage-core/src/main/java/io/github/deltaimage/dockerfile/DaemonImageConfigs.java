package io.github.deltaimage.dockerfile;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageConfigs;
import io.github.deltaimage.api.TargetConfig;
import io.github.deltaimage.transport.daemon.DockerEngine;
import io.github.deltaimage.transport.daemon.DockerJavaEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Image configs from the Docker daemon, found as the docker CLI finds it ({@code DOCKER_HOST}, else
 * the default socket), through the one engine adapter the transports use.
 */
public final class DaemonImageConfigs implements ImageConfigs {

  static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

  private final DockerEngine engine;

  /** Reads configs through {@code engine}, which this closes. */
  public DaemonImageConfigs(DockerEngine engine) {
    this.engine = engine;
  }

  /** The daemon of this environment; empty when there is none to try (no DOCKER_HOST, no default socket). */
  public static Optional<ImageConfigs> fromEnvironment() {
    String host = System.getenv("DOCKER_HOST");
    if ((host == null || host.isBlank()) && !Files.exists(DEFAULT_SOCKET)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new DaemonImageConfigs(DockerJavaEngine.fromEnvironment()));
    } catch (RuntimeException e) {
      throw new EnvironmentException(
          "cannot use the Docker daemon named by DOCKER_HOST=" + host + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<TargetConfig> configOf(String image) {
    return engine
        .runConfig(image)
        .map(c -> new TargetConfig(
            c.env(),
            c.entrypoint(),
            c.cmd(),
            c.workingDir(),
            c.user(),
            c.exposedPorts(),
            c.volumes(),
            c.labels()));
  }

  @Override
  public String endpoint() {
    return engine.endpoint();
  }

  @Override
  public void close() {
    engine.close();
  }
}
