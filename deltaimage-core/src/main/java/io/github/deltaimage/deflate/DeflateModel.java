package io.github.deltaimage.deflate;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * A compressor that some real tool runs, at one setting, reproduced byte for byte: what it writes
 * for the same input is what {@link #newDeflateStream} writes. Stored as text ({@link #toString()},
 * {@link #parse}) e.g. {@code go-flate:6}.
 *
 * @param family the compressor's algorithm
 * @param level its compression level, 1 to 9
 */
public record DeflateModel(Family family, int level) {

  /** The compressors modelled. */
  public enum Family {
    /**
     * Go's standard compress/flate before Go 1.27 (Go 1.27 adopted klauspost's), what {@code docker
     * push}, crane and ko write.
     */
    GO_FLATE("go-flate"),
    /**
     * klauspost's pgzip (1.2) over klauspost's flate (compress 1.15), default 1 MiB blocks: what
     * skopeo, podman and buildah write. Only level 5, their default, is modelled.
     */
    PGZIP("pgzip"),
    /** GNU gzip 1.x compressing a regular file ({@code gzip -9n} makes Debian's .gz files). */
    GNU_GZIP("gnu-gzip"),
    /**
     * zlib 1.2.x with its default settings, fed input then Z_FINISH: what java.util.zip writes on
     * platforms whose zlib is zlib (Jib's layers, for one).
     */
    ZLIB("zlib");

    private final String id;

    Family(String id) {
      this.id = id;
    }

    /** The name used in {@link DeflateModel#toString()}. */
    public String id() {
      return id;
    }

    static Family byId(String id) {
      for (Family f : values()) {
        if (f.id.equals(id)) {
          return f;
        }
      }
      throw new IllegalArgumentException("unknown deflate model family '" + id + "'");
    }
  }

  public DeflateModel {
    if (family == null) {
      throw new IllegalArgumentException("family is required");
    }
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("deflate level must be 1..9, got " + level);
    }
    if (family == Family.PGZIP && level != 5) {
      throw new IllegalArgumentException("pgzip is modelled at level 5 only, got " + level);
    }
  }

  /**
   * A raw deflate (RFC 1951) stream onto {@code out}; {@link OutputStream#close()} ends the stream
   * and closes {@code out}.
   */
  public OutputStream newDeflateStream(OutputStream out) {
    return switch (family) {
      case GO_FLATE -> new GoFlateOutputStream(out, level);
      case PGZIP -> new PgzipOutputStream(out, level, PgzipOutputStream.DEFAULT_BLOCK_SIZE);
      case GNU_GZIP -> new GnuGzipOutputStream(out, level);
      case ZLIB -> new ZlibOutputStream(out, level);
    };
  }

  /** Ends a stream from {@link #newDeflateStream} without closing what it writes to. */
  static void finish(OutputStream deflateStream) throws IOException {
    if (deflateStream instanceof GoFlateOutputStream go) {
      go.finish();
    } else if (deflateStream instanceof PgzipOutputStream pgzip) {
      pgzip.finish();
    } else if (deflateStream instanceof GnuGzipOutputStream gnu) {
      gnu.finish();
    } else if (deflateStream instanceof ZlibOutputStream zlib) {
      zlib.finish();
    } else {
      throw new IllegalArgumentException("not a model stream: " + deflateStream.getClass());
    }
  }

  /** Parses {@link #toString()}'s form, e.g. {@code go-flate:6}. */
  public static DeflateModel parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("deflate model '" + text + "' is not FAMILY:LEVEL");
    }
    try {
      return new DeflateModel(
          Family.byId(text.substring(0, colon).toLowerCase(Locale.ROOT)),
          Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("deflate model '" + text + "' has no numeric level", e);
    }
  }

  @Override
  public String toString() {
    return family.id + ":" + level;
  }
}
