package io.github.deltaimage.cli;

import io.github.deltaimage.copy.CopyResult;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.event.CopyEvent;
import io.github.deltaimage.event.CopyListener;
import io.github.deltaimage.transport.CopyOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code deltaimage copy SRC DST}: one image between any two transports. */
@Command(
    name = "copy",
    mixinStandardHelpOptions = true,
    description = {
      "Copy an image between a registry, the Docker daemon, an OCI layout and a docker-archive file.",
      "References: docker://HOST/REPO:TAG (or @sha256:...), docker-daemon:REPO:TAG, oci:DIR[:TAG],"
          + " docker-archive:FILE[:REPO:TAG]. A bare NAME[:TAG] is a registry image, as docker pull reads it.",
      "The image ID and diff_ids are always kept; registry and OCI sources to a registry keep the manifest digest."
    })
final class CopyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SRC", description = "Image to read.")
  String source;

  @Parameters(index = "1", paramLabel = "DST", description = "Where to write it.")
  String destination;

  @Mixin
  TransportOptions transport;

  @Option(
      names = "--tmp-dir",
      paramLabel = "DIR",
      description = "Where temporary files go (default: java.io.tmpdir).")
  Path tmpDir;

  @Option(
      names = "--gzip-level",
      paramLabel = "N",
      description =
          "gzip level for layers compressed on the way, 1 (fast) to 9 (small); default 6.")
  Integer gzipLevel;

  @Option(
      names = "--chunk-size",
      paramLabel = "BYTES",
      description =
          "Upload blobs larger than this in chunks of this size (default 512 MiB; 0 = never).")
  Long chunkSize;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress output, even on a terminal.")
  boolean quiet;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CopyOptions options = transport.toCopyOptions();
    if (tmpDir != null) {
      options = options.withTempParent(tmpDir);
    }
    if (gzipLevel != null) {
      options = options.withGzipLevel(gzipLevel);
    }
    if (chunkSize != null) {
      options = options.withChunkSize(chunkSize);
    }
    PrintWriter err = spec.commandLine().getErr();
    boolean terminal = System.console() != null && !quiet;
    if (terminal) {
      options = options.withListener(new TerminalProgress(err));
    }
    CopyResult r = ImageCopy.copy(source, destination, options);
    if (terminal) {
      err.print("\r\033[K");
      err.flush();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "copied %s -> %s: image %s%s, %d layers, %.1f MB read in %.1f s%n",
        source,
        destination,
        r.imageId(),
        r.manifestDigest().map(d -> ", manifest " + d).orElse(""),
        r.diffIds().size(),
        r.bytesMoved() / 1e6,
        r.elapsed().toMillis() / 1000.0);
    out.flush();
    return 0;
  }

  /** One status line, rewritten in place: which blob moves and how far it is. */
  static final class TerminalProgress implements CopyListener {
    private final PrintWriter err;
    /** "layer tar" while a tar moves to the daemon or an archive, else "blob". */
    private String noun = "blob";

    TerminalProgress(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void onEvent(CopyEvent e) {
      String line;
      if (e instanceof CopyEvent.BlobStarted s) {
        noun = "layer tar".equals(s.kind()) ? "layer tar" : "blob";
        line = s.kind() + " " + s.digest().shortHex() + " ...";
      } else if (e instanceof CopyEvent.BlobProgress p) {
        line = noun + " " + p.digest().shortHex() + "  " + mb(p.done())
            + (p.size() > 0 ? " / " + mb(p.size()) : "");
      } else if (e instanceof CopyEvent.BlobSkipped s) {
        line = noun + " " + s.digest().shortHex() + "  " + s.reason();
      } else if (e instanceof CopyEvent.BlobDone d) {
        line = noun + " " + d.digest().shortHex() + "  done";
      } else {
        return;
      }
      err.print("\r\033[K" + line);
      err.flush();
    }

    private static String mb(long bytes) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
  }
}
