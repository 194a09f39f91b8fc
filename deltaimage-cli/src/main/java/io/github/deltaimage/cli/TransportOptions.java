package io.github.deltaimage.cli;

import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.api.RegistryTimeouts;
import io.github.deltaimage.api.RetryPolicy;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How images are reached: registry logins, platform, plain-HTTP registries. Shared by the image commands. */
final class TransportOptions {

  @Option(
      names = "--src-creds",
      paramLabel = "USER:PASSWORD",
      description =
          "Login for the registry images are read from (default: Docker config and its credential helpers).")
  String sourceCreds;

  @Option(
      names = "--dest-creds",
      paramLabel = "USER:PASSWORD",
      description =
          "Login for the registry the result is written to (default: Docker config and its credential helpers).")
  String destinationCreds;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description =
          "Platform to take from multi-platform images. Without it, image diff of two multi-platform images"
              + " makes a delta of every platform (into a registry or OCI layout) and apply restores them all;"
              + " copies, the daemon and docker-archives take this machine's.")
  String platform;

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST[:PORT]",
      description =
          "Allow plain HTTP to this registry (repeatable). localhost and 127.0.0.1 always use plain HTTP.")
  List<String> insecure = List.of();

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--registry-timeout",
      paramLabel = "DURATION",
      description =
          "Longest wait for a registry's answer and longest silence inside one (500ms, 30s, 5m; default 60s,"
              + " or -Ddeltaimage.registry.responseTimeout/readTimeout).")
  String registryTimeout;

  @Option(
      names = "--registry-retries",
      paramLabel = "N",
      description =
          "Tries per registry request, resumes per blob (default 5, or -Ddeltaimage.registry.retries).")
  Integer registryRetries;

  /** {@code base} with the registry and platform options given on the command line. */
  DeltaOptions applyTo(DeltaOptions base) {
    DeltaOptions.Builder options = base.toBuilder();
    if (sourceCreds != null) {
      options.sourceCredentials(Credentials.parse(sourceCreds, "--src-creds"));
    }
    if (destinationCreds != null) {
      options.destinationCredentials(Credentials.parse(destinationCreds, "--dest-creds"));
    }
    if (platform != null) {
      options.platform(Platform.parse(platform));
    }
    if (!insecure.isEmpty()) {
      options.plainHttpHosts(new HashSet<>(insecure));
    }
    if (registryTimeout != null) {
      Duration d = RegistryTimeouts.parseDuration(registryTimeout);
      if (d == null || d.isZero()) {
        throw new ParameterException(
            spec.commandLine(),
            "--registry-timeout " + registryTimeout
                + " is not a duration; write e.g. 500ms, 30s or 5m");
      }
      options.registryTimeouts(base.registryTimeouts().withResponse(d).withRead(d));
    }
    if (registryRetries != null) {
      if (registryRetries < 1 || registryRetries > 100) {
        throw new ParameterException(
            spec.commandLine(), "--registry-retries wants a number from 1 to 100");
      }
      RetryPolicy r = base.retry();
      options.retry(new RetryPolicy(registryRetries, r.firstDelay(), r.maxWait()));
    }
    return options.build();
  }
}
