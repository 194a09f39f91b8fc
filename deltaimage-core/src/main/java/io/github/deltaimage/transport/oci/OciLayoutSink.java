package io.github.deltaimage.transport.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.fs.LockFile;
import io.github.deltaimage.fs.ShutdownCleanup;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.Manifests;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.transport.BlobOpener;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Writes one image into an OCI image layout directory, creating it if needed and keeping other
 * images already there.
 *
 * <p>Blobs land first, each streamed to a temporary name ({@value #TEMP_PREFIX}PID-...) and moved
 * into place once complete; index.json is replaced last, atomically, under a file lock on
 * {@value #LOCK_NAME} inside the layout, so that concurrent writers (threads or processes) each keep
 * their tag. A temporary blob is removed when its write fails or the JVM is stopped, and, when its
 * process was killed outright, by the next sink that opens the layout. A layout this sink created is
 * removed again if the sink is closed without a commit, so a failed copy leaves no skeleton behind.
 */
public final class OciLayoutSink implements ImageSink {
  /** The lock file that orders writers of index.json; readers do not need it (index.json is replaced by rename). */
  public static final String LOCK_NAME = ".deltaimage.lock";
  /** How temporary blobs start; the process id follows, so that a later writer can tell a dead writer's leftovers. */
  public static final String TEMP_PREFIX = ".deltaimage-tmp-";

  private static final Set<String> OWN_NAMES = Set.of("blobs", LOCK_NAME);

  private final Path dir;
  private final String tag;
  /** Whether this sink made the layout directory, and so must remove it if nothing is committed. */
  private boolean createdDir;
  /** Whether the directory was missing or empty when this sink opened it. */
  private final boolean newLayout;

  private boolean committed;

  public OciLayoutSink(ImageReference.OciLayout ref) {
    this.dir = ref.directory();
    this.tag = ref.tag();
    try {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
        throw new InvalidInputException(ref + ": " + dir + " exists and is not a directory");
      }
      boolean layout = Files.isRegularFile(dir.resolve("oci-layout"));
      boolean empty = true;
      if (!layout && Files.isDirectory(dir)) {
        List<String> names;
        try (var entries = Files.list(dir)) {
          names = entries.map(e -> e.getFileName().toString()).toList();
        }
        // Another writer may have finished creating it since the check above (oci-layout is the
        // first file it commits); one still creating it holds only blobs and the lock file so far.
        layout = names.contains("oci-layout");
        if (!layout
            && names.stream().anyMatch(n -> !OWN_NAMES.contains(n) && !n.startsWith(TEMP_PREFIX))) {
          throw new InvalidInputException(
              ref + ": " + dir + " is neither empty nor an OCI image layout; pick a new directory");
        }
        empty = names.isEmpty();
      }
      // Only a layout nobody had started is this sink's to take back; one in the making belongs to
      // its first writer.
      newLayout = !layout && empty;
      removeStaleTemporaries();
    } catch (IOException e) {
      throw new EnvironmentException("cannot open OCI layout " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Temporary blobs of writers that no longer run (killed outright): nothing else will remove them. */
  private void removeStaleTemporaries() throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      // index.json and oci-layout are written the same way, at the top.
      removeStaleTemporariesIn(dir);
    }
    Path blobs = dir.resolve("blobs");
    if (!Files.isDirectory(blobs, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var algorithms = Files.list(blobs)) {
      for (Path algorithm : (Iterable<Path>) algorithms::iterator) {
        if (!Files.isDirectory(algorithm, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        removeStaleTemporariesIn(algorithm);
      }
    }
  }

  private static void removeStaleTemporariesIn(Path directory) throws IOException {
    try (var files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (isStaleTemporary(file.getFileName().toString())) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  static boolean isStaleTemporary(String name) {
    if (!name.startsWith(TEMP_PREFIX)) {
      return false;
    }
    int end = name.indexOf('-', TEMP_PREFIX.length());
    try {
      long pid =
          Long.parseLong(name.substring(TEMP_PREFIX.length(), end < 0 ? name.length() : end));
      return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /** Makes the layout directory and its blob directory, remembering whether this sink created the layout. */
  private Path blobDirectory(Digest digest) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir.toAbsolutePath().getParent());
      try {
        Files.createDirectory(dir);
        createdDir = true;
        ShutdownCleanup.register(abandonOnShutdown);
      } catch (FileAlreadyExistsException e) {
        // Another writer made it a moment ago.
      }
    }
    return Files.createDirectories(dir.resolve("blobs").resolve(digest.algorithm()));
  }

  private void writeBlob(Digest digest, InputStream in) throws IOException {
    writeViaTemporary(blobDirectory(digest).resolve(digest.hex()), in);
  }

  /** Streams to a temporary name beside {@code target}, then renames it into place: readers see all or nothing. */
  private static void writeViaTemporary(Path target, InputStream in) throws IOException {
    Path tmp = target.resolveSibling(
        TEMP_PREFIX + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
    ShutdownCleanup.register(tmp);
    try {
      try (OutputStream out =
          Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        in.transferTo(out);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
      ShutdownCleanup.forget(tmp);
    }
  }

  @Override
  public LayerForm layerForm() {
    return LayerForm.BLOBS;
  }

  @Override
  public boolean storesManifestType(String mediaType) {
    return MediaTypes.OCI_MANIFEST.equals(mediaType);
  }

  @Override
  public String createdManifestType() {
    return MediaTypes.OCI_MANIFEST;
  }

  private Path blobPath(Digest d) {
    return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
  }

  @Override
  public boolean hasBlob(Digest digest, long size) {
    try {
      Path p = blobPath(digest);
      return Files.isRegularFile(p) && (size < 0 || Files.size(p) == size);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public boolean putLayer(
      Layer layer, BlobOpener opener, Optional<ImageSource.RegistryLocation> mountFrom) {
    try (InputStream in = opener.open()) {
      writeBlob(layer.blobDigest(), in);
      return true;
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write layer " + layer.blobDigest() + " to " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void putConfig(byte[] config, Digest digest, String mediaType) {
    putSmall(config, digest);
  }

  private void putSmall(byte[] bytes, Digest digest) {
    try {
      if (!hasBlob(digest, bytes.length)) {
        writeBlob(digest, new ByteArrayInputStream(bytes));
      }
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write blob " + digest + " to " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Digest> commit(Image image) {
    byte[] manifest = image
        .manifest()
        .orElseThrow(() -> new IllegalStateException("an OCI layout needs a manifest"));
    Digest digest = Digest.sha256(manifest);
    List<Digest> needed = new ArrayList<>();
    needed.add(image.configDigest());
    image.layers().forEach(l -> needed.add(l.blobDigest()));
    name(manifest, image.manifestMediaType().orElseThrow(), needed);
    return Optional.of(digest);
  }

  @Override
  public boolean storesIndexes() {
    return true;
  }

  @Override
  public boolean storesIndexType(String mediaType) {
    return MediaTypes.OCI_INDEX.equals(mediaType);
  }

  /** The manifest goes in as a blob only: the index that lists it is what index.json names. */
  @Override
  public Digest commitPart(Image image) {
    byte[] manifest = image
        .manifest()
        .orElseThrow(() -> new IllegalStateException("an OCI layout needs a manifest"));
    Digest digest = Digest.sha256(manifest);
    putSmall(manifest, digest);
    return digest;
  }

  /** The index as a blob, and index.json pointing at it (the image-layout spec's nested index). */
  @Override
  public Digest commitIndex(byte[] index, String mediaType) {
    List<Digest> needed = new ArrayList<>();
    Manifests.parseIndex(index, mediaType, "the index to write")
        .manifests()
        .forEach(d -> needed.add(d.digest()));
    return name(index, mediaType, needed);
  }

  /** Stores {@code document} and makes index.json name it, once every blob in {@code needed} is there. */
  private Digest name(byte[] document, String mediaType, List<Digest> needed) {
    Digest digest = Digest.sha256(document);
    putSmall(document, digest);
    for (int attempt = 0; ; attempt++) {
      try {
        Files.createDirectories(dir);
        try (LockFile lock = LockFile.acquire(dir.resolve(LOCK_NAME))) {
          requireBlobs(digest, needed);
          updateIndex(mediaType, document, digest);
        }
        committed = true;
        ShutdownCleanup.forget(abandonOnShutdown);
        return digest;
      } catch (NoSuchFileException e) {
        // A writer that failed removed the layout it had created while we waited for the lock.
        if (attempt == 3) {
          throw new EnvironmentException(
              "cannot write " + dir + "/index.json: " + e.getMessage(), e);
        }
        putSmall(document, digest);
      } catch (IOException e) {
        throw new EnvironmentException("cannot write " + dir + "/index.json: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Refuses to index a manifest whose blobs are not all there: a failed writer that created this
   * layout removes it, and a concurrent writer must not then publish a tag over missing blobs.
   */
  private void requireBlobs(Digest document, List<Digest> blobs) {
    List<Digest> needed = new ArrayList<>(blobs);
    needed.add(document);
    for (Digest d : needed) {
      if (!Files.isRegularFile(blobPath(d), LinkOption.NOFOLLOW_LINKS)) {
        throw new EnvironmentException(
            "blob " + d + " vanished from " + dir + " before its image was tagged (another"
                + " writer removed the layout it was creating); run the copy again");
      }
    }
  }

  private void updateIndex(String mediaType, byte[] manifest, Digest digest) throws IOException {
    if (!Files.isRegularFile(dir.resolve("oci-layout"))) {
      writeViaTemporary(
          dir.resolve("oci-layout"),
          new ByteArrayInputStream(
              "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8)));
    }
    ObjectNode index;
    Path indexPath = dir.resolve("index.json");
    if (Files.isRegularFile(indexPath)) {
      JsonNode old = Json.read(Files.readAllBytes(indexPath), dir + "/index.json");
      index = old.isObject() ? (ObjectNode) old.deepCopy() : Json.object();
    } else {
      index = Json.object();
      index.put("schemaVersion", 2);
      index.put("mediaType", MediaTypes.OCI_INDEX);
    }
    ArrayNode kept = Json.MAPPER.createArrayNode();
    for (JsonNode m : index.path("manifests")) {
      String name = m.path("annotations").path(OciLayoutSource.REF_NAME).asText(null);
      boolean replaced = tag != null
          ? tag.equals(name)
          : name == null && digest.toString().equals(m.path("digest").asText());
      if (!replaced) {
        kept.add(m);
      }
    }
    ObjectNode entry = Manifests.descriptorJson(mediaType, digest, manifest.length);
    if (tag != null) {
      entry.putObject("annotations").put(OciLayoutSource.REF_NAME, tag);
    }
    kept.add(entry);
    index.set("manifests", kept);
    writeViaTemporary(indexPath, new ByteArrayInputStream(Json.write(index)));
  }

  /**
   * Without a commit, a layout this sink created goes again, unless another writer has tagged an
   * image in it meanwhile or is writing a blob into it right now.
   */
  @Override
  public void close() {
    try {
      abandon(Long.MAX_VALUE);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot remove the unfinished OCI layout " + dir + ": " + e.getMessage(), e);
    } finally {
      ShutdownCleanup.forget(abandonOnShutdown);
    }
  }

  /** On SIGTERM, the same as a close without commit, but never waiting more than a moment for the lock. */
  private final Runnable abandonOnShutdown = () -> {
    try {
      abandon(2000);
    } catch (IOException e) {
      // The JVM is stopping; the layout stays as it is.
    }
  };

  private void abandon(long lockTimeoutMillis) throws IOException {
    if (committed || !newLayout || !Files.isDirectory(dir)) {
      return;
    }
    try (LockFile lock = lockTimeoutMillis == Long.MAX_VALUE
        ? LockFile.acquire(dir.resolve(LOCK_NAME))
        : LockFile.tryAcquire(dir.resolve(LOCK_NAME), lockTimeoutMillis)) {
      // While the JVM stops, this process's own half-written blobs are leftovers, not another
      // writer's work.
      boolean stopping = lockTimeoutMillis != Long.MAX_VALUE;
      if (lock != null && !Files.exists(dir.resolve("index.json")) && !othersWriting(stopping)) {
        lock.retire();
        if (createdDir) {
          ShutdownCleanup.removeTree(dir);
        } else {
          // The user's own empty directory stays, empty again.
          ShutdownCleanup.removeTree(dir.resolve("blobs"));
          Files.deleteIfExists(dir.resolve(LOCK_NAME));
        }
      }
    }
  }

  private boolean othersWriting(boolean ignoringThisProcess) throws IOException {
    Path blobs = dir.resolve("blobs");
    if (!Files.isDirectory(blobs)) {
      return false;
    }
    String own = TEMP_PREFIX + ProcessHandle.current().pid() + "-";
    try (var files = Files.walk(blobs)) {
      return files
          .map(f -> f.getFileName().toString())
          .anyMatch(name ->
              name.startsWith(TEMP_PREFIX) && !(ignoringThisProcess && name.startsWith(own)));
    }
  }
}
