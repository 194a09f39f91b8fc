package io.github.deltaimage.delta;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.FileDecision;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.format.image.LayerCodec;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.Transports;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The diff use case: makes the delta image, the source's layers (unless unlinked) and one layer
 * holding, per target layer the source lacks, a recipe that rebuilds it from the source's files.
 * Layers the target shares with the source are described, not stored.
 */
final class DeltaDiff {

  /** How many of the largest file decisions the summary lists. */
  private static final int TOP_FILES = 10;

  private final DeltaCodec codec;
  private final Parallel parallel;
  private final CopyOptions copyOptions;
  private final DeltaListener listener;
  private final String toolVersion;

  DeltaDiff(
      DeltaCodec codec,
      Parallel parallel,
      CopyOptions copyOptions,
      DeltaListener listener,
      String toolVersion) {
    this.codec = codec;
    this.parallel = parallel;
    this.copyOptions = copyOptions;
    this.listener = listener;
    this.toolVersion = toolVersion;
  }

  ImageDeltaSummary diff(
      Transports transports,
      RunDirectory run,
      ImageReference source,
      ImageReference target,
      ImageReference delta,
      boolean unlinked)
      throws IOException {
    try (ImageSource src = transports.openSource(source);
        ImageSource tgt = transports.openSource(target)) {
      return diff(run, src, tgt, delta.toString(), unlinked, out -> {
        try (ImageSink sink = transports.openSink(delta)) {
          return ImageCopy.transfer(out, sink, copyOptions, run);
        }
      });
    }
  }

  /** Where a delta image made here goes: writes it, and gives its manifest digest there, if any. */
  @FunctionalInterface
  interface DeltaWriter {
    Optional<Digest> write(ImageSource deltaImage);
  }

  /** The delta of two open images, written by {@code deltaWriter}; {@code deltaName} is for progress. */
  ImageDeltaSummary diff(
      RunDirectory run,
      ImageSource src,
      ImageSource tgt,
      String deltaName,
      boolean unlinked,
      DeltaWriter deltaWriter)
      throws IOException {
    long started = System.nanoTime();
    {
      Image s = src.image();
      Image t = tgt.image();
      List<Path> sourceTars = spool(src, s.layers(), run, "source");
      listener.progress("indexing the source layers", 0, -1);
      LayerCodec layers =
          new LayerCodec(codec, copyOptions.settings().engine(), sourceTars, run, parallel);
      Set<Digest> sourceDiffIds = new HashSet<>(s.diffIds());

      DeltaLayerWriter writer = new DeltaLayerWriter(run);
      List<DeltaDescriptor.TargetLayer> described = new ArrayList<>();
      List<ImageDeltaSummary.LayerSummary> summaries = new ArrayList<>();
      List<FileDecision> decisions = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      long targetBytes = 0;
      for (int i = 0; i < t.layers().size(); i++) {
        Layer layer = t.layers().get(i);
        if (sourceDiffIds.contains(layer.diffId())) {
          described.add(new DeltaDescriptor.TargetLayer(layer, true, null));
          summaries.add(new ImageDeltaSummary.LayerSummary(layer.diffId(), -1, 0, true, true));
          continue;
        }
        boolean identify = layer.compression() == Compression.GZIP && tgt.blobsArePortable();
        LayerFiles.Spooled spooled = identify
            ? LayerFiles.spoolBlobAndTar(tgt, layer, run, "target")
            : new LayerFiles.Spooled(
                null, spool(tgt, List.of(layer), run, "target").get(0));
        Path tar = spooled.tar();
        targetBytes += Files.size(tar);
        listener.progress(
            "encoding target layer " + (i + 1) + "/" + t.layers().size(),
            i,
            t.layers().size());
        // Telling which compressor wrote the target's blob recompresses the whole layer; it reads
        // only the spooled tar and blob, so it runs beside the encoding (on two cores, the diff of
        // a rebuilt base takes the longer of the two instead of their sum).
        Parallel.Both<LayerCodec.Encoded, Optional<String>> done = parallel.both(
            () -> layers.encode(tar),
            () -> identify
                ? BlobRecipes.identify(layer, spooled.blob(), tar)
                : Optional.<String>empty());
        LayerCodec.Encoded encoded = done.first();
        encoded.decisions().forEach(listener::fileDecided);
        writer.addLayer(i, encoded);
        String blobRecipe = null;
        if (identify) {
          listener.progress(
              "identifying the compressor of target layer " + (i + 1) + "/"
                  + t.layers().size(),
              i,
              t.layers().size());
          blobRecipe = done.second().orElse(null);
          Files.delete(spooled.blob());
        }
        described.add(new DeltaDescriptor.TargetLayer(layer, false, blobRecipe));
        summaries.add(new ImageDeltaSummary.LayerSummary(
                layer.diffId(),
                Files.size(tar),
                encoded.storedBytes(),
                false,
                blobRecipe != null || layer.compression() == Compression.NONE)
            .encodedBy(encoded.engine()));
        decisions.addAll(encoded.decisions());
        Files.delete(tar);
      }
      // The layers whose blobs cannot be rebuilt are named, with why, in one summary line
      // (SummaryText.willReproduce, from describingTarget), not in a note as well.
      DeltaDescriptor descriptor = new DeltaDescriptor(
          toolVersion,
          !unlinked,
          s.configDigest(),
          s.diffIds(),
          t.configDigest(),
          t.configMediaType(),
          t.manifestMediaType().orElse(null),
          described);

      listener.progress("writing " + deltaName, 0, -1);
      DeltaLayerWriter.Written deltaLayer = writer.finish(descriptor, t);
      List<Layer> deltaLayers = new ArrayList<>(unlinked ? List.of() : s.layers());
      deltaLayers.add(deltaLayer.layer());
      byte[] config = DeltaLayerWriter.config(t, s, deltaLayers, unlinked);
      Image deltaImage = Image.withoutManifest(config, Digest.sha256(config), deltaLayers);
      LocalImageSource out = new LocalImageSource(
          deltaImage,
          Map.of(deltaLayer.layer().diffId(), deltaLayer.tar()),
          Map.of(deltaLayer.layer().blobDigest(), deltaLayer.blob()),
          unlinked ? null : src);
      Optional<Digest> written = deltaWriter.write(out);
      decisions.sort(Comparator.comparingLong(FileDecision::storedSize).reversed());
      return new ImageDeltaSummary(
              s.configDigest(),
              t.configDigest(),
              sizes(sourceTars),
              targetBytes,
              deltaLayer.layer().size(),
              summaries,
              List.copyOf(decisions.subList(0, Math.min(TOP_FILES, decisions.size()))),
              written.orElse(null),
              false,
              notes,
              System.nanoTime() - started)
          .describingTarget(
              Layer.summaryBlobs(s.layers()),
              Layer.summaryBlobs(t.layers()),
              t.manifestDigest().orElse(null),
              ImageDeltaSummary.Described.DIFF);
    }
  }

  private List<Path> spool(ImageSource image, List<Layer> layers, RunDirectory run, String role)
      throws IOException {
    List<Path> tars = new ArrayList<>();
    for (Layer layer : layers) {
      listener.progress(
          "reading " + role + " layer " + layer.diffId().shortHex(), tars.size(), layers.size());
      tars.add(LayerFiles.spoolTar(image, layer, run, role));
    }
    return tars;
  }

  private static long sizes(List<Path> files) throws IOException {
    long total = 0;
    for (Path file : files) {
      total += Files.size(file);
    }
    return total;
  }
}
