package io.github.deltaimage.cli;

import static io.github.deltaimage.cli.Docker.docker;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.testing.TreeSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image's files as {@code docker export} of a created (never started) container gives them: the
 * original deltaimage's test compares the {@code tar -tvv} listing (names, modes, owners, sizes,
 * mtimes); we also extract it and compare {@link TreeSnapshot}s (content hashes, xattrs, hard links,
 * nanosecond mtimes).
 *
 * <p>Creating the container adds what Docker puts into every container; those entries are left out,
 * and the mtimes of the folders they land in are masked when Docker's creating them just set them.
 */
record ImageContent(List<String> listing, List<String> snapshot) {

  // Docker's init layer: placeholder files for its bind mounts and /.dockerenv.
  private static final Set<String> INJECTED = Set.of(
      ".dockerenv",
      "dev/console",
      "dev/pts",
      "dev/shm",
      "etc/hostname",
      "etc/hosts",
      "etc/resolv.conf",
      "etc/mtab");
  // Folders the init layer may create, or touch by creating files in them.
  private static final Set<String> TOUCHED = Set.of("dev", "etc", "proc", "sys");
  private static final Pattern LISTING = Pattern.compile(
      "(\\S+ +\\S+ +\\S+) (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) (.*?)(?: -> .*| link to .*)?");
  private static final Pattern SNAPSHOT_MTIME = Pattern.compile(" mtime=(\\S+)");

  static ImageContent of(String image, Path work) throws IOException {
    String container =
        docker("create", "--network=none", image, "/deltaimage-test-never-runs").strip();
    Path tar = Files.createTempFile(work, "export-", ".tar");
    Instant created;
    try {
      created = Instant.parse(docker("inspect", "-f", "{{.Created}}", container).strip());
      docker("export", "-o", tar.toString(), container);
    } finally {
      Docker.exec(List.of(Docker.CLI, "rm", "-f", container), null, null);
    }
    // Changes made when the container was created are not older than this.
    Instant touchedSince = created.minusSeconds(2);
    try {
      Docker.Result listed = Docker.exec(
          List.of("tar", "-tvv", "--numeric-owner", "--full-time", "-f", tar.toString()),
          null,
          null);
      assertThat(listed.exit()).as("tar -tvv of %s: %s", image, listed.err()).isZero();
      List<String> listing = new ArrayList<>();
      for (String line : listed.out().split("\n")) {
        Matcher m = LISTING.matcher(line);
        assertThat(m.matches()).as("tar listing line %s", line).isTrue();
        String name = m.group(3).replaceAll("/$", "");
        if (INJECTED.contains(name)) {
          continue;
        }
        Instant mtime = LocalDateTime.parse(
                m.group(2), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))
            .toInstant(ZoneOffset.UTC);
        listing.add(
            TOUCHED.contains(name) && !mtime.isBefore(touchedSince)
                ? line.replace(m.group(2), "(set by docker create)")
                : line);
      }
      listing.sort(null);

      Path tree = Files.createTempDirectory(work, "export-");
      Docker.Result extracted = Docker.exec(
          List.of(
              "tar",
              "-x",
              "-p",
              "--numeric-owner",
              "--same-owner",
              "--xattrs",
              "--xattrs-include=*",
              "-f",
              tar.toString(),
              "-C",
              tree.toString()),
          null,
          null);
      assertThat(extracted.exit())
          .as("extracting the export of %s: %s", image, extracted.err())
          .isZero();
      List<String> snapshot = new ArrayList<>();
      for (String line : TreeSnapshot.of(tree)) {
        String name = line.substring(0, line.indexOf(' '));
        if (name.equals(".") || INJECTED.contains(name)) {
          continue;
        }
        Matcher m = SNAPSHOT_MTIME.matcher(line);
        if (TOUCHED.contains(name)
            && m.find()
            && !Instant.parse(m.group(1)).isBefore(touchedSince)) {
          line = line.replace(m.group(0), " mtime=(set by docker create)");
        }
        snapshot.add(line);
      }
      Docker.exec(List.of("rm", "-rf", tree.toString()), null, null);
      return new ImageContent(listing, snapshot);
    } finally {
      Files.deleteIfExists(tar);
    }
  }
}
