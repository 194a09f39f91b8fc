package io.github.deltaimage.transport;

import io.github.deltaimage.api.CopyEvent;
import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Descriptor;
import io.github.deltaimage.image.ImageIndex;
import io.github.deltaimage.transport.archive.DockerArchiveSink;
import io.github.deltaimage.transport.archive.DockerArchiveSource;
import io.github.deltaimage.transport.daemon.DaemonSink;
import io.github.deltaimage.transport.daemon.DaemonSource;
import io.github.deltaimage.transport.daemon.DockerEngine;
import io.github.deltaimage.transport.oci.OciLayoutSink;
import io.github.deltaimage.transport.oci.OciLayoutSource;
import io.github.deltaimage.transport.registry.RegistryClient;
import io.github.deltaimage.transport.registry.RegistrySink;
import io.github.deltaimage.transport.registry.RegistrySource;
import io.github.deltaimage.transport.registry.credentials.CredentialResolver;
import java.util.Optional;

/**
 * Opens the source or sink a reference names. Owns the Docker engine it creates (one per copy,
 * created only when a daemon reference is used) and closes it.
 */
public final class Transports implements AutoCloseable {
  private final CopyOptions options;
  private final RunDirectory run;
  private DockerEngine engine;

  public Transports(CopyOptions options, RunDirectory run) {
    this.options = options;
    this.run = run;
  }

  /** The image {@code ref} names; from an index, the chosen platform's (else this machine's). */
  public ImageSource openSource(ImageReference ref) {
    return openSource(ref, options.platformOrMachine());
  }

  /** The image {@code ref} names; from an index, {@code platform}'s. */
  public ImageSource openSource(ImageReference ref, Platform platform) {
    if (ref instanceof ImageReference.Registry r) {
      return new RegistrySource(
          r, client(r.name().domain(), options.sourceCredentials()), platform);
    }
    if (ref instanceof ImageReference.OciLayout o) {
      return new OciLayoutSource(o, platform);
    }
    if (ref instanceof ImageReference.DockerArchive a) {
      return new DockerArchiveSource(a.file(), a.name(), a.index(), a.toString());
    }
    return new DaemonSource((ImageReference.Daemon) ref, engine(), run);
  }

  /** The image index {@code ref} names; empty when it names one image, or a place that holds one image only. */
  public Optional<ImageIndex> readIndex(ImageReference ref) {
    if (ref instanceof ImageReference.Registry r) {
      return RegistrySource.readIndex(r, client(r.name().domain(), options.sourceCredentials()));
    }
    if (ref instanceof ImageReference.OciLayout o) {
      return OciLayoutSource.readIndex(o);
    }
    return Optional.empty();
  }

  /** Whether {@code ref} names a place that can hold an image index (a registry, an OCI layout), not one image only. */
  public static boolean holdsIndexes(ImageReference ref) {
    return ref instanceof ImageReference.Registry || ref instanceof ImageReference.OciLayout;
  }

  /** The image {@code manifest}, an entry of the index {@code ref} names (see {@link #readIndex}). */
  public ImageSource openManifest(ImageReference ref, Descriptor manifest) {
    if (ref instanceof ImageReference.Registry r) {
      return new RegistrySource(
          r, client(r.name().domain(), options.sourceCredentials()), manifest);
    }
    if (ref instanceof ImageReference.OciLayout o) {
      return new OciLayoutSource(o, manifest);
    }
    throw new IllegalArgumentException(ref + " holds no image index");
  }

  public ImageSink openSink(ImageReference ref) {
    if (ref instanceof ImageReference.Registry r) {
      return new RegistrySink(
          r, client(r.name().domain(), options.destinationCredentials()), options.chunkSize());
    }
    if (ref instanceof ImageReference.OciLayout o) {
      return new OciLayoutSink(o);
    }
    if (ref instanceof ImageReference.DockerArchive a) {
      return new DockerArchiveSink(a);
    }
    return new DaemonSink((ImageReference.Daemon) ref, engine(), run);
  }

  /** The tags of the repository {@code ref} names, with the source credentials; what "the last N tags" is chosen from. */
  public java.util.List<String> listTags(ImageReference.Registry ref) {
    return client(ref.name().domain(), options.sourceCredentials())
        .listTags(ref.name().path(), ref.toString());
  }

  private RegistryClient client(String host, Credentials explicit) {
    CredentialResolver resolver = new CredentialResolver(
            explicit, options.credentialProvider(), options.environment(), options.home())
        .observedBy((registry, lookup) -> options
            .listener()
            .onEvent(new CopyEvent.CredentialsChosen(
                registry,
                lookup.credentials().map(Credentials::describe).orElse("none"),
                lookup.tried())));
    return new RegistryClient(
        host, resolver, options.plainHttpHosts(), options.retry(), options.registryTimeouts());
  }

  private DockerEngine engine() {
    if (engine == null) {
      engine = options.engine().get();
    }
    return engine;
  }

  @Override
  public void close() {
    if (engine != null) {
      engine.close();
    }
  }
}
