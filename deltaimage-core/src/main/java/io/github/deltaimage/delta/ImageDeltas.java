package io.github.deltaimage.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.DeltaImage;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.copy.CopyOptions;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.copy.Transports;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.event.FileDecision;
import io.github.deltaimage.format.image.LayerCodec;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Digest;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.reference.ImageReference;
import io.github.deltaimage.tar.TarFiles;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.work.Parallel;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Exact image deltas. {@link #diff} makes the delta image: the source's layers (unless unlinked) and
 * one layer holding, under {@code /__deltaimage__.delta/}, the target's manifest and config bytes and
 * a recipe per target layer the source lacks. {@link #apply} rebuilds the target from it, checks
 * every layer against its diff_id and the config against the target image ID, and only then writes.
 */
public final class ImageDeltas {

  /** Where the delta lives inside the delta layer (the original's directory name). */
  public static final String PREFIX = "__deltaimage__.delta/";

  /** Labels the delta image's config carries. */
  public static final String LABEL_FORMAT = "io.github.deltaimage.format";
  public static final String LABEL_SOURCE = "io.github.deltaimage.source";
  public static final String LABEL_TARGET = "io.github.deltaimage.target";

  private static final int TOP_FILES = 10;

  private final DeltaCodec codec;
  private final Parallel parallel;
  private final CopyOptions copyOptions;
  private final Path tempParent;
  private final DeltaListener listener;

  public ImageDeltas(DeltaCodec codec, int threads, CopyOptions copyOptions, Path tempParent, DeltaListener listener) {
    this.codec = codec;
    this.parallel = new Parallel(threads);
    this.copyOptions = copyOptions;
    this.tempParent = tempParent;
    this.listener = listener;
  }

  /** Makes the delta image {@code delta} that turns {@code source} into {@code target}. */
  public ImageDeltaSummary diff(ImageReference source, ImageReference target, ImageReference delta, boolean unlinked) {
    long started = System.nanoTime();
    try (RunDirectory run = RunDirectory.create(tempParent);
        Transports transports = new Transports(copyOptions, run);
        ImageSource src = transports.openSource(source);
        ImageSource tgt = transports.openSource(target)) {
      Image s = src.image();
      Image t = tgt.image();
      List<Path> sourceTars = spool(src, s.layers(), run, "source");
      listener.progress("indexing the source layers", 0, -1);
      LayerCodec layers = new LayerCodec(codec, sourceTars, run, parallel);
      Set<Digest> sourceDiffIds = new HashSet<>(s.diffIds());

      Map<String, Path> members = new LinkedHashMap<>();
      members.put(PREFIX, null);
      List<DeltaDescriptor.TargetLayer> described = new ArrayList<>();
      List<ImageDeltaSummary.LayerSummary> summaries = new ArrayList<>();
      List<FileDecision> decisions = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      long targetBytes = 0;
      for (int i = 0; i < t.layers().size(); i++) {
        Layer layer = t.layers().get(i);
        if (sourceDiffIds.contains(layer.diffId())) {
          described.add(new DeltaDescriptor.TargetLayer(layer, true, exactLevel(layer, tgt, null)));
          summaries.add(new ImageDeltaSummary.LayerSummary(layer.diffId(), -1, 0, true, true));
          continue;
        }
        Path tar = spool(tgt, List.of(layer), run, "target").get(0);
        targetBytes += size(tar);
        listener.progress("encoding target layer " + (i + 1) + "/" + t.layers().size(), i, t.layers().size());
        LayerCodec.Encoded encoded = layers.encode(tar);
        encoded.decisions().forEach(listener::fileDecided);
        members.put(PREFIX + "layer-" + i + ".recipe", encoded.recipe());
        members.put(PREFIX + "layer-" + i + ".literals", encoded.literals());
        members.put(PREFIX + "layer-" + i + ".deltas", encoded.deltaPack());
        // Whether the blob can be rebuilt is told per layer in the summary (describingTarget), not as a note per layer.
        int level = exactLevel(layer, tgt, tar);
        described.add(new DeltaDescriptor.TargetLayer(layer, false, level));
        summaries.add(new ImageDeltaSummary.LayerSummary(layer.diffId(), size(tar), encoded.storedBytes(), false,
            level >= 0 || layer.compression() == Compression.NONE));
        decisions.addAll(encoded.decisions());
        Files.delete(tar);
      }
      DeltaDescriptor descriptor = new DeltaDescriptor(DeltaImage.version(), !unlinked, s.configDigest(), s.diffIds(),
          t.configDigest(), t.configMediaType(), t.manifestMediaType().orElse(null), described);
      members.put(PREFIX + "delta.json", write(run, "delta.json", descriptor.toJson()));
      members.put(PREFIX + "target-config.json", write(run, "target-config", t.config()));
      t.manifest().ifPresent(m -> members.put(PREFIX + "target-manifest.json", write(run, "target-manifest", m)));

      listener.progress("writing " + delta, 0, -1);
      Path deltaTar = run.newFile("delta-layer.tar");
      TarFiles.write(members, deltaTar);
      Path deltaBlob = run.newFile("delta-layer.tar.gz");
      Digest deltaDiffId = gzip(deltaTar, deltaBlob, Deflater.BEST_COMPRESSION);
      Digest deltaBlobDigest = sha256(deltaBlob);
      Layer deltaLayer = new Layer(deltaDiffId, deltaBlobDigest, size(deltaBlob), MediaTypes.DOCKER_LAYER_GZIP, Compression.GZIP);

      List<Layer> deltaLayers = new ArrayList<>(unlinked ? List.of() : s.layers());
      deltaLayers.add(deltaLayer);
      byte[] config = deltaConfig(t, s, deltaLayers, unlinked);
      Image deltaImage = Image.withoutManifest(config, Digest.sha256(config), deltaLayers);
      boolean portable = unlinked || src.blobsArePortable();
      LocalImageSource out = new LocalImageSource(deltaImage,
          Map.of(deltaDiffId, new LocalImageSource.LocalLayer(deltaTar, deltaBlob)), unlinked ? null : src, portable);
      Optional<Digest> written;
      try (ImageSink sink = transports.openSink(delta)) {
        written = ImageCopy.transfer(out, sink, copyOptions, run);
      }
      decisions.sort(Comparator.comparingLong(FileDecision::storedSize).reversed());
      return new ImageDeltaSummary(s.configDigest(), t.configDigest(), sizes(sourceTars), targetBytes, size(deltaBlob), summaries,
          List.copyOf(decisions.subList(0, Math.min(TOP_FILES, decisions.size()))), written.orElse(null), false, notes,
          System.nanoTime() - started).describingTarget(s.layers(), t.layers(), t.manifestDigest().orElse(null), false);
    } catch (IOException e) {
      throw new EnvironmentException("cannot make the delta: " + e.getMessage(), e);
    }
  }

  /**
   * Restores the target image from {@code delta} into {@code output}. {@code source} is needed for
   * unlinked deltas (a linked delta carries its source layers).
   */
  public ImageDeltaSummary apply(ImageReference delta, ImageReference output, Optional<ImageReference> source) {
    long started = System.nanoTime();
    try (RunDirectory run = RunDirectory.create(tempParent);
        Transports transports = new Transports(copyOptions, run);
        ImageSource del = transports.openSource(delta)) {
      DeltaLayer opened = openDeltaLayer(del, delta, run);
      Image d = opened.image();
      Layer deltaLayer = opened.layer();
      Map<String, Path> files = opened.files();
      DeltaDescriptor descriptor = opened.descriptor();
      byte[] targetConfig = read(files, "target-config.json");
      if (!Digest.sha256(targetConfig).equals(descriptor.targetImageId())) {
        throw new InvalidInputException("the delta is corrupt: its target config does not hash to the target image ID "
            + descriptor.targetImageId());
      }

      ImageSource src = null;
      List<Layer> sourceLayers;
      try {
        if (descriptor.linked()) {
          sourceLayers = d.layers().subList(0, d.layers().size() - 1);
          src = del;
        } else {
          if (source.isEmpty()) {
            throw new InvalidInputException("this delta is unlinked: it does not carry its source; name the source image"
                + " it was made from (" + descriptor.sourceImageId() + ") with --source");
          }
          src = transports.openSource(source.get());
          sourceLayers = src.image().layers();
        }
        List<Digest> given = sourceLayers.stream().map(Layer::diffId).toList();
        if (!given.equals(descriptor.sourceDiffIds())) {
          throw new InvalidInputException("wrong source image: this delta was made from " + descriptor.sourceImageId()
              + " (layers " + shortList(descriptor.sourceDiffIds()) + "), the source given has layers " + shortList(given));
        }
        List<Path> sourceTars = spool(src, sourceLayers, run, "source");
        LayerCodec layers = new LayerCodec(codec, sourceTars, run, parallel);
        Map<Digest, Path> sourceByDiffId = new HashMap<>();
        Map<Digest, Layer> sourceLayerByDiffId = new HashMap<>();
        for (int i = 0; i < sourceLayers.size(); i++) {
          sourceByDiffId.putIfAbsent(sourceLayers.get(i).diffId(), sourceTars.get(i));
          sourceLayerByDiffId.putIfAbsent(sourceLayers.get(i).diffId(), sourceLayers.get(i));
        }

        Map<Digest, LocalImageSource.LocalLayer> local = new HashMap<>();
        List<ImageDeltaSummary.LayerSummary> summaries = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean exact = true;
        long targetBytes = 0;
        for (int i = 0; i < descriptor.layers().size(); i++) {
          DeltaDescriptor.TargetLayer target = descriptor.layers().get(i);
          Layer layer = target.layer();
          Path tar;
          if (target.fromSource()) {
            tar = sourceByDiffId.get(layer.diffId());
            if (tar == null) {
              throw new InvalidInputException("the delta is corrupt: target layer " + layer.diffId() + " is said to be in the source, but is not");
            }
          } else {
            listener.progress("rebuilding target layer " + (i + 1) + "/" + descriptor.layers().size(), i,
                descriptor.layers().size());
            tar = layers.decode(files.get("layer-" + i + ".recipe"), files.get("layer-" + i + ".literals"),
                files.get("layer-" + i + ".deltas"), layer.diffId().hex(), "target layer " + (i + 1) + " (" + layer.diffId().shortHex() + ")");
          }
          targetBytes += size(tar);
          Layer inSource = sourceLayerByDiffId.get(layer.diffId());
          if (target.fromSource() && src.blobsArePortable() && inSource != null
              && inSource.blobDigest().equals(layer.blobDigest())) {
            // The very blob the target has: passed through from the source as it is.
            summaries.add(new ImageDeltaSummary.LayerSummary(layer.diffId(), size(tar), 0, true, true));
            continue;
          }
          Path blob = null;
          if (layer.compression() == Compression.NONE && layer.blobDigest().equals(layer.diffId())) {
            blob = tar;
          } else if (target.gzipLevel() >= 0) {
            blob = run.newFile("blob");
            gzip(tar, blob, target.gzipLevel());
            if (!sha256(blob).equals(layer.blobDigest())) {
              notes.add("layer " + layer.diffId().shortHex() + ": recompressing did not give its original blob");
              blob = null;
            }
          }
          if (blob == null) {
            exact = false;
          }
          local.put(layer.diffId(), new LocalImageSource.LocalLayer(tar, blob));
          summaries.add(new ImageDeltaSummary.LayerSummary(layer.diffId(), size(tar), target.fromSource() ? 0 : -1,
              target.fromSource(), blob != null));
        }
        Image restored;
        Optional<byte[]> manifest = Optional.ofNullable(files.get("target-manifest.json")).map(ImageDeltas::readAll);
        List<Layer> targetLayers = descriptor.layers().stream().map(DeltaDescriptor.TargetLayer::layer).toList();
        if (exact && manifest.isPresent()) {
          restored = Image.withManifest(manifest.get(), descriptor.targetManifestMediaType(), targetConfig,
              descriptor.targetConfigMediaType(), descriptor.targetImageId(), targetLayers);
        } else {
          restored = Image.withoutManifest(targetConfig, descriptor.targetImageId(), targetLayers.stream()
              .map(l -> new Layer(l.diffId(), l.diffId(), -1, MediaTypes.DOCKER_LAYER_TAR, Compression.NONE)).toList());
          if (manifest.isPresent()) {
            notes.add("the target's manifest digest cannot be reproduced (its layer blobs were not made by java.util.zip);"
                + " the image ID and every layer are the target's");
          }
          exact = false;
        }
        Map<Digest, LocalImageSource.LocalLayer> byDiffId = new HashMap<>(local);
        LocalImageSource out = new LocalImageSource(restored, byDiffId, src, exact);
        listener.progress("writing " + output, 0, -1);
        Optional<Digest> written;
        try (ImageSink sink = transports.openSink(output)) {
          written = ImageCopy.transfer(out, sink, copyOptions, run);
        }
        boolean manifestExact = exact && written.isPresent()
            && written.get().equals(Digest.sha256(manifest.get()));
        return new ImageDeltaSummary(descriptor.sourceImageId(), descriptor.targetImageId(), sizes(sourceTars), targetBytes,
            deltaLayer.size(), summaries, List.of(), written.orElse(null), manifestExact, notes, System.nanoTime() - started)
            .describingTarget(sourceLayers, targetLayers, manifest.map(Digest::sha256).orElse(null), true);
      } finally {
        if (src != null && src != del) {
          src.close();
        }
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot apply the delta: " + e.getMessage(), e);
    }
  }

  /** Reads what the delta image {@code delta} holds, without applying it. */
  public DeltaContents inspect(ImageReference delta) {
    try (RunDirectory run = RunDirectory.create(tempParent);
        Transports transports = new Transports(copyOptions, run);
        ImageSource del = transports.openSource(delta)) {
      DeltaLayer opened = openDeltaLayer(del, delta, run);
      Image d = opened.image();
      Layer deltaLayer = opened.layer();
      Map<String, Path> files = opened.files();
      DeltaDescriptor descriptor = opened.descriptor();
      List<DeltaContents.LayerPart> layers = new ArrayList<>();
      for (int i = 0; i < descriptor.layers().size(); i++) {
        DeltaDescriptor.TargetLayer layer = descriptor.layers().get(i);
        long stored = 0;
        for (String part : new String[] {".recipe", ".literals", ".deltas"}) {
          Path file = files.get("layer-" + i + part);
          stored += file == null ? 0 : size(file);
        }
        layers.add(new DeltaContents.LayerPart(layer.layer().diffId(), layer.layer().size(), layer.fromSource(), stored,
            layer.gzipLevel() >= 0 || layer.layer().compression() == Compression.NONE));
      }
      return new DeltaContents(descriptor.tool(), descriptor.linked(), descriptor.sourceImageId(), descriptor.targetImageId(),
          deltaLayer.size(), d.layers().size() - 1, layers);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read the delta: " + e.getMessage(), e);
    }
  }

  /** The delta layer of a delta image, unpacked: its parts by name, and its index. */
  private record DeltaLayer(Image image, Layer layer, Map<String, Path> files, DeltaDescriptor descriptor) {}

  private DeltaLayer openDeltaLayer(ImageSource del, ImageReference delta, RunDirectory run) throws IOException {
    Image d = del.image();
    if (d.layers().isEmpty()) {
      throw notADelta(delta);
    }
    Layer deltaLayer = d.layers().get(d.layers().size() - 1);
    Path deltaTar = spool(del, List.of(deltaLayer), run, "delta").get(0);
    Path parts = Files.createDirectories(run.path().resolve("delta-parts"));
    Map<String, Path> files = TarFiles.extract(deltaTar, PREFIX, parts);
    if (!files.containsKey("delta.json")) {
      throw notADelta(delta);
    }
    return new DeltaLayer(d, deltaLayer, files, DeltaDescriptor.parse(Files.readAllBytes(files.get("delta.json"))));
  }

  /** The java.util.zip level that reproduces this layer's gzip blob, or -1 (also when the blob cannot be read as stored). */
  private int exactLevel(Layer layer, ImageSource image, Path tar) throws IOException {
    if (layer.compression() != Compression.GZIP || !image.blobsArePortable() || tar == null) {
      return -1;
    }
    int level = copyOptions.gzipLevel();
    Path blob = tar.resolveSibling(tar.getFileName() + ".gz");
    try {
      gzip(tar, blob, level);
      return sha256(blob).equals(layer.blobDigest()) ? level : -1;
    } finally {
      Files.deleteIfExists(blob);
    }
  }

  private static byte[] deltaConfig(Image target, Image source, List<Layer> layers, boolean unlinked) {
    JsonNode targetConfig = Json.read(target.config(), "target config");
    ObjectNode config = Json.object();
    config.put("architecture", targetConfig.path("architecture").asText("amd64"));
    config.put("os", targetConfig.path("os").asText("linux"));
    ObjectNode labels = config.putObject("config").putObject("Labels");
    labels.put(LABEL_FORMAT, DeltaDescriptor.FORMAT);
    labels.put(LABEL_SOURCE, source.configDigest().toString());
    labels.put(LABEL_TARGET, target.configDigest().toString());
    labels.put("io.github.deltaimage.linked", Boolean.toString(!unlinked));
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(l -> diffIds.add(l.diffId().toString()));
    return Json.write(config);
  }

  private List<Path> spool(ImageSource image, List<Layer> layers, RunDirectory run, String role) throws IOException {
    List<Path> tars = new ArrayList<>();
    for (Layer layer : layers) {
      listener.progress("reading " + role + " layer " + layer.diffId().shortHex(), tars.size(), layers.size());
      Path tar = run.newFile(role + "-" + layer.diffId().shortHex() + ".tar");
      try (InputStream in = image.openTar(layer)) {
        Files.copy(in, tar);
      }
      tars.add(tar);
    }
    return tars;
  }

  private static Digest gzip(Path tar, Path blob, int level) throws IOException {
    MessageDigest tarDigest = Digest.newSha256();
    try (InputStream in = new java.security.DigestInputStream(Files.newInputStream(tar), tarDigest);
        OutputStream out = new LevelGzip(new BufferedOutputStream(Files.newOutputStream(blob), 256 * 1024), level)) {
      in.transferTo(out);
    }
    return Digest.ofSha256(tarDigest.digest());
  }

  /** GZIPOutputStream at a given level, as {@link ImageCopy} writes layers: the same bytes for the same level. */
  private static final class LevelGzip extends GZIPOutputStream {
    LevelGzip(OutputStream out, int level) throws IOException {
      super(out, 256 * 1024);
      def.setLevel(level);
    }
  }

  private static Digest sha256(Path file) throws IOException {
    MessageDigest digest = Digest.newSha256();
    try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
      Files.copy(file, sink);
    }
    return Digest.ofSha256(digest.digest());
  }

  private static Path write(RunDirectory run, String name, byte[] bytes) {
    try {
      return Files.write(run.newFile(name), bytes);
    } catch (IOException e) {
      throw new EnvironmentException("cannot write " + name + ": " + e.getMessage(), e);
    }
  }

  private static byte[] read(Map<String, Path> files, String name) {
    Path file = files.get(name);
    if (file == null) {
      throw new InvalidInputException("the delta is corrupt: it lacks " + name);
    }
    return readAll(file);
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static long size(Path file) throws IOException {
    return Files.size(file);
  }

  private static long sizes(List<Path> files) throws IOException {
    long total = 0;
    for (Path file : files) {
      total += size(file);
    }
    return total;
  }

  private static String shortList(List<Digest> digests) {
    return digests.stream().map(Digest::shortHex).toList().toString();
  }

  private static InvalidInputException notADelta(ImageReference image) {
    return new InvalidInputException(image + " is not a delta image made by `deltaimage image diff`"
        + " (its last layer holds no " + PREFIX + "delta.json)");
  }
}
