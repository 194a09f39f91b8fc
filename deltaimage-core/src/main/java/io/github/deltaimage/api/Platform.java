package io.github.deltaimage.api;

import java.util.Locale;

/**
 * An OS/architecture pair with optional variant, as in {@code linux/amd64} or {@code linux/arm64/v8}.
 * Images are Linux images, so the machine's platform is {@code linux/<the JVM's architecture>}
 * even on other hosts, the way Docker Desktop picks it.
 */
public record Platform(String os, String architecture, String variant) {
  /** A missing variant is the empty one. */
  public Platform {
    variant = variant == null ? "" : variant;
  }

  /** Parses {@code OS/ARCH[/VARIANT]}. */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new InvalidInputException(
          "not a platform (want OS/ARCH[/VARIANT], e.g. linux/amd64): " + text);
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
  }

  /** The platform of the machine we run on, in Go's (and so OCI's) architecture names. */
  public static Platform current() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    switch (arch) {
      case "x86_64":
      case "amd64":
        return new Platform("linux", "amd64", "");
      case "aarch64":
      case "arm64":
        return new Platform("linux", "arm64", "");
      case "arm":
        return new Platform("linux", "arm", "v7");
      case "x86":
      case "i386":
      case "i686":
        return new Platform("linux", "386", "");
      default:
        return new Platform("linux", arch, "");
    }
  }

  /**
   * Whether an image built for {@code offered} satisfies this request. A request without variant
   * takes any variant; arm64's only variant v8 counts as no variant.
   */
  public boolean accepts(Platform offered) {
    if (!os.equals(offered.os) || !architecture.equals(offered.architecture)) {
      return false;
    }
    String wanted = normalVariant();
    return wanted.isEmpty() || wanted.equals(offered.normalVariant());
  }

  /**
   * Whether two platforms name the same thing (arm64's v8 being no variant): how the platforms of
   * two indexes are matched, stricter than {@link #accepts}.
   */
  public boolean sameAs(Platform other) {
    return os.equals(other.os)
        && architecture.equals(other.architecture)
        && normalVariant().equals(other.normalVariant());
  }

  private String normalVariant() {
    return "arm64".equals(architecture) && "v8".equals(variant) ? "" : variant;
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
  }
}
