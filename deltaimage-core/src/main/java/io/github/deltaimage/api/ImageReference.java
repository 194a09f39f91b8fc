package io.github.deltaimage.api;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Where an image is, in the containers-transports syntax that skopeo and podman use.
 *
 * <ul>
 *   <li>{@code docker://HOST/REPO:TAG} or {@code docker://HOST/REPO@sha256:...}: a registry;
 *   <li>{@code docker-daemon:REPO:TAG} or {@code docker-daemon:sha256:ID}: the Docker daemon at
 *       {@code DOCKER_HOST};
 *   <li>{@code oci:DIR[:TAG]}: an OCI image layout directory, the tag being its
 *       {@code org.opencontainers.image.ref.name};
 *   <li>{@code docker-archive:FILE[:REPO:TAG]}: a {@code docker save} tar ({@code :@N} picks the
 *       N-th image of a multi-image archive when reading).
 * </ul>
 *
 * <p><b>A bare name</b> ({@code NAME[:TAG]} or {@code NAME@DIGEST}, no transport) is a registry
 * reference, exactly what {@code docker pull NAME} would fetch: no host means Docker Hub, a
 * one-word name gets {@code library/}, no tag means {@code latest}. We chose this over "the daemon
 * if one runs" because a reference must mean the same thing on every machine; write
 * {@code docker-daemon:NAME} for the daemon. As in the containers syntax, a path or an archive
 * name may not contain {@code :}.
 */
public sealed interface ImageReference
    permits ImageReference.Registry,
        ImageReference.Daemon,
        ImageReference.OciLayout,
        ImageReference.DockerArchive {

  /** The transport name, as written before the first colon. */
  String transport();

  /** A registry image. */
  record Registry(DockerName name) implements ImageReference {
    @Override
    public String transport() {
      return "docker";
    }

    @Override
    public String toString() {
      return "docker://" + name;
    }
  }

  /** An image in the Docker daemon, by name (tag) or by image ID. */
  record Daemon(DockerName name, Digest imageId) implements ImageReference {
    @Override
    public String transport() {
      return "docker-daemon";
    }

    /** What to hand the Docker API: the familiar name with tag, or the ID. */
    public String engineReference() {
      return name != null ? name.familiarRepository() + ":" + name.tag() : imageId.toString();
    }

    @Override
    public String toString() {
      return "docker-daemon:" + engineReference();
    }
  }

  /** An image in an OCI image layout directory; tag null means "the only image there". */
  record OciLayout(Path directory, String tag) implements ImageReference {
    @Override
    public String transport() {
      return "oci";
    }

    @Override
    public String toString() {
      return "oci:" + directory + (tag != null ? ":" + tag : "");
    }
  }

  /**
   * An image in a docker-archive tar. {@code name} (with tag) is what to pick when reading and the
   * RepoTags entry when writing; {@code index} picks the N-th image when reading ({@code :@N}).
   */
  record DockerArchive(Path file, DockerName name, int index) implements ImageReference {
    @Override
    public String transport() {
      return "docker-archive";
    }

    @Override
    public String toString() {
      String suffix = name != null
          ? ":" + name.familiarRepository() + ":" + name.tag()
          : index >= 0 ? ":@" + index : "";
      return "docker-archive:" + file + suffix;
    }
  }

  /** Transports of the containers syntax that deltaimage does not implement, for a precise message. */
  Set<String> OTHER_KNOWN_TRANSPORTS = Set.of(
      "dir", "containers-storage", "oci-archive", "ostree", "sif", "tarball", "docker-tarball");

  /** Parses {@code text}; every malformed input gets one {@link InvalidInputException} line. */
  static ImageReference parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(
          "empty image reference; want e.g. docker://HOST/REPO:TAG, docker-daemon:REPO:TAG, oci:DIR[:TAG] or docker-archive:FILE[:REPO:TAG]");
    }
    // before anything that quotes the text back: a login in it must not be repeated
    int scheme = text.indexOf("://");
    if (scheme >= 0) {
      DockerName.refuseLogin(text.substring(scheme + 3), text.substring(0, scheme + 3));
    } else if (!text.startsWith("docker-daemon:")
        && !text.startsWith("oci:")
        && !text.startsWith("docker-archive:")) {
      // those three check their name part themselves; an archive's ":@N" is no login
      DockerName.refuseLogin(text, "image");
    }
    if (text.startsWith("docker://")) {
      DockerName n = DockerName.parse(text.substring("docker://".length()), "docker://");
      return new Registry(n);
    }
    int colon = text.indexOf(':');
    String prefix = colon > 0 ? text.substring(0, colon) : "";
    String rest = colon > 0 ? text.substring(colon + 1) : "";
    switch (prefix) {
      case "docker":
        throw new InvalidInputException("malformed reference '" + text
            + "': the registry transport is written docker://HOST/REPO:TAG");
      case "docker-daemon":
        return daemon(rest, text);
      case "oci":
        return oci(rest, text);
      case "docker-archive":
        return archive(rest, text);
      default:
        break;
    }
    if (OTHER_KNOWN_TRANSPORTS.contains(prefix)) {
      throw new InvalidInputException("transport '" + prefix
          + "' is not supported; use docker://, docker-daemon:, oci: or docker-archive:");
    }
    if (text.contains("://")) {
      throw new InvalidInputException("unknown transport '" + text.substring(0, text.indexOf("://"))
          + "://' in '" + text + "'; use docker://, docker-daemon:, oci: or docker-archive:");
    }
    try {
      return new Registry(DockerName.parse(text, "image"));
    } catch (InvalidInputException e) {
      if (!prefix.isEmpty()
          && prefix.matches("[a-z][a-z0-9-]*")
          && !rest.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
        throw new InvalidInputException("unknown transport '" + prefix + "' in '" + text
            + "'; use docker://, docker-daemon:, oci: or docker-archive:");
      }
      throw e;
    }
  }

  private static ImageReference daemon(String rest, String text) {
    if (rest.isEmpty()) {
      throw new InvalidInputException("malformed reference '" + text
          + "': want docker-daemon:REPO:TAG or docker-daemon:sha256:ID");
    }
    if (rest.toLowerCase(Locale.ROOT).startsWith("sha256:")) {
      return new Daemon(null, Digest.parse(rest));
    }
    DockerName n = DockerName.parse(rest, "docker-daemon:");
    if (n.digest() != null) {
      throw new InvalidInputException(
          "malformed reference '" + text
              + "': the daemon transport takes a tag or an image ID (docker-daemon:sha256:ID), not a manifest digest");
    }
    return new Daemon(n, null);
  }

  private static ImageReference oci(String rest, String text) {
    int c = rest.indexOf(':');
    String dir = c < 0 ? rest : rest.substring(0, c);
    String tag = c < 0 ? null : rest.substring(c + 1);
    if (dir.isEmpty()) {
      throw new InvalidInputException("malformed reference '" + text + "': want oci:DIR[:TAG]");
    }
    if (tag != null && (tag.isEmpty() || !tag.matches("[A-Za-z0-9_.:/@+-]+"))) {
      throw new InvalidInputException(
          "malformed reference '" + text + "': '" + tag + "' is not a valid OCI ref name");
    }
    return new OciLayout(Path.of(dir), tag);
  }

  private static ImageReference archive(String rest, String text) {
    int c = rest.indexOf(':');
    String file = c < 0 ? rest : rest.substring(0, c);
    String ref = c < 0 ? null : rest.substring(c + 1);
    if (file.isEmpty()) {
      throw new InvalidInputException(
          "malformed reference '" + text + "': want docker-archive:FILE[:REPO:TAG]");
    }
    if (ref == null) {
      return new DockerArchive(Path.of(file), null, -1);
    }
    if (ref.startsWith("@")) {
      try {
        return new DockerArchive(Path.of(file), null, Integer.parseInt(ref.substring(1)));
      } catch (NumberFormatException e) {
        throw new InvalidInputException(
            "malformed reference '" + text + "': ':@N' wants an image number");
      }
    }
    DockerName n = DockerName.parse(ref, "docker-archive:");
    if (n.digest() != null) {
      throw new InvalidInputException(
          "malformed reference '" + text + "': a docker-archive name takes a tag, not a digest");
    }
    return new DockerArchive(Path.of(file), n, -1);
  }
}
