package io.github.deltaimage.transport.daemon;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.LoadResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link DockerEngine} on docker-java (core + Apache httpclient5 transport). The daemon is found
 * the way the docker CLI finds it ({@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY},
 * {@code DOCKER_CERT_PATH}, else the default socket). The API version is left unset so the daemon
 * answers in its own version: pinning one breaks on both older and newer daemons.
 */
public final class DockerJavaEngine implements DockerEngine {
  private final DockerClient client;
  private final String endpoint;

  private DockerJavaEngine(DockerClient client, String endpoint) {
    this.client = client;
    this.endpoint = endpoint;
  }

  public static DockerJavaEngine fromEnvironment() {
    return create(DefaultDockerClientConfig.createDefaultConfigBuilder().build());
  }

  /** A daemon at an explicit address such as {@code unix:///run/docker.sock} or {@code tcp://127.0.0.1:2375}. */
  public static DockerJavaEngine forHost(String dockerHost) {
    return create(DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(dockerHost)
        .build());
  }

  private static DockerJavaEngine create(DockerClientConfig config) {
    ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .connectionTimeout(Duration.ofSeconds(30))
        .build();
    return new DockerJavaEngine(
        DockerClientImpl.getInstance(config, http), config.getDockerHost().toString());
  }

  @Override
  public String endpoint() {
    return endpoint;
  }

  @Override
  public InputStream save(String reference) {
    return call("save " + reference, () -> client.saveImageCmd(reference).exec());
  }

  @Override
  public void load(InputStream archive) {
    AtomicReference<String> error = new AtomicReference<>();
    try {
      client
          .loadImageAsyncCmd(archive)
          .exec(new ResultCallback.Adapter<LoadResponseItem>() {
            @Override
            public void onNext(LoadResponseItem item) {
              if (item.isErrorIndicated()) {
                String msg =
                    item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                        ? item.getErrorDetail().getMessage()
                        : item.getError();
                error.compareAndSet(null, msg);
              }
            }
          })
          .awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while the Docker daemon loaded an image", e);
    } catch (DockerException e) {
      throw new EnvironmentException(
          "the Docker daemon at " + endpoint + " refused the image: " + firstLine(e.getMessage()),
          e);
    } catch (RuntimeException e) {
      throw unreachable(e);
    }
    if (error.get() != null) {
      throw new EnvironmentException("the Docker daemon at " + endpoint
          + " could not load the image: " + firstLine(error.get()));
    }
  }

  @Override
  public Optional<ImageInfo> inspect(String reference) {
    return inspectResponse(reference)
        .map(r -> new ImageInfo(
            r.getId(), r.getRepoTags() == null ? List.of() : new ArrayList<>(r.getRepoTags())));
  }

  @Override
  public Optional<RunConfig> runConfig(String reference) {
    return inspectResponse(reference).map(r -> {
      ContainerConfig c = r.getConfig();
      if (c == null) {
        return new RunConfig(null, null, null, null, null, null, null, null);
      }
      List<String> ports = c.getExposedPorts() == null
          ? null
          : Arrays.stream(c.getExposedPorts()).map(ExposedPort::toString).toList();
      List<String> volumes =
          c.getVolumes() == null ? null : List.copyOf(c.getVolumes().keySet());
      return new RunConfig(
          list(c.getEnv()),
          list(c.getEntrypoint()),
          list(c.getCmd()),
          c.getWorkingDir(),
          c.getUser(),
          ports,
          volumes,
          c.getLabels());
    });
  }

  private static List<String> list(String[] values) {
    return values == null ? null : List.of(values);
  }

  private Optional<InspectImageResponse> inspectResponse(String reference) {
    try {
      return Optional.of(client.inspectImageCmd(reference).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (DockerException e) {
      throw new EnvironmentException(
          "the Docker daemon at " + endpoint + " failed to inspect " + reference + ": "
              + firstLine(e.getMessage()),
          e);
    } catch (RuntimeException e) {
      throw unreachable(e);
    }
  }

  @Override
  public void tag(String image, String repository, String tag) {
    call("tag " + image + " " + repository + ":" + tag, () -> {
      client.tagImageCmd(image, repository, tag).exec();
      return null;
    });
  }

  @Override
  public void remove(String reference) {
    try {
      client.removeImageCmd(reference).withForce(true).exec();
    } catch (NotFoundException e) {
      // already gone
    } catch (DockerException e) {
      throw new EnvironmentException(
          "the Docker daemon at " + endpoint + " could not remove " + reference + ": "
              + firstLine(e.getMessage()),
          e);
    } catch (RuntimeException e) {
      throw unreachable(e);
    }
  }

  private interface Call<T> {
    T run();
  }

  private <T> T call(String what, Call<T> call) {
    try {
      return call.run();
    } catch (NotFoundException e) {
      throw new InvalidInputException("the Docker daemon at " + endpoint + " has no image for '"
          + what + "': " + firstLine(e.getMessage()));
    } catch (DockerException e) {
      throw new EnvironmentException(
          "the Docker daemon at " + endpoint + " failed '" + what + "': "
              + firstLine(e.getMessage()),
          e);
    } catch (RuntimeException e) {
      throw unreachable(e);
    }
  }

  private EnvironmentException unreachable(RuntimeException e) {
    if (e instanceof io.github.deltaimage.api.DeltaImageException d) {
      throw d;
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return new EnvironmentException(
        "cannot reach the Docker daemon at " + endpoint + " ("
            + firstLine(String.valueOf(root.getMessage()))
            + "); is it running, and is DOCKER_HOST right?",
        e);
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
