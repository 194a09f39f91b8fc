package io.github.deltaimage.transport;

import io.github.deltaimage.api.CredentialProvider;
import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.api.RegistryTimeouts;
import io.github.deltaimage.api.RetryPolicy;
import io.github.deltaimage.event.CopyListener;
import io.github.deltaimage.event.Listeners;
import io.github.deltaimage.transport.daemon.DockerEngine;
import io.github.deltaimage.transport.daemon.DockerJavaEngine;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the transports and the copy need to know: the front end's {@link DeltaOptions} (logins,
 * platform, plain HTTP, retries, timeouts, chunks, gzip level, temp directory), the channel blob
 * events go to, and how to reach the Docker daemon (tests put their own engine here).
 *
 * @param settings the front end's options
 * @param listener where the copy's events go
 * @param engine how to reach the Docker daemon (default: docker-java from DOCKER_HOST)
 */
public record CopyOptions(
    DeltaOptions settings, CopyListener listener, Supplier<DockerEngine> engine) {

  /** The transport settings of a front end's options, reporting to its one listener. */
  public static CopyOptions of(DeltaOptions options) {
    return new CopyOptions(
        options, Listeners.copyChannel(options.listener()), DockerJavaEngine::fromEnvironment);
  }

  /** {@link DeltaOptions#defaults()}, nobody listening. */
  public static CopyOptions defaults() {
    return of(DeltaOptions.defaults());
  }

  /** The explicit login for the registry read from, or null to look one up. */
  public Credentials sourceCredentials() {
    return settings.sourceCredentials().orElse(null);
  }

  /** The explicit login for the registry written to, or null to look one up. */
  public Credentials destinationCredentials() {
    return settings.destinationCredentials().orElse(null);
  }

  /**
   * The platform to take from an image index, or null when none was chosen: single-image reads then
   * take this machine's, image deltas handle every platform.
   */
  public Platform platform() {
    return settings.platform().orElse(null);
  }

  /** The platform to take from an image index: the one chosen, else this machine's. */
  public Platform platformOrMachine() {
    return settings.platform().orElse(Platform.current());
  }

  /** Whether a platform was chosen (image deltas then make or restore that one platform only). */
  public boolean platformChosen() {
    return settings.platform().isPresent();
  }

  /** See {@link DeltaOptions#plainHttpHosts()}. */
  public Set<String> plainHttpHosts() {
    return settings.plainHttpHosts();
  }

  /** Where run directories go: {@link DeltaOptions#tempDirectory()}. */
  public Path tempParent() {
    return settings.tempDirectory();
  }

  /** See {@link DeltaOptions#chunkSize()}. */
  public long chunkSize() {
    return settings.chunkSize();
  }

  /** See {@link DeltaOptions#gzipLevel()}. */
  public int gzipLevel() {
    return settings.gzipLevel();
  }

  /** See {@link DeltaOptions#retry()}. */
  public RetryPolicy retry() {
    return settings.retry();
  }

  /** See {@link DeltaOptions#environment()}. */
  public Map<String, String> environment() {
    return settings.environment();
  }

  /** See {@link DeltaOptions#home()}. */
  public Path home() {
    return settings.home();
  }

  /** See {@link DeltaOptions#credentialProvider()}. */
  public CredentialProvider credentialProvider() {
    return settings.credentialProvider();
  }

  /** See {@link DeltaOptions#registryTimeouts()}. */
  public RegistryTimeouts registryTimeouts() {
    return settings.registryTimeouts();
  }

  /** These options with other settings. */
  public CopyOptions withSettings(DeltaOptions newSettings) {
    return new CopyOptions(newSettings, listener, engine);
  }

  /** These options with another explicit login for the registry written to. */
  public CopyOptions withDestinationCredentials(Credentials credentials) {
    return withSettings(settings.toBuilder().destinationCredentials(credentials).build());
  }

  /** These options with another platform. */
  public CopyOptions withPlatform(Platform platform) {
    return withSettings(settings.withPlatform(platform));
  }

  /** These options with another directory for run directories. */
  public CopyOptions withTempParent(Path directory) {
    return withSettings(settings.withTempDirectory(directory));
  }

  /** These options reporting to {@code newListener}. */
  public CopyOptions withListener(CopyListener newListener) {
    return new CopyOptions(settings, newListener, engine);
  }

  /** These options uploading in chunks of {@code size} bytes. */
  public CopyOptions withChunkSize(long size) {
    return withSettings(settings.toBuilder().chunkSize(size).build());
  }

  /** These options compressing new layers at {@code level}. */
  public CopyOptions withGzipLevel(int level) {
    return withSettings(settings.toBuilder().gzipLevel(level).build());
  }

  /** These options retrying as {@code policy} says. */
  public CopyOptions withRetry(RetryPolicy policy) {
    return withSettings(settings.toBuilder().retry(policy).build());
  }

  /** These options looking up the Docker config in {@code environment} and {@code home}. */
  public CopyOptions withDockerConfigLookup(Map<String, String> environment, Path home) {
    return withSettings(settings.toBuilder().environment(environment).home(home).build());
  }

  /** These options reaching the Docker daemon through {@code newEngine}. */
  public CopyOptions withEngine(Supplier<DockerEngine> newEngine) {
    return new CopyOptions(settings, listener, newEngine);
  }
}
