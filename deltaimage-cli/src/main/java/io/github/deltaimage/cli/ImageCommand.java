package io.github.deltaimage.cli;

import io.github.deltaimage.api.BaseChoice;
import io.github.deltaimage.api.ByteSizes;
import io.github.deltaimage.api.DeltaContents;
import io.github.deltaimage.api.DeltaEngine;
import io.github.deltaimage.api.DeltaEventListener;
import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.DeltaReports;
import io.github.deltaimage.api.FileDecision;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.SummaryText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code deltaimage image diff|apply|inspect}: exact deltas between images, in any transport. */
@Command(
    name = "image",
    mixinStandardHelpOptions = true,
    description = {
      "Exact image deltas: the restored image is the target itself (image ID, config, layers, timestamps).",
      "References: docker://HOST/REPO:TAG, docker-daemon:REPO:TAG, oci:DIR[:TAG], docker-archive:FILE[:REPO:TAG];"
          + " a bare NAME[:TAG] is a registry image, as docker pull reads it."
    },
    subcommands = {ImageCommand.Diff.class, ImageCommand.Apply.class, ImageCommand.Inspect.class})
final class ImageCommand implements Runnable {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand
  Main main;

  /** What the image commands report to: every step and file under --debug, else a status line on a terminal. */
  DeltaEventListener listener(PrintWriter err) {
    return main != null && main.debug ? new DecisionLog(err) : TerminalStatus.forTerminal(err);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "image needs a command: diff, apply or inspect");
  }

  /** What the image commands share: tool and transport options, output, progress. */
  abstract static class ImageSubcommand implements Runnable {
    @Mixin
    ToolOptions tool;

    @Mixin
    TransportOptions transport;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    ImageCommand image;

    DeltaOptions options() {
      return transport.applyTo(tool.toOptions()).withListener(image.listener(err()));
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    /**
     * Writes GOAL-report.json and GOAL-report.html into {@code directory} when one was given: the
     * same reports, field for field, as the Maven goals leave in target/deltaimage.
     */
    void writeReports(
        Path directory,
        String goal,
        Map<String, String> images,
        boolean unlinked,
        ImageDeltaSummary summary) {
      if (directory == null) {
        return;
      }
      Path json = DeltaReports.write(
          directory, new DeltaReports.Run(goal, images, unlinked, DeltaImage.version()), summary);
      out().println("reports: " + json + " and " + json.resolveSibling(goal + "-report.html"));
    }
  }

  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description =
          "Make DELTA: SRC's layers (unless --unlinked) plus one small layer that turns SRC into TGT.")
  static final class Diff extends ImageSubcommand {
    @Parameters(
        index = "0",
        paramLabel = "SRC",
        description = "The image the delta is made against.")
    String source;

    @Parameters(index = "1", paramLabel = "TGT", description = "The image the delta restores.")
    String target;

    @Parameters(
        index = "2",
        paramLabel = "DELTA",
        description = "Where the delta image is written.")
    String delta;

    @Option(
        names = "--unlinked",
        description = "Leave SRC's layers out; apply then needs --source.")
    boolean unlinked;

    @Option(
        names = "--candidate",
        paramLabel = "SRC",
        description = {
          "Another image the delta may be made against (repeatable). SRC and every candidate are estimated"
              + " from their files' content hashes, the best two encoded, and the smaller delta kept; it records its own base."
        })
    java.util.List<String> candidates = new java.util.ArrayList<>();

    @Option(
        names = "--engine",
        paramLabel = "NAME",
        description = {
          "The engine that encodes each layer's changes: smallest (default: the suffix-array engine,"
              + " and LZMA2 with the source as dictionary too where that may be smaller), suffix-array,"
              + " lzma2-dictionary or xdelta3 (with --level, --secondary, --max-window). Apply needs no"
              + " choice."
        })
    String engine;

    @Option(
        names = "--report",
        paramLabel = "DIR",
        description =
            "Also write diff-report.json (for pipelines: sizes, what apply will reproduce and,"
                + " per layer, why) and diff-report.html into DIR, as the Maven goal does.")
    Path reportDirectory;

    @Override
    DeltaOptions options() {
      DeltaOptions options = super.options();
      if (engine == null) {
        return options;
      }
      try {
        return options.withEngine(DeltaEngine.fromLabel(engine));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }

    @Override
    public void run() {
      Map<String, String> images = new LinkedHashMap<>();
      ImageDeltaSummary summary;
      if (candidates.isEmpty()) {
        summary = DeltaImage.diffImages(source, target, delta, unlinked, options());
        images.put("source", source);
      } else {
        BaseChoice choice = DeltaImage.diffImagesFromBestBase(
            BestBaseWords.sourceFirst(source, candidates), target, delta, unlinked, options());
        summary = choice.summary();
        images.put("source", choice.chosen().toString());
        images.put("candidates", String.join(" ", BestBaseWords.sourceFirst(source, candidates)));
      }
      images.put("target", target);
      images.put("delta", delta);
      TerminalStatus.clear(err());
      PrintWriter out = out();
      out.printf(
          Locale.ROOT,
          summary.ofIndex()
              ? "delta index %s: index %s -> %s, %.1f s%n"
              : "delta %s: %s -> %s, %.1f s%n",
          delta,
          summary.sourceImageId(),
          summary.targetImageId(),
          summary.elapsedNanos() / 1e9);
      out.println(SummaryText.sizes(summary));
      out.println(SummaryText.willReproduce(summary));
      if (summary.manifestDigest() != null) {
        out.println((summary.ofIndex()
                ? "the delta index's own digest: "
                : "the delta image's own manifest digest: ")
            + summary.manifestDigest());
      }
      summary.platforms().forEach(p -> out.println("  " + SummaryText.platform(p, false)));
      SummaryText.layers(summary).forEach(line -> out.println("  " + line));
      if (!summary.topFiles().isEmpty()) {
        out.println("top files by delta bytes:");
        for (FileDecision file : summary.topFiles()) {
          out.printf(
              Locale.ROOT,
              "  %10s  %-16s %s%n",
              ByteSizes.format(file.storedSize()),
              file.outcome(),
              file.path());
        }
      }
      summary.notes().forEach(note -> out.println("note: " + note));
      writeReports(reportDirectory, "diff", images, unlinked, summary);
      out.flush();
    }
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description =
          "Restore into OUT the target image of DELTA, identical to the original; checked before anything is written.")
  static final class Apply extends ImageSubcommand {
    @Parameters(index = "0", paramLabel = "DELTA", description = "The delta image.")
    String delta;

    @Parameters(
        index = "1",
        paramLabel = "OUT",
        description = "Where the restored image is written.")
    String output;

    @Option(
        names = "--source",
        paramLabel = "SRC",
        description = "The source image, for an unlinked delta.")
    String source;

    @Option(
        names = "--report",
        paramLabel = "DIR",
        description = "Also write apply-report.json (restored and target manifest digests, sizes,"
            + " per layer how it was had) and apply-report.html into DIR, as the Maven goal does.")
    Path reportDirectory;

    @Override
    public void run() {
      ImageDeltaSummary summary =
          DeltaImage.applyImages(delta, output, Optional.ofNullable(source), options());
      TerminalStatus.clear(err());
      PrintWriter out = out();
      out.println(SummaryText.restored(summary, output)
          + String.format(Locale.ROOT, ", %.1f s", summary.elapsedNanos() / 1e9));
      out.println(SummaryText.sizes(summary));
      summary.platforms().forEach(p -> out.println("  " + SummaryText.platform(p, true)));
      // The same per-layer lines as diff's, in the output's terms (blobs, or tars for the daemon
      // and archives).
      SummaryText.layers(summary).forEach(line -> out.println("  " + line));
      summary.notes().forEach(note -> out.println("note: " + note));
      Map<String, String> images = new LinkedHashMap<>();
      images.put("delta", delta);
      images.put("output", output);
      if (source != null) {
        images.put("source", source);
      }
      writeReports(reportDirectory, "apply", images, source != null, summary);
      out.flush();
    }
  }

  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = "Show what a delta image holds.")
  static final class Inspect extends ImageSubcommand {
    @Parameters(index = "0", paramLabel = "DELTA", description = "The delta image.")
    String delta;

    @Override
    public void run() {
      DeltaContents contents = DeltaImage.inspectImage(delta, options());
      PrintWriter out = out();
      out.printf(
          Locale.ROOT,
          "delta made by deltaimage %s, %s%n",
          contents.tool(),
          contents.linked()
              ? "linked (carries the source's " + contents.sourceLayers() + " layers)"
              : "unlinked");
      out.printf(
          Locale.ROOT,
          "source %s%ntarget %s%ndelta layer %s%n",
          contents.sourceImageId(),
          contents.targetImageId(),
          ByteSizes.format(contents.deltaBlobBytes()));
      long targetBlobs = 0;
      for (DeltaContents.LayerPart layer : contents.layers()) {
        targetBlobs += layer.blobBytes() > 0 ? layer.blobBytes() : 0;
        out.printf(
            Locale.ROOT,
            "  layer %s  %s%n",
            layer.diffId().shortHex(),
            layer.fromSource()
                ? "in the source"
                : "blob " + ByteSizes.format(layer.blobBytes()) + " carried in "
                    + ByteSizes.format(layer.deltaBytes())
                    + (layer.engine() == null ? "" : " by " + layer.engine().label())
                    + (layer.blobExact() ? "" : " (blob not reproducible)"));
      }
      if (targetBlobs > 0) {
        out.printf(
            Locale.ROOT,
            "saves %s of %s target blob bytes%n",
            ByteSizes.format(targetBlobs - contents.deltaBlobBytes()),
            ByteSizes.format(targetBlobs));
      }
      out.flush();
    }
  }
}
