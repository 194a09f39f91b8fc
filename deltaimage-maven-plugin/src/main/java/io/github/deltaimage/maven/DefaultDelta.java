package io.github.deltaimage.maven;

import io.github.deltaimage.api.DockerName;
import io.github.deltaimage.api.ImageReference;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where {@code diff} writes the delta when {@code <delta>} is not set, next to the target in the
 * same transport. Two namings ({@code <deltaNaming>}):
 *
 * <ul>
 *   <li>{@code repository} (the default): a sibling repository with the target's tag,
 *       {@code registry.example.com/app:1.1} gives {@code registry.example.com/app-delta:1.1}. The
 *       release repository's tag list stays releases only: tag automation (Renovate, Flux and Argo
 *       image policies, "newest semver tag" scripts) never sees a delta, and {@code 1.1-delta}, which
 *       semver reads as a pre-release of 1.1, cannot be picked by a range such as {@code >=1.0.0-0}.
 *       The registry still stores the source's layers once: they are mounted across repositories.
 *   <li>{@code tag}: the target's repository, its tag with {@code -delta} appended,
 *       {@code registry.example.com/app:1.1-delta}.
 * </ul>
 *
 * Both namings put an OCI layout's delta in the same layout under the tag {@code 1.1-delta} (blobs are
 * shared only within a layout; no tag automation reads one), and a {@code docker-archive:app.tar}'s
 * into the sibling file {@code app-delta.tar}. A target named only by digest has no tag to keep or
 * extend: the tag is then {@code delta}.
 */
final class DefaultDelta {
  static final String SUFFIX = "-delta";

  /** How the default delta is named. */
  enum Naming {
    REPOSITORY,
    TAG;

    static Naming parse(String text) {
      for (Naming n : values()) {
        if (n.name().equalsIgnoreCase(text.trim())) {
          return n;
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private DefaultDelta() {}

  static String forTarget(ImageReference target) {
    return forTarget(target, Naming.REPOSITORY);
  }

  static String forTarget(ImageReference target, Naming naming) {
    if (target instanceof ImageReference.Registry r) {
      return new ImageReference.Registry(deltaName(r.name(), naming)).toString();
    }
    if (target instanceof ImageReference.Daemon d) {
      if (d.name() == null) {
        // An image ID names no repository to put the delta in.
        return null;
      }
      return new ImageReference.Daemon(deltaName(d.name(), naming), null).toString();
    }
    if (target instanceof ImageReference.OciLayout o) {
      return new ImageReference.OciLayout(
              o.directory(), o.tag() == null ? "delta" : o.tag() + SUFFIX)
          .toString();
    }
    ImageReference.DockerArchive a = (ImageReference.DockerArchive) target;
    String file = a.file().getFileName().toString();
    int dot = file.endsWith(".tar.gz") ? file.length() - 7 : file.lastIndexOf('.');
    String deltaFile =
        dot > 0 ? file.substring(0, dot) + SUFFIX + file.substring(dot) : file + SUFFIX;
    Path sibling = a.file().resolveSibling(deltaFile);
    return new ImageReference.DockerArchive(
            sibling, a.name() == null ? null : deltaName(a.name(), naming), -1)
        .toString();
  }

  private static DockerName deltaName(DockerName name, Naming naming) {
    if (naming == Naming.TAG) {
      return name.withoutDigest(name.tag() == null ? "delta" : name.tag() + SUFFIX);
    }
    return new DockerName(
        name.domain(), name.path() + SUFFIX, name.tag() == null ? "delta" : name.tag(), null);
  }
}
