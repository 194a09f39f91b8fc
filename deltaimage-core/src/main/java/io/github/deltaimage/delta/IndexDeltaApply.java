package io.github.deltaimage.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Descriptor;
import io.github.deltaimage.image.ImageIndex;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.Transports;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The apply use case for a {@link DeltaIndex}: restores every platform's image, then the target
 * index. When every manifest came back exactly (same digest and size) and the destination stores the
 * target index's media type, the index written is the target's own bytes, so its digest is the
 * target's; otherwise a new index, the target's with the restored manifests in place of its own, and
 * a note saying which platforms differ.
 */
final class IndexDeltaApply {

  private final DeltaCodec codec;
  private final Parallel parallel;
  private final CopyOptions copyOptions;
  private final DeltaListener listener;

  IndexDeltaApply(
      DeltaCodec codec, Parallel parallel, CopyOptions copyOptions, DeltaListener listener) {
    this.codec = codec;
    this.parallel = parallel;
    this.copyOptions = copyOptions;
    this.listener = listener;
  }

  /** Restores the whole index into {@code output}, which must hold indexes (a registry, an OCI layout). */
  ImageDeltaSummary apply(
      Transports transports,
      RunDirectory run,
      ImageReference delta,
      DeltaIndex.Read read,
      ImageReference output,
      Optional<ImageReference> source)
      throws IOException {
    long started = System.nanoTime();
    ImageIndex target = read.targetIndex();
    List<ImageDeltaSummary.PlatformSummary> platforms = new ArrayList<>();
    List<Descriptor> restored = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    long sourceBytes = 0;
    long targetBytes = 0;
    long deltaBytes = 0;
    Digest written;
    try (ImageSink sink = transports.openSink(output)) {
      IndexPartSink parts = new IndexPartSink(sink);
      int n = read.entries().size();
      for (int i = 0; i < n; i++) {
        DeltaIndex.Entry entry = read.entries().get(i);
        String platform = DeltaIndex.platformOf(entry.target());
        listener.progress("platform " + platform + " (" + (i + 1) + "/" + n + ")", i, n);
        try (RunDirectory own = RunDirectory.create(run.path());
            ImageSource del = transports.openManifest(delta, entry.written())) {
          if (entry.whole()) {
            ImageCopy.transfer(del, parts, copyOptions, own);
            Descriptor d = parts.lastWritten();
            boolean exact = d.digest().equals(entry.target().digest());
            long bytes = parts.lastWrittenBlobBytes();
            platforms.add(new ImageDeltaSummary.PlatformSummary(
                platform, entry.target().digest(), null, bytes, exact));
            restored.add(d);
            // As on diff: the delta carries these blobs.
            deltaBytes += bytes;
          } else {
            Platform wanted = entry.target().platform();
            ImageDeltaSummary summary = new DeltaApply(codec, parallel, copyOptions, listener)
                .apply(
                    own,
                    del,
                    delta,
                    output + " (" + platform + ")",
                    source,
                    given -> wanted == null
                        ? transports.openSource(given)
                        : transports.openSource(given, wanted),
                    () -> parts);
            Descriptor d = parts.lastWritten();
            restored.add(d);
            platforms.add(new ImageDeltaSummary.PlatformSummary(
                platform,
                entry.target().digest(),
                summary,
                0,
                d.digest().equals(entry.target().digest())));
            summary.notes().forEach(note -> notes.add(platform + ": " + note));
            sourceBytes += summary.sourceBytes();
            targetBytes += summary.targetBytes();
            deltaBytes += summary.deltaBytes();
          }
        }
      }
      List<String> inexact = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Descriptor t = target.manifests().get(i);
        Descriptor r = restored.get(i);
        if (!r.digest().equals(t.digest()) || r.size() != t.size()) {
          inexact.add(platforms.get(i).platform());
        }
      }
      listener.progress("writing the index " + output, 0, -1);
      if (inexact.isEmpty() && sink.storesIndexType(target.mediaType())) {
        written = sink.commitIndex(target.bytes(), target.mediaType());
      } else {
        String mediaType =
            sink.storesIndexType(target.mediaType()) ? target.mediaType() : MediaTypes.OCI_INDEX;
        written = sink.commitIndex(renamed(target, restored, mediaType), mediaType);
        notes.add("the restored index is new (" + written + ", the target's is " + target.digest()
            + "): "
            + (inexact.isEmpty()
                ? output + " stores " + MediaTypes.OCI_INDEX + " only"
                : "platforms " + inexact + " got new manifests")
            + "; it names the restored manifests, every image ID is the target's");
      }
    }
    return new ImageDeltaSummary(
        read.sourceIndex(),
        target.digest(),
        sourceBytes,
        targetBytes,
        deltaBytes,
        List.of(),
        List.of(),
        written,
        written.equals(target.digest()),
        notes,
        System.nanoTime() - started,
        target.digest(),
        false,
        platforms);
  }

  /** The target index with each entry's manifest replaced by the one restored (platform and annotations kept). */
  static byte[] renamed(ImageIndex target, List<Descriptor> restored, String mediaType) {
    ObjectNode root = (ObjectNode) Json.read(target.bytes(), "the target index").deepCopy();
    root.put("mediaType", mediaType);
    JsonNode manifests = root.path("manifests");
    for (int i = 0; i < restored.size(); i++) {
      ObjectNode entry = (ObjectNode) manifests.get(i);
      Descriptor r = restored.get(i);
      entry.put("mediaType", r.mediaType());
      entry.put("digest", r.digest().toString());
      entry.put("size", r.size());
    }
    return Json.write(root);
  }
}
