package io.github.deltaimage.api;

import java.util.Optional;

/** Where {@code docker-file} reads image configs from: the Docker daemon, or a stand-in in tests. */
public interface ImageConfigs extends AutoCloseable {

  /**
   * The config of {@code image}; empty when the daemon has no such image.
   *
   * @throws io.github.deltaimage.api.EnvironmentException when the daemon cannot be reached
   */
  Optional<TargetConfig> configOf(String image);

  /** Where the configs come from, for messages, e.g. {@code unix:///var/run/docker.sock}. */
  String endpoint();

  @Override
  void close();
}
