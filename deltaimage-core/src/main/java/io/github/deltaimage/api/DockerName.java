package io.github.deltaimage.api;

import java.util.regex.Pattern;

/**
 * A Docker-style image name, {@code [HOST[:PORT]/]PATH[:TAG][@DIGEST]}, normalised the way
 * {@code docker pull} normalises it: no host means Docker Hub ({@code docker.io}), a one-part
 * Docker Hub path gets {@code library/}, and no tag and no digest means tag {@code latest}.
 *
 * @param domain registry host (and port), e.g. {@code docker.io} or {@code 127.0.0.1:5000}
 * @param path repository path inside the registry, e.g. {@code library/debian}
 * @param tag the tag, or null when only a digest was given
 * @param digest the manifest digest, or null
 */
public record DockerName(String domain, String path, String tag, Digest digest) {
  /** Docker Hub's canonical name in references. */
  public static final String DOCKER_HUB = "docker.io";

  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DOMAIN = Pattern.compile(
      "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?");

  /** Parses and normalises {@code text}; {@code transport} names the syntax in error messages. */
  public static DockerName parse(String text, String transport) {
    if (text == null || text.isEmpty()) {
      throw new InvalidInputException(
          transport + " reference is empty; want NAME[:TAG] or NAME@sha256:DIGEST");
    }
    refuseLogin(text, transport);
    String rest = text;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      String d = rest.substring(at + 1);
      try {
        digest = Digest.parse(d);
      } catch (InvalidInputException e) {
        // what precedes '@' is not repeated: it might be a login after all
        throw new InvalidInputException("malformed " + transport + " reference: '" + d
            + "' after '@' is not a digest (want sha256:<64 hex digits>)");
      }
      rest = rest.substring(0, at);
    }
    String tag = null;
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new InvalidInputException(
            "malformed reference '" + text + "': tag '" + tag + "' is not a valid tag");
      }
    }
    String domain;
    String path;
    int first = rest.indexOf('/');
    String head = first < 0 ? "" : rest.substring(0, first);
    if (first >= 0
        && (head.contains(".")
            || head.contains(":")
            || head.equals("localhost")
            || !head.equals(head.toLowerCase()))) {
      domain = head;
      path = rest.substring(first + 1);
      if (!DOMAIN.matcher(domain).matches()) {
        throw new InvalidInputException(
            "malformed reference '" + text + "': '" + domain + "' is not a registry host");
      }
    } else {
      domain = DOCKER_HUB;
      path = rest;
    }
    if ("index.docker.io".equals(domain)) {
      domain = DOCKER_HUB;
    }
    if (path.isEmpty()) {
      throw new InvalidInputException("malformed reference '" + text + "': no repository name");
    }
    for (String component : path.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        String why = component.equals(component.toLowerCase())
            ? "is not a valid name component"
            : "must be lowercase";
        throw new InvalidInputException(
            "malformed reference '" + text + "': repository part '" + component + "' " + why);
      }
    }
    if (DOCKER_HUB.equals(domain) && !path.contains("/")) {
      path = "library/" + path;
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new DockerName(domain, path, tag, digest);
  }

  /** What follows '@' in a reference when it names a digest: {@code ALGORITHM:ENCODED}. */
  private static final Pattern DIGEST_SHAPE =
      Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+");

  /**
   * Refuses {@code USER:PASSWORD@HOST/...}: a login written into a reference (as in a URL). In an
   * image reference '@' introduces a digest, so '@' followed by a path, or by something that is no
   * digest after a part without '/', is a login. The message repeats none of it: the reference may
   * be in a shell history already, it need not be in a build log too.
   */
  public static void refuseLogin(String text, String transport) {
    int at = text.indexOf('@');
    if (at < 0) {
      return;
    }
    String before = text.substring(0, at);
    String after = text.substring(at + 1);
    String separately =
        "give a login separately (--src-creds/--dest-creds, the Maven pullUsername/pullPassword or pushUsername/pushPassword,"
            + " or docker login)";
    if (after.contains("/")) {
      throw new InvalidInputException("the " + transport
          + " reference holds a login (USER:PASSWORD@ before the host), which deltaimage refuses"
          + " and does not repeat here; " + separately
          + ", and change that password if the reference was shared");
    }
    if (!before.contains("/") && !DIGEST_SHAPE.matcher(after).matches()) {
      throw new InvalidInputException("the " + transport
          + " reference has '@' followed by no digest (want NAME@sha256:<64 hex digits>); if it is a"
          + " login (USER:PASSWORD@HOST), deltaimage refuses logins in references and does not repeat them: "
          + separately);
    }
  }

  /** {@code domain/path}, the fully qualified repository. */
  public String repository() {
    return domain + "/" + path;
  }

  /** The name the way {@code docker images} shows it: Docker Hub host and {@code library/} dropped. */
  public String familiarRepository() {
    if (!DOCKER_HUB.equals(domain)) {
      return repository();
    }
    return path.startsWith("library/") && path.indexOf('/', 8) < 0 ? path.substring(8) : path;
  }

  /** The tag or digest to ask a registry for; the digest when both are given, as Docker does. */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  /** This name with {@code newTag} and no digest. */
  public DockerName withoutDigest(String newTag) {
    return new DockerName(domain, path, newTag, null);
  }

  @Override
  public String toString() {
    return repository() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
