package io.github.deltaimage.maven;

import io.github.deltaimage.reference.DockerName;
import io.github.deltaimage.reference.ImageReference;
import java.nio.file.Path;

/**
 * Where {@code diff} writes the delta when {@code <delta>} is not set: next to the target, in the
 * same transport, under the target's tag with {@code -delta} appended. So
 * {@code registry.example.com/app:1.1} gives {@code registry.example.com/app:1.1-delta},
 * {@code docker-daemon:app:1.1} gives {@code docker-daemon:app:1.1-delta}, {@code oci:DIR:1.1} gives
 * {@code oci:DIR:1.1-delta} (same layout, another tag) and {@code docker-archive:app.tar} gives
 * {@code docker-archive:app-delta.tar}. A target named only by digest or image ID has no tag to
 * extend: the tag is then {@code delta}.
 */
final class DefaultDelta {
  static final String SUFFIX = "-delta";

  private DefaultDelta() {}

  static String forTarget(ImageReference target) {
    if (target instanceof ImageReference.Registry r) {
      return new ImageReference.Registry(deltaName(r.name())).toString();
    }
    if (target instanceof ImageReference.Daemon d) {
      if (d.name() == null) {
        // An image ID names no repository to put the delta in.
        return null;
      }
      return new ImageReference.Daemon(deltaName(d.name()), null).toString();
    }
    if (target instanceof ImageReference.OciLayout o) {
      return new ImageReference.OciLayout(o.directory(), o.tag() == null ? "delta" : o.tag() + SUFFIX).toString();
    }
    ImageReference.DockerArchive a = (ImageReference.DockerArchive) target;
    String file = a.file().getFileName().toString();
    int dot = file.endsWith(".tar.gz") ? file.length() - 7 : file.lastIndexOf('.');
    String deltaFile = dot > 0 ? file.substring(0, dot) + SUFFIX + file.substring(dot) : file + SUFFIX;
    Path sibling = a.file().resolveSibling(deltaFile);
    return new ImageReference.DockerArchive(sibling, a.name() == null ? null : deltaName(a.name()), -1).toString();
  }

  private static DockerName deltaName(DockerName name) {
    return name.withoutDigest(name.tag() == null ? "delta" : name.tag() + SUFFIX);
  }
}
