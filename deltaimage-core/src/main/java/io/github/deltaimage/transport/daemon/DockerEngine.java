package io.github.deltaimage.transport.daemon;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The little of a Docker daemon deltaimage uses, so the rest of the code never sees docker-java
 * (and tests could use another engine). Every method throws
 * {@link io.github.deltaimage.api.EnvironmentException} when the daemon is unreachable and
 * {@link io.github.deltaimage.api.InvalidInputException} for a missing image.
 */
public interface DockerEngine extends AutoCloseable {
  /** What a daemon says about one image. {@code id} is {@code sha256:<config digest>}. */
  record ImageInfo(String id, List<String> repoTags) {}

  /**
   * The run settings of an image's config, as {@code docker image inspect} reports them; each field is null
   * where the config leaves it unset (an empty list is an explicit value, not an unset one).
   */
  record RunConfig(
      List<String> env,
      List<String> entrypoint,
      List<String> cmd,
      String workingDir,
      String user,
      List<String> exposedPorts,
      List<String> volumes,
      Map<String, String> labels) {}

  /** {@code docker save REFERENCE}: a docker-archive tar stream; the caller closes it. */
  InputStream save(String reference);

  /** {@code docker load}: consumes the stream; every error the daemon reports is thrown. */
  void load(InputStream archive);

  /** {@code docker image inspect}; empty when the daemon has no such image. */
  Optional<ImageInfo> inspect(String reference);

  /** The run settings of {@code reference}'s config; empty when the daemon has no such image. */
  Optional<RunConfig> runConfig(String reference);

  /** {@code docker tag IMAGE REPOSITORY:TAG}. */
  void tag(String image, String repository, String tag);

  /** {@code docker rmi --force REFERENCE}; a missing image is fine. */
  void remove(String reference);

  /** Where the daemon is, e.g. {@code unix:///var/run/docker.sock}, for messages. */
  String endpoint();

  @Override
  void close();
}
