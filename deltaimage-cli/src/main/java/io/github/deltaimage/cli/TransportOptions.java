package io.github.deltaimage.cli;

import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.image.Platform;
import io.github.deltaimage.transport.registry.credentials.Credentials;
import java.util.HashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** How images are reached: registry logins, platform, plain-HTTP registries. Shared by the image commands. */
final class TransportOptions {

  @Option(names = "--src-creds", paramLabel = "USER:PASSWORD", description = "Login for the registry images are read from (default: Docker config and its credential helpers).")
  String sourceCreds;

  @Option(names = "--dest-creds", paramLabel = "USER:PASSWORD", description = "Login for the registry the result is written to (default: Docker config and its credential helpers).")
  String destinationCreds;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Platform to take from multi-platform images (default: this machine's).")
  String platform;

  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "Allow plain HTTP to this registry (repeatable). localhost and 127.0.0.1 always use plain HTTP.")
  List<String> insecure = List.of();

  CopyOptions toCopyOptions() {
    CopyOptions options = CopyOptions.defaults();
    if (sourceCreds != null) {
      options = options.withSourceCredentials(Credentials.parse(sourceCreds, "--src-creds"));
    }
    if (destinationCreds != null) {
      options = options.withDestinationCredentials(Credentials.parse(destinationCreds, "--dest-creds"));
    }
    if (platform != null) {
      options = options.withPlatform(Platform.parse(platform));
    }
    if (!insecure.isEmpty()) {
      options = options.withPlainHttpHosts(new HashSet<>(insecure));
    }
    return options;
  }
}
