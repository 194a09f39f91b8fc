package io.github.deltaimage.dockerfile;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.github.deltaimage.api.DeltaImageException;
import io.github.deltaimage.api.EnvironmentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Image configs from the Docker daemon, found as the docker CLI finds it ({@code DOCKER_HOST}, else
 * the default socket).
 *
 * <p>This is a narrow adapter over docker-java: {@code transport.daemon.DockerEngine} inspects an
 * image for its id and tags only, not its config. Once it offers the config, this class should
 * become a few lines on top of it.
 */
public final class DaemonImageConfigs implements ImageConfigs {

  static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

  private final DockerClient client;
  private final String endpoint;

  private DaemonImageConfigs(DockerClient client, String endpoint) {
    this.client = client;
    this.endpoint = endpoint;
  }

  /** The daemon of this environment; empty when there is none to try (no DOCKER_HOST, no default socket). */
  public static Optional<ImageConfigs> fromEnvironment() {
    String host = System.getenv("DOCKER_HOST");
    if ((host == null || host.isBlank()) && !Files.exists(DEFAULT_SOCKET)) {
      return Optional.empty();
    }
    try {
      DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
      ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
          .dockerHost(config.getDockerHost())
          .sslConfig(config.getSSLConfig())
          .connectionTimeout(Duration.ofSeconds(10))
          .responseTimeout(Duration.ofSeconds(60))
          .build();
      return Optional.of(new DaemonImageConfigs(DockerClientImpl.getInstance(config, http), config.getDockerHost().toString()));
    } catch (RuntimeException e) {
      throw new EnvironmentException("cannot use the Docker daemon named by DOCKER_HOST=" + host + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<TargetConfig> configOf(String image) {
    InspectImageResponse response;
    try {
      response = client.inspectImageCmd(image).exec();
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (DockerException e) {
      throw new EnvironmentException("the Docker daemon at " + endpoint + " failed to inspect " + image + ": " + firstLine(e.getMessage()), e);
    } catch (DeltaImageException e) {
      throw e;
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new EnvironmentException("cannot reach the Docker daemon at " + endpoint + " (" + firstLine(String.valueOf(root.getMessage()))
          + "); is it running, and is DOCKER_HOST right?", e);
    }
    ContainerConfig c = response.getConfig();
    if (c == null) {
      return Optional.of(new TargetConfig(null, null, null, null, null, null, null, null));
    }
    List<String> ports = c.getExposedPorts() == null ? null
        : Arrays.stream(c.getExposedPorts()).map(ExposedPort::toString).toList();
    List<String> volumes = c.getVolumes() == null ? null : List.copyOf(c.getVolumes().keySet());
    return Optional.of(new TargetConfig(list(c.getEnv()), list(c.getEntrypoint()), list(c.getCmd()), c.getWorkingDir(),
        c.getUser(), ports, volumes, c.getLabels()));
  }

  @Override
  public String endpoint() {
    return endpoint;
  }

  private static List<String> list(String[] values) {
    return values == null ? null : List.of(values);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      // closing the connection pool: nothing the user could do
    }
  }
}
