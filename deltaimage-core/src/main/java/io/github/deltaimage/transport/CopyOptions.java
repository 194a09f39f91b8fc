package io.github.deltaimage.transport;

import io.github.deltaimage.event.CopyListener;
import io.github.deltaimage.image.Platform;
import io.github.deltaimage.transport.daemon.DockerEngine;
import io.github.deltaimage.transport.registry.RegistryClient;
import io.github.deltaimage.transport.registry.RegistryTimeouts;
import io.github.deltaimage.transport.registry.credentials.CredentialProvider;
import io.github.deltaimage.transport.registry.credentials.Credentials;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How to copy. Immutable; start from {@link #defaults()} and change with the {@code with*} methods.
 *
 * @param sourceCredentials explicit login for the source registry, or null to use the Docker config
 * @param destinationCredentials explicit login for the destination registry, or null
 * @param platform the platform to take from an image index; null (the default) when none was
 *     chosen: single-image reads take this machine's, image deltas then handle every platform
 * @param plainHttpHosts registry hosts (as {@code host} or {@code host:port}) allowed over plain
 *     HTTP besides localhost/127.0.0.1/[::1], which always are
 * @param tempParent where the run directory goes (default {@code java.io.tmpdir})
 * @param listener progress events
 * @param chunkSize blobs larger than this are uploaded in chunks of this size; 0 = always monolithic
 * @param gzipLevel level for compressing layers from archives or the daemon (1 fastest .. 9 smallest)
 * @param retry retry policy for registry requests
 * @param environment environment used to find DOCKER_CONFIG (tests pass their own)
 * @param home the home directory used to find ~/.docker/config.json
 * @param engine how to reach the Docker daemon (default: docker-java from DOCKER_HOST)
 * @param credentialProvider logins per registry host, consulted after the explicit ones and before
 *     the Docker config (default: none)
 * @param registryTimeouts how long a registry may keep us waiting (default: {@link
 *     RegistryTimeouts#DEFAULT}, changed by the {@code deltaimage.registry.*} system properties)
 */
public record CopyOptions(
    Credentials sourceCredentials,
    Credentials destinationCredentials,
    Platform platform,
    Set<String> plainHttpHosts,
    Path tempParent,
    CopyListener listener,
    long chunkSize,
    int gzipLevel,
    RegistryClient.RetryPolicy retry,
    Map<String, String> environment,
    Path home,
    Supplier<DockerEngine> engine,
    CredentialProvider credentialProvider,
    RegistryTimeouts registryTimeouts) {

  public CopyOptions {
    plainHttpHosts = Set.copyOf(plainHttpHosts);
    environment = Map.copyOf(environment);
    credentialProvider = credentialProvider == null ? CredentialProvider.NONE : credentialProvider;
    registryTimeouts = registryTimeouts == null ? RegistryTimeouts.DEFAULT : registryTimeouts;
  }

  public static CopyOptions defaults() {
    return new CopyOptions(
        null,
        null,
        null,
        Set.of(),
        Path.of(System.getProperty("java.io.tmpdir")),
        CopyListener.NONE,
        512L * 1024 * 1024,
        6,
        RegistryClient.RetryPolicy.fromSystemProperties(),
        System.getenv(),
        Path.of(System.getProperty("user.home")),
        io.github.deltaimage.transport.daemon.DockerJavaEngine::fromEnvironment,
        CredentialProvider.NONE,
        RegistryTimeouts.fromSystemProperties());
  }

  /** The platform to take from an image index: the one chosen, else this machine's. */
  public Platform platformOrMachine() {
    return platform != null ? platform : Platform.current();
  }

  /** Whether a platform was chosen (image deltas then make or restore that one platform only). */
  public boolean platformChosen() {
    return platform != null;
  }

  public CopyOptions withSourceCredentials(Credentials c) {
    return new CopyOptions(
        c,
        destinationCredentials,
        platform,
        plainHttpHosts,
        tempParent,
        listener,
        chunkSize,
        gzipLevel,
        retry,
        environment,
        home,
        engine,
        credentialProvider,
        registryTimeouts);
  }

  public CopyOptions withDestinationCredentials(Credentials c) {
    return new CopyOptions(
        sourceCredentials,
        c,
        platform,
        plainHttpHosts,
        tempParent,
        listener,
        chunkSize,
        gzipLevel,
        retry,
        environment,
        home,
        engine,
        credentialProvider,
        registryTimeouts);
  }

  public CopyOptions withPlatform(Platform p) {
    return new CopyOptions(
        sourceCredentials,
        destinationCredentials,
        p,
        plainHttpHosts,
        tempParent,
        listener,
        chunkSize,
        gzipLevel,
        retry,
        environment,
        home,
        engine,
        credentialProvider,
        registryTimeouts);
  }

  public CopyOptions withPlainHttpHosts(Set<String> hosts) {
    return new CopyOptions(
        sourceCredentials,
        destinationCredentials,
        platform,
        hosts,
        tempParent,
        listener,
        chunkSize,
        gzipLevel,
        retry,
        environment,
        home,
        engine,
        credentialProvider,
        registryTimeouts);
  }

  public CopyOptions withTempParent(Path p) {
    return new CopyOptions(
        sourceCredentials,
        destinationCredentials,
        platform,
        plainHttpHosts,
        p,
        listener,
        chunkSize,
        gzipLevel,
        retry,
        environment,
        home,
        engine,
        credentialProvider,
        registryTimeouts);
  }

  public CopyOptions withListener(CopyListener l) {
    return new CopyOptions(
        sourceCredentials,
        destinationCredentials,
        platform,
        plainHttpHosts,
        tempParent,
        l,
        chunkSize,
        gzipLevel,
        retry,
        environment,
        home,
        engine,
        credentialProvider,
        registryTimeouts);
  }

  public CopyOptions withChunkSize(long size) {
    return new CopyOptions(
        sourceCredentials,
        destinationCredentials,
        platform,
        plainHttpHosts,
        tempParent,
        listener,
        size,
        gzipLevel,
        retry,
        environment,
        home,
        engine,
        credentialProvider,
        registryTimeouts);
  }

  public CopyOptions withGzipLevel(int level) {
    return new CopyOptions(
        sourceCredentials,
        destinationCredentials,
        platform,
        plainHttpHosts,
        tempParent,
        listener,
        chunkSize,
        level,
        retry,
        environment,
        home,
        engine,
        credentialProvider,
        registryTimeouts);
  }

  public CopyOptions withRetry(RegistryClient.RetryPolicy r) {
    return new CopyOptions(
        sourceCredentials,
        destinationCredentials,
        platform,
        plainHttpHosts,
        tempParent,
        listener,
        chunkSize,
        gzipLevel,
        r,
        environment,
        home,
        engine,
        credentialProvider,
        registryTimeouts);
  }

  public CopyOptions withDockerConfigLookup(Map<String, String> env, Path homeDir) {
    return new CopyOptions(
        sourceCredentials,
        destinationCredentials,
        platform,
        plainHttpHosts,
        tempParent,
        listener,
        chunkSize,
        gzipLevel,
        retry,
        env,
        homeDir,
        engine,
        credentialProvider,
        registryTimeouts);
  }

  public CopyOptions withEngine(Supplier<DockerEngine> e) {
    return new CopyOptions(
        sourceCredentials,
        destinationCredentials,
        platform,
        plainHttpHosts,
        tempParent,
        listener,
        chunkSize,
        gzipLevel,
        retry,
        environment,
        home,
        e,
        credentialProvider,
        registryTimeouts);
  }

  public CopyOptions withCredentialProvider(CredentialProvider p) {
    return new CopyOptions(
        sourceCredentials,
        destinationCredentials,
        platform,
        plainHttpHosts,
        tempParent,
        listener,
        chunkSize,
        gzipLevel,
        retry,
        environment,
        home,
        engine,
        p,
        registryTimeouts);
  }

  public CopyOptions withRegistryTimeouts(RegistryTimeouts t) {
    return new CopyOptions(
        sourceCredentials,
        destinationCredentials,
        platform,
        plainHttpHosts,
        tempParent,
        listener,
        chunkSize,
        gzipLevel,
        retry,
        environment,
        home,
        engine,
        credentialProvider,
        t);
  }
}
