package io.github.deltaimage.copy;

import io.github.deltaimage.api.CopyEvent;
import io.github.deltaimage.api.CopyResult;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.event.CopyListener;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.Manifests;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.Transports;
import io.github.deltaimage.transport.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies one image between any two transports: {@code ImageCopy.copy("docker-daemon:app:1",
 * "docker://127.0.0.1:5000/app:1", CopyOptions.defaults())}.
 *
 * <p>What is kept: the config bytes (so the image ID) and the diff_ids, always. Blobs and manifest
 * bytes are copied unchanged whenever the source has them and the destination can store them:
 * registry and OCI sources to a registry keep the manifest digest. A copy to an OCI layout writes
 * an OCI manifest (converted from a Docker one, same blobs); a copy from an archive or the daemon
 * (uncompressed tars) gzips the layers and writes a new manifest; a copy to an archive or the daemon
 * decompresses. Every blob is verified against its digest on the way.
 *
 * <p>Streaming: layers never sit in the heap; spool files live in one run directory that is
 * removed at the end, on failure too.
 */
public final class ImageCopy {
  private ImageCopy() {}

  /** Parses both references (see {@link ImageReference} for the syntax) and copies. */
  public static CopyResult copy(String source, String destination, CopyOptions options) {
    return copy(ImageReference.parse(source), ImageReference.parse(destination), options);
  }

  public static CopyResult copy(
      ImageReference source, ImageReference destination, CopyOptions options) {
    long start = System.nanoTime();
    try (RunDirectory run = RunDirectory.create(options.tempParent());
        Transports transports = new Transports(options, run);
        ImageSource src = transports.openSource(source)) {
      Image image = src.image();
      CopyListener listener = options.listener();
      listener.onEvent(new CopyEvent.SourceResolved(
          source.toString(), image.configDigest(), image.layers().size()));
      try (ImageSink sink = transports.openSink(destination)) {
        AtomicLong moved = new AtomicLong();
        Optional<Digest> result = sink.layerForm() == ImageSink.LayerForm.TARS
            ? copyAsTars(src, sink, image, listener, moved)
            : copyAsBlobs(src, sink, image, options, run, listener, moved);
        listener.onEvent(new CopyEvent.Committed(
            destination.toString(), image.configDigest(), result.orElse(null)));
        return new CopyResult(
            image.configDigest(),
            image.manifestDigest(),
            result,
            image.diffIds(),
            moved.get(),
            Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  /**
   * Writes an image from an open source to an open sink, as {@link #copy} does: used for images made
   * on the fly (delta images, restored images) that no reference names.
   *
   * @return the manifest digest at the destination, when it has one
   */
  public static Optional<Digest> transfer(
      ImageSource src, ImageSink sink, CopyOptions options, RunDirectory run) {
    Image image = src.image();
    AtomicLong moved = new AtomicLong();
    return sink.layerForm() == ImageSink.LayerForm.TARS
        ? copyAsTars(src, sink, image, options.listener(), moved)
        : copyAsBlobs(src, sink, image, options, run, options.listener(), moved);
  }

  private static Optional<Digest> copyAsTars(
      ImageSource src, ImageSink sink, Image image, CopyListener listener, AtomicLong moved) {
    for (Layer layer : image.layers()) {
      Layer tar = new Layer(
          layer.diffId(), layer.diffId(), -1, MediaTypes.DOCKER_LAYER_TAR, Compression.NONE);
      long tarSize = src.tarSize(layer);
      // "layer tar": the daemon and archives take tars, named by diff_id; no blob moves.
      listener.onEvent(new CopyEvent.BlobStarted(layer.diffId(), tarSize, "layer tar"));
      ProgressCounter counter = new ProgressCounter();
      boolean written = sink.putLayer(
          tar,
          () -> counter.wrap(src.openTar(layer), layer.diffId(), tarSize, listener, moved),
          Optional.empty());
      if (written) {
        listener.onEvent(new CopyEvent.BlobDone(layer.diffId(), counter.last()));
      } else {
        listener.onEvent(new CopyEvent.BlobSkipped(layer.diffId(), -1, "repeated layer"));
      }
    }
    sink.putConfig(image.config(), image.configDigest(), image.configMediaType());
    return sink.commit(image);
  }

  private static Optional<Digest> copyAsBlobs(
      ImageSource src,
      ImageSink sink,
      Image image,
      CopyOptions options,
      RunDirectory run,
      CopyListener listener,
      AtomicLong moved) {
    List<Layer> out = new ArrayList<>();
    Set<Digest> done = new HashSet<>();
    Optional<ImageSource.RegistryLocation> mountFrom = src.registryLocation();
    boolean allPortable = true;
    for (Layer layer : image.layers()) {
      if (src.hasPortableBlob(layer)) {
        out.add(layer);
        if (!done.add(layer.blobDigest())) {
          continue;
        }
        if (sink.hasBlob(layer.blobDigest(), layer.size())) {
          listener.onEvent(
              new CopyEvent.BlobSkipped(layer.blobDigest(), layer.size(), "already present"));
          continue;
        }
        listener.onEvent(new CopyEvent.BlobStarted(layer.blobDigest(), layer.size(), "layer"));
        ProgressCounter counter = new ProgressCounter();
        boolean moved1 = sink.putLayer(
            layer,
            () -> counter.wrap(
                src.openBlob(layer), layer.blobDigest(), layer.size(), listener, moved),
            mountFrom);
        listener.onEvent(
            moved1
                ? new CopyEvent.BlobDone(layer.blobDigest(), layer.size())
                : new CopyEvent.BlobSkipped(layer.blobDigest(), layer.size(), "mounted"));
      } else {
        allPortable = false;
        out.add(compressAndPut(src, sink, layer, options, run, listener, moved, done));
      }
    }
    sink.putConfig(image.config(), image.configDigest(), image.configMediaType());
    Image written;
    String mediaType = image.manifestMediaType().orElse(null);
    if (allPortable && mediaType != null && sink.storesManifestType(mediaType)) {
      written = image;
    } else {
      String type = sink.createdManifestType();
      byte[] manifest = Manifests.write(type, image.configDigest(), image.config().length, out);
      written = Image.withManifest(
          manifest,
          type,
          image.config(),
          MediaTypes.OCI_MANIFEST.equals(type) ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG,
          image.configDigest(),
          out);
    }
    return sink.commit(written);
  }

  /** Gzips an uncompressed layer into the run directory (hashing as it goes), then hands the file to the sink. */
  private static Layer compressAndPut(
      ImageSource src,
      ImageSink sink,
      Layer layer,
      CopyOptions options,
      RunDirectory run,
      CopyListener listener,
      AtomicLong moved,
      Set<Digest> done) {
    Path tmp = run.newFile(layer.diffId().hex() + ".tar.gz");
    try {
      listener.onEvent(
          new CopyEvent.BlobStarted(layer.diffId(), layer.size(), "compressing layer"));
      MessageDigest md = Digest.newSha256();
      ProgressCounter counter = new ProgressCounter();
      try (InputStream in =
              counter.wrap(src.openTar(layer), layer.diffId(), layer.size(), listener, moved);
          OutputStream file = Files.newOutputStream(tmp);
          OutputStream gz = Compression.gzip(
              new DigestOutputStream(new java.io.BufferedOutputStream(file, 256 * 1024), md),
              options.gzipLevel())) {
        in.transferTo(gz);
      }
      Digest digest = Digest.ofSha256(md.digest());
      long size = Files.size(tmp);
      Layer gzLayer =
          new Layer(layer.diffId(), digest, size, MediaTypes.DOCKER_LAYER_GZIP, Compression.GZIP);
      if (!done.add(digest)) {
        return gzLayer;
      }
      if (sink.hasBlob(digest, size)) {
        listener.onEvent(new CopyEvent.BlobSkipped(digest, size, "already present"));
        return gzLayer;
      }
      listener.onEvent(new CopyEvent.BlobStarted(digest, size, "layer"));
      sink.putLayer(
          gzLayer,
          () -> new VerifyingInputStream(
              Files.newInputStream(tmp), digest, size, "compressed layer " + digest),
          Optional.empty());
      listener.onEvent(new CopyEvent.BlobDone(digest, size));
      return gzLayer;
    } catch (IOException e) {
      throw new EnvironmentException(
          "compressing layer " + layer.diffId() + " into " + tmp + " failed: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the run directory is removed at the end anyway
      }
    }
  }

  /** Remembers the bytes read by the latest stream it wrapped (a retry opens a new one). */
  private static final class ProgressCounter {
    private ProgressInputStream current;

    InputStream wrap(
        InputStream in, Digest digest, long size, CopyListener listener, AtomicLong total) {
      current = new ProgressInputStream(in, digest, size, listener, total);
      return current;
    }

    long last() {
      return current == null ? 0 : current.count();
    }
  }
}
