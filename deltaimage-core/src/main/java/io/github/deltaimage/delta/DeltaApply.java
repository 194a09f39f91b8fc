package io.github.deltaimage.delta;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.SourceRequiredException;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.format.image.LayerCodec;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.fs.TempSpace;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.Transports;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The apply use case: rebuilds the target image of a delta image and writes it. Everything written
 * is derived from what was verified: the config hashes to the target image ID, its diff_ids are the
 * delta's layer list, every layer tar hashes to its diff_id, and the target's own manifest is
 * written only when it names exactly that config and blobs that were reproduced or passed through.
 */
final class DeltaApply {

  private final DeltaCodec codec;
  private final Parallel parallel;
  private final CopyOptions copyOptions;
  private final DeltaListener listener;

  DeltaApply(DeltaCodec codec, Parallel parallel, CopyOptions copyOptions, DeltaListener listener) {
    this.codec = codec;
    this.parallel = parallel;
    this.copyOptions = copyOptions;
    this.listener = listener;
  }

  ImageDeltaSummary apply(
      Transports transports,
      RunDirectory run,
      ImageReference delta,
      ImageReference output,
      Optional<ImageReference> source)
      throws IOException {
    try (ImageSource del = transports.openSource(delta)) {
      return apply(
          run,
          del,
          delta,
          output.toString(),
          source,
          transports::openSource,
          () -> transports.openSink(output));
    }
  }

  /**
   * Applies the open delta image {@code del} into the sink {@code sinks} gives (opened once the
   * layers are rebuilt, closed at the end); {@code openGiven} opens the source the user named.
   */
  ImageDeltaSummary apply(
      RunDirectory run,
      ImageSource del,
      ImageReference delta,
      String output,
      Optional<ImageReference> source,
      Function<ImageReference, ImageSource> openGiven,
      Supplier<ImageSink> sinks)
      throws IOException {
    long started = System.nanoTime();
    DeltaLayerReader.Opened opened = DeltaLayerReader.open(del, delta, run);
    DeltaDescriptor descriptor = opened.descriptor();
    TargetDocuments target = TargetDocuments.verify(opened, descriptor);
    List<String> notes = new ArrayList<>();
    ImageSource src = openSource(openGiven, del, opened, descriptor, source, notes);
    try {
      List<Layer> sourceLayers = src == del
          ? opened.image().layers().subList(0, opened.image().layers().size() - 1)
          : src.image().layers();
      return restore(run, sinks, opened, target, src, sourceLayers, output, notes, started);
    } finally {
      if (src != del) {
        src.close();
      }
    }
  }

  /** The image the recipes read from: the delta itself when linked, else the one the user named (checked). */
  private ImageSource openSource(
      Function<ImageReference, ImageSource> openGiven,
      ImageSource del,
      DeltaLayerReader.Opened opened,
      DeltaDescriptor descriptor,
      Optional<ImageReference> given,
      List<String> notes) {
    if (descriptor.linked()) {
      List<Digest> carried =
          opened.image().diffIds().subList(0, opened.image().layers().size() - 1);
      checkSource(descriptor, carried);
      if (given.isPresent()) {
        try (ImageSource named = openGiven.apply(given.get())) {
          checkSource(descriptor, named.image().diffIds());
        }
        notes.add("the delta carries its source layers; " + given.get()
            + " was checked against them but not read");
      }
      return del;
    }
    if (given.isEmpty()) {
      throw new SourceRequiredException(descriptor.sourceImageId().toString());
    }
    ImageSource src = openGiven.apply(given.get());
    try {
      checkSource(descriptor, src.image().diffIds());
      return src;
    } catch (RuntimeException e) {
      src.close();
      throw e;
    }
  }

  private static void checkSource(DeltaDescriptor descriptor, List<Digest> given) {
    if (!given.equals(descriptor.sourceDiffIds())) {
      throw new InvalidInputException("wrong source image: this delta was made from "
          + descriptor.sourceImageId() + " (layers " + shortList(descriptor.sourceDiffIds())
          + "), the source given has layers " + shortList(given));
    }
  }

  private ImageDeltaSummary restore(
      RunDirectory run,
      Supplier<ImageSink> sinks,
      DeltaLayerReader.Opened opened,
      TargetDocuments target,
      ImageSource src,
      List<Layer> sourceLayers,
      String output,
      List<String> notes,
      long started)
      throws IOException {
    DeltaDescriptor descriptor = opened.descriptor();
    Map<Digest, Path> sourceTars = new HashMap<>();
    Map<Digest, Layer> sourceByDiffId = new HashMap<>();
    List<Path> sourceTarList = new ArrayList<>();
    for (Layer layer : sourceLayers) {
      listener.progress(
          "reading source layer " + layer.diffId().shortHex(),
          sourceTarList.size(),
          sourceLayers.size());
      Path tar = sourceTars.get(layer.diffId());
      if (tar == null) {
        tar = LayerFiles.spoolTar(src, layer, run, "source");
      }
      sourceTarList.add(tar);
      sourceTars.putIfAbsent(layer.diffId(), tar);
      sourceByDiffId.putIfAbsent(layer.diffId(), layer);
    }
    LayerCodec layers = new LayerCodec(codec, sourceTarList, run, parallel);
    Map<String, Path> files = opened.files();
    List<DeltaDescriptor.TargetLayer> described = descriptor.layers();

    long declared = 0;
    for (int i = 0; i < described.size(); i++) {
      if (!described.get(i).fromSource()) {
        declared += layers.declaredSize(
            part(files, DeltaLayerNames.recipe(i)), part(files, DeltaLayerNames.deltas(i)));
      } else if (!sourceTars.containsKey(described.get(i).layer().diffId())) {
        throw new InvalidInputException("the delta is corrupt: target layer "
            + described.get(i).layer().diffId() + " is said to be in the source, but is not");
      }
    }
    TempSpace.require(run.path(), declared, "rebuilding the target's layers");

    List<Path> tars = new ArrayList<>();
    List<ImageDeltaSummary.LayerSummary> summaries = new ArrayList<>();
    long targetBytes = 0;
    for (int i = 0; i < described.size(); i++) {
      Layer layer = described.get(i).layer();
      Path tar;
      if (described.get(i).fromSource()) {
        tar = sourceTars.get(layer.diffId());
      } else {
        listener.progress(
            "rebuilding target layer " + (i + 1) + "/" + described.size(), i, described.size());
        tar = layers.decode(
            part(files, DeltaLayerNames.recipe(i)),
            part(files, DeltaLayerNames.literals(i)),
            part(files, DeltaLayerNames.deltas(i)),
            layer.diffId().hex(),
            "target layer " + (i + 1) + " (" + layer.diffId().shortHex() + ")");
      }
      tars.add(tar);
      targetBytes += Files.size(tar);
    }

    listener.progress("writing " + output, 0, -1);
    try (ImageSink sink = sinks.get()) {
      RestoredLayers restored;
      if (sink.layerForm() == ImageSink.LayerForm.TARS) {
        restored = RestoredLayers.asTars(described, tars);
      } else {
        // Its own step: recompressing is most of a registry apply's time after the decode.
        listener.progress("recompressing the target's layers", 0, -1);
        restored = RestoredLayers.asBlobs(described, tars, src, sourceByDiffId, run, parallel);
        listener.progress("writing " + output, 0, -1);
      }
      for (int i = 0; i < described.size(); i++) {
        DeltaDescriptor.TargetLayer t = described.get(i);
        summaries.add(new ImageDeltaSummary.LayerSummary(
            t.layer().diffId(),
            Files.size(tars.get(i)),
            t.fromSource() ? 0 : -1,
            t.fromSource(),
            restored.exact().get(i)));
      }
      notes.addAll(restored.notes());
      boolean exactBlobs = sink.layerForm() == ImageSink.LayerForm.BLOBS
          && restored.exact().stream().allMatch(b -> b);
      Image image;
      if (exactBlobs && target.manifest().isPresent()) {
        image = target.image();
        if (!sink.storesManifestType(image.manifestMediaType().orElseThrow())) {
          notes.add(
              "the target's " + image.manifestMediaType().orElseThrow()
                  + " manifest was converted for " + output
                  + " (it stores OCI manifests only), so the manifest digest differs; the image ID and every blob are the target's");
        }
      } else {
        image =
            Image.withoutManifest(target.config(), descriptor.targetImageId(), restored.layers());
      }
      LocalImageSource out = new LocalImageSource(image, restored.tars(), restored.blobs(), src);
      Optional<Digest> written = ImageCopy.transfer(out, sink, copyOptions, run);
      boolean manifestExact = written.isPresent()
          && target.manifest().isPresent()
          && written.get().equals(Digest.sha256(target.manifest().get()));
      return new ImageDeltaSummary(
              descriptor.sourceImageId(),
              descriptor.targetImageId(),
              sizes(sourceTarList),
              targetBytes,
              opened.layer().size(),
              summaries,
              List.of(),
              written.orElse(null),
              manifestExact,
              notes,
              System.nanoTime() - started)
          .describingTarget(
              Layer.summaryBlobs(sourceLayers),
              Layer.summaryBlobs(
                  described.stream().map(DeltaDescriptor.TargetLayer::layer).toList()),
              target.manifest().map(Digest::sha256).orElse(null),
              sink.layerForm() == ImageSink.LayerForm.TARS
                  ? ImageDeltaSummary.Described.APPLY_INTO_TARS
                  : ImageDeltaSummary.Described.APPLY_INTO_BLOBS);
    }
  }

  /**
   * The target's layers as the output will get them. A sink that stores tars gets the rebuilt tars.
   * A sink that stores blobs gets, per layer: the target's own blob where it can be had (passed
   * through from the source, the tar itself when uncompressed, or recompressed and checked), else
   * the source's blob of the same content, else the tar for the copy to gzip. Only the first keeps
   * the target's manifest; {@link #notes} names the layers that do not, and why.
   */
  record RestoredLayers(
      List<Layer> layers,
      List<Boolean> exact,
      Map<Digest, Path> tars,
      Map<Digest, Path> blobs,
      List<String> notes) {

    static RestoredLayers asTars(List<DeltaDescriptor.TargetLayer> described, List<Path> tars) {
      Map<Digest, Path> byDiffId = new LinkedHashMap<>();
      List<Layer> layers = new ArrayList<>();
      for (int i = 0; i < described.size(); i++) {
        Layer layer = described.get(i).layer();
        byDiffId.putIfAbsent(layer.diffId(), tars.get(i));
        layers.add(new Layer(
            layer.diffId(), layer.diffId(), -1, MediaTypes.DOCKER_LAYER_TAR, Compression.NONE));
      }
      return new RestoredLayers(
          layers, described.stream().map(t -> true).toList(), byDiffId, Map.of(), List.of());
    }

    static RestoredLayers asBlobs(
        List<DeltaDescriptor.TargetLayer> described,
        List<Path> tars,
        ImageSource src,
        Map<Digest, Layer> sourceByDiffId,
        RunDirectory run,
        Parallel parallel)
        throws IOException {
      List<Path> rebuilt = rebuildBlobs(described, tars, src, sourceByDiffId, run, parallel);
      Map<Digest, Path> byDiffId = new LinkedHashMap<>();
      Map<Digest, Path> blobs = new LinkedHashMap<>();
      List<Layer> layers = new ArrayList<>();
      List<Boolean> exact = new ArrayList<>();
      List<String> sourceBlobKept = new ArrayList<>();
      List<String> compressedAnew = new ArrayList<>();
      for (int i = 0; i < described.size(); i++) {
        DeltaDescriptor.TargetLayer t = described.get(i);
        Layer layer = t.layer();
        Path tar = tars.get(i);
        byDiffId.putIfAbsent(layer.diffId(), tar);
        Layer inSource = t.fromSource() ? sourceByDiffId.get(layer.diffId()) : null;
        boolean sourceBlobPortable = inSource != null && src.hasPortableBlob(inSource);
        if (sourceBlobPortable
            && inSource.blobDigest().equals(layer.blobDigest())
            && inSource.size() == layer.size()) {
          layers.add(layer);
          exact.add(true);
          continue;
        }
        if (layer.compression() == Compression.NONE && layer.blobDigest().equals(layer.diffId())) {
          blobs.put(layer.blobDigest(), tar);
          layers.add(layer);
          exact.add(true);
          continue;
        }
        if (rebuilt.get(i) != null) {
          blobs.put(layer.blobDigest(), rebuilt.get(i));
          layers.add(layer);
          exact.add(true);
          continue;
        }
        exact.add(false);
        if (sourceBlobPortable) {
          layers.add(inSource);
          sourceBlobKept.add(layer.diffId().shortHex());
        } else {
          // Held as a tar only: the copy gzips it for the output (a new blob, so a new manifest).
          layers.add(new Layer(
              layer.diffId(),
              layer.diffId(),
              Files.size(tar),
              MediaTypes.DOCKER_LAYER_TAR,
              Compression.NONE));
          compressedAnew.add(layer.diffId().shortHex());
        }
      }
      List<String> notes = new ArrayList<>();
      if (!sourceBlobKept.isEmpty()) {
        notes.add(
            "layers " + sourceBlobKept
                + " are shared with the source but compressed differently there; the source's"
                + " blobs are kept, so the manifest is new (the image ID and every layer are the target's)");
      }
      if (!compressedAnew.isEmpty()) {
        notes.add("layers " + compressedAnew
            + " were written gzip'd anew: no known compressor rebuilds their original"
            + " blobs, so the manifest is new (the image ID and every layer are the target's)");
      }
      return new RestoredLayers(layers, exact, byDiffId, blobs, notes);
    }

    /**
     * Recompresses, in parallel, the layers whose recipe should give the target's blob (and whose
     * blob cannot simply be passed through); per layer the blob, or null where there is none.
     */
    private static List<Path> rebuildBlobs(
        List<DeltaDescriptor.TargetLayer> described,
        List<Path> tars,
        ImageSource src,
        Map<Digest, Layer> sourceByDiffId,
        RunDirectory run,
        Parallel parallel) {
      List<Integer> indexes = new ArrayList<>();
      for (int i = 0; i < described.size(); i++) {
        DeltaDescriptor.TargetLayer t = described.get(i);
        Layer inSource = t.fromSource() ? sourceByDiffId.get(t.layer().diffId()) : null;
        boolean passesThrough = inSource != null
            && src.hasPortableBlob(inSource)
            && inSource.blobDigest().equals(t.layer().blobDigest());
        if (t.blobRecipe() != null && !passesThrough) {
          indexes.add(i);
        }
      }
      List<Path> blobs = parallel.map(indexes, i -> {
        Path blob = run.newFile("blob");
        try {
          return BlobRecipes.reproduces(
                  described.get(i).blobRecipe(), tars.get(i), described.get(i).layer(), blob)
              ? blob
              : null;
        } catch (IOException e) {
          if (TempSpace.isOutOfSpace(e)) {
            throw TempSpace.outOfSpace(run.path(), "recompressing a layer", e);
          }
          throw new io.github.deltaimage.api.EnvironmentException(
              "cannot recompress a layer: " + e.getMessage(), e);
        }
      });
      List<Path> byLayer =
          new ArrayList<>(java.util.Collections.nCopies(described.size(), (Path) null));
      for (int k = 0; k < indexes.size(); k++) {
        byLayer.set(indexes.get(k), blobs.get(k));
      }
      return byLayer;
    }
  }

  private static Path part(Map<String, Path> files, String name) {
    Path file = files.get(name);
    if (file == null) {
      throw new InvalidInputException("the delta is corrupt: it lacks " + name);
    }
    return file;
  }

  private static long sizes(List<Path> files) throws IOException {
    long total = 0;
    for (Path file : files) {
      total += Files.size(file);
    }
    return total;
  }

  static String shortList(List<Digest> digests) {
    return digests.stream().map(Digest::shortHex).toList().toString();
  }
}
