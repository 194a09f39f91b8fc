package io.github.deltaimage.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.transport.Transports;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.event.FileDecision;
import io.github.deltaimage.format.image.LayerCodec;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.fs.TempSpace;
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
  private final String toolVersion;

  /** {@code toolVersion} is recorded in every delta this makes (the front end knows the build; this package does not). */
  public ImageDeltas(DeltaCodec codec, int threads, CopyOptions copyOptions, Path tempParent, DeltaListener listener,
      String toolVersion) {
    this.codec = codec;
    this.toolVersion = toolVersion;
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
      members.put(DeltaLayerNames.PREFIX, null);
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
        members.put(DeltaLayerNames.PREFIX + DeltaLayerNames.recipe(i), encoded.recipe());
        members.put(DeltaLayerNames.PREFIX + DeltaLayerNames.literals(i), encoded.literals());
        members.put(DeltaLayerNames.PREFIX + DeltaLayerNames.deltas(i), encoded.deltaPack());
        int level = exactLevel(layer, tgt, tar);
        if (level < 0 && layer.compression() != Compression.NONE && tgt.blobsArePortable()) {
          notes.add("layer " + layer.diffId().shortHex() + ": its " + layer.compression().name().toLowerCase()
              + " blob was not made by java.util.zip, so the restored blob (and manifest digest) will differ");
        }
        described.add(new DeltaDescriptor.TargetLayer(layer, false, level));
        summaries.add(new ImageDeltaSummary.LayerSummary(layer.diffId(), size(tar), encoded.storedBytes(), false,
            level >= 0 || layer.compression() == Compression.NONE));
        decisions.addAll(encoded.decisions());
        Files.delete(tar);
      }
      DeltaDescriptor descriptor = new DeltaDescriptor(toolVersion, !unlinked, s.configDigest(), s.diffIds(),
          t.configDigest(), t.configMediaType(), t.manifestMediaType().orElse(null), described);
      members.put(DeltaLayerNames.PREFIX + DeltaLayerNames.DESCRIPTOR, write(run, "delta.json", descriptor.toJson()));
      members.put(DeltaLayerNames.PREFIX + DeltaLayerNames.TARGET_CONFIG, write(run, "target-config", t.config()));
      t.manifest().ifPresent(m -> members.put(DeltaLayerNames.PREFIX + DeltaLayerNames.TARGET_MANIFEST, write(run, "target-manifest", m)));

      listener.progress("writing " + delta, 0, -1);
      Path deltaTar = run.newFile("delta-layer.tar");
      TarFiles.write(members, deltaTar);
      Path deltaBlob = run.newFile("delta-layer.tar.gz");
      Digest deltaDiffId = LayerFiles.gzip(deltaTar, deltaBlob, Deflater.BEST_COMPRESSION);
      Digest deltaBlobDigest = LayerFiles.sha256(deltaBlob);
      Layer deltaLayer = new Layer(deltaDiffId, deltaBlobDigest, size(deltaBlob), MediaTypes.DOCKER_LAYER_GZIP, Compression.GZIP);

      List<Layer> deltaLayers = new ArrayList<>(unlinked ? List.of() : s.layers());
      deltaLayers.add(deltaLayer);
      byte[] config = deltaConfig(t, s, deltaLayers, unlinked);
      Image deltaImage = Image.withoutManifest(config, Digest.sha256(config), deltaLayers);
      LocalImageSource out = new LocalImageSource(deltaImage, Map.of(deltaDiffId, deltaTar),
          Map.of(deltaBlobDigest, deltaBlob), unlinked ? null : src);
      Optional<Digest> written;
      try (ImageSink sink = transports.openSink(delta)) {
        written = ImageCopy.transfer(out, sink, copyOptions, run);
      }
      decisions.sort(Comparator.comparingLong(FileDecision::storedSize).reversed());
      return new ImageDeltaSummary(s.configDigest(), t.configDigest(), sizes(sourceTars), targetBytes, size(deltaBlob), summaries,
          List.copyOf(decisions.subList(0, Math.min(TOP_FILES, decisions.size()))), written.orElse(null), false, notes,
          System.nanoTime() - started);
    } catch (IOException e) {
      if (TempSpace.isOutOfSpace(e)) {
        throw TempSpace.outOfSpace(tempParent, "making the delta", e);
      }
      throw new EnvironmentException("cannot make the delta: " + e.getMessage(), e);
    }
  }

  /**
   * Restores the target image from {@code delta} into {@code output}. {@code source} is needed for
   * unlinked deltas (a linked delta carries its source layers).
   */
  public ImageDeltaSummary apply(ImageReference delta, ImageReference output, Optional<ImageReference> source) {
    try (RunDirectory run = RunDirectory.create(tempParent);
        Transports transports = new Transports(copyOptions, run)) {
      return new DeltaApply(codec, parallel, copyOptions, listener).apply(transports, run, delta, output, source);
    } catch (IOException e) {
      if (TempSpace.isOutOfSpace(e)) {
        throw TempSpace.outOfSpace(tempParent, "applying the delta", e);
      }
      throw new EnvironmentException("cannot apply the delta: " + e.getMessage(), e);
    }
  }

  /** Reads what the delta image {@code delta} holds, without applying it. */
  public DeltaContents inspect(ImageReference delta) {
    try (RunDirectory run = RunDirectory.create(tempParent);
        Transports transports = new Transports(copyOptions, run);
        ImageSource del = transports.openSource(delta)) {
      DeltaLayerReader.Opened opened = DeltaLayerReader.open(del, delta, run);
      Image d = opened.image();
      Layer deltaLayer = opened.layer();
      Map<String, Path> files = opened.files();
      DeltaDescriptor descriptor = opened.descriptor();
      List<DeltaContents.LayerPart> layers = new ArrayList<>();
      for (int i = 0; i < descriptor.layers().size(); i++) {
        DeltaDescriptor.TargetLayer layer = descriptor.layers().get(i);
        long stored = 0;
        for (String part : List.of(DeltaLayerNames.recipe(i), DeltaLayerNames.literals(i), DeltaLayerNames.deltas(i))) {
          Path file = files.get(part);
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

  /** The java.util.zip level that reproduces this layer's gzip blob, or -1 (also when the blob cannot be read as stored). */
  private int exactLevel(Layer layer, ImageSource image, Path tar) throws IOException {
    if (layer.compression() != Compression.GZIP || !image.blobsArePortable() || tar == null) {
      return -1;
    }
    int level = copyOptions.gzipLevel();
    Path blob = tar.resolveSibling(tar.getFileName() + ".gz");
    try {
      LayerFiles.gzip(tar, blob, level);
      return LayerFiles.sha256(blob).equals(layer.blobDigest()) ? level : -1;
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
      tars.add(LayerFiles.spoolTar(image, layer, run, role));
    }
    return tars;
  }

  private static Path write(RunDirectory run, String name, byte[] bytes) {
    try {
      return Files.write(run.newFile(name), bytes);
    } catch (IOException e) {
      throw new EnvironmentException("cannot write " + name + ": " + e.getMessage(), e);
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
}
