package io.github.deltaimage.maven;

import io.github.deltaimage.api.BaseChoice;
import io.github.deltaimage.api.DeltaEngine;
import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.DeltaReports;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.SummaryText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Makes a delta image: the source image's layers plus one small layer that turns the source into
 * the target. {@code deltaimage:apply} restores the target from it, identical to the original
 * (same image ID). Bound to {@code deploy} by default, as release pipelines make the delta once
 * the new image is pushed.
 *
 * <p>Image references are those of containers-transports: {@code docker://HOST/REPO:TAG} or a bare
 * {@code HOST/REPO:TAG} (a registry), {@code docker-daemon:REPO:TAG}, {@code oci:DIR[:TAG]},
 * {@code docker-archive:FILE[:REPO:TAG]}.
 *
 * @since 0.2.0
 */
@Mojo(
    name = "diff",
    defaultPhase = LifecyclePhase.DEPLOY,
    threadSafe = true,
    requiresProject = false)
public class DiffMojo extends AbstractDeltaImageMojo {

  /**
   * The image the delta is made against: the one your users already have, e.g.
   * {@code registry.example.com/app:1.0}.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.SOURCE)
  String source;

  /**
   * The image the delta restores, e.g. {@code registry.example.com/app:1.1}.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.TARGET)
  String target;

  /**
   * Where the delta image is written. When omitted: next to the target, named as
   * {@code <deltaNaming>} says ({@code registry.example.com/app:1.1} gives
   * {@code registry.example.com/app-delta:1.1} by default).
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.DELTA)
  String delta;

  /**
   * How the delta is named when {@code <delta>} is omitted. {@code repository} (the default): a
   * sibling repository with the target's tag, {@code registry.example.com/app-delta:1.1}, so the
   * release repository lists releases only and tag automation (Renovate, Flux or Argo image policies,
   * "newest tag" scripts) never picks a delta; the source's layers are mounted across repositories,
   * stored once. {@code tag}: the target's repository with {@code -delta} appended to the tag,
   * {@code registry.example.com/app:1.1-delta}. An OCI layout's delta goes into the same layout as
   * {@code 1.1-delta} and an archive's into {@code NAME-delta.tar} either way.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.DELTA_NAMING, defaultValue = "repository")
  String deltaNaming;

  /**
   * Leave the source's layers out of the delta image: it then holds only the delta layer, and
   * {@code deltaimage:apply} needs {@code <source>}.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.UNLINKED, defaultValue = "false")
  boolean unlinked;

  /**
   * More images the delta may be made against, besides {@code <source>} (which may then be left
   * out): each is estimated from its files' content hashes, the best two are encoded for real, and
   * the smaller delta is kept. The log and the report say which base won and by how much. The delta
   * records its own base, so {@code deltaimage:apply} needs nothing more. On the command line:
   * {@code -Ddeltaimage.candidates=reg/app:1.0,reg/app:1.0.1}.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.CANDIDATES)
  List<String> candidates;

  /**
   * Also take as candidates the last N tags of the target's registry repository: those that sort,
   * as versions ({@code 1.9 < 1.10}), just before the target's tag; tags ending in {@code -delta}
   * are left out. {@code 0}: none.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.CANDIDATE_TAGS, defaultValue = "0")
  int candidateTags;

  /**
   * The engine that encodes each layer's changes: {@code smallest} (the suffix-array engine, and
   * LZMA2 with the source as dictionary too where that may be smaller; the smaller is kept),
   * {@code suffix-array}, {@code lzma2-dictionary} or {@code xdelta3}. {@code deltaimage:apply}
   * needs no choice: each layer's delta names its engine.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.ENGINE, defaultValue = "smallest")
  String engine;

  @Inject
  public DiffMojo(SettingsDecrypter settingsDecrypter) {
    super(settingsDecrypter);
  }

  @Override
  String goal() {
    return "diff";
  }

  @Override
  void doExecute() throws MojoFailureException, MojoExecutionException {
    boolean choosing = (candidates != null && !candidates.isEmpty()) || candidateTags > 0;
    if (choosing) {
      chooseTheBase();
      return;
    }
    String sourceText =
        required(source, "source", UserProperties.SOURCE, "registry.example.com/app:1.0");
    String targetText =
        required(target, "target", UserProperties.TARGET, "registry.example.com/app:1.1");
    ImageReference sourceImage = reference(sourceText, "source", UserProperties.SOURCE);
    ImageReference targetImage = reference(targetText, "target", UserProperties.TARGET);
    DefaultDelta.Naming naming =
        DefaultDelta.Naming.parse(deltaNaming == null ? "repository" : deltaNaming);
    if (naming == null) {
      throw new MojoFailureException("The parameter "
          + UserProperties.describe("deltaNaming", UserProperties.DELTA_NAMING) + " is '"
          + deltaNaming + "': use repository (app-delta:1.1, the default) or tag (app:1.1-delta)");
    }
    String deltaText = delta != null && !delta.isBlank()
        ? delta.trim()
        : DefaultDelta.forTarget(targetImage, naming);
    if (deltaText == null) {
      required(null, "delta", UserProperties.DELTA, "docker-daemon:app:delta");
    }
    ImageReference deltaImage = reference(deltaText, "delta", UserProperties.DELTA);
    if (delta == null || delta.isBlank()) {
      getLog()
          .info("No " + UserProperties.describe("delta", UserProperties.DELTA)
              + " given: writing the delta to " + deltaImage + " ("
              + UserProperties.describe("deltaNaming", UserProperties.DELTA_NAMING) + " " + naming
              + ")");
    }

    getLog()
        .info("Making the " + (unlinked ? "unlinked " : "") + "delta " + sourceImage + " -> "
            + targetImage + " into " + deltaImage);
    ImageDeltaSummary summary = DeltaImage.diffImages(
        sourceImage,
        targetImage,
        deltaImage,
        unlinked,
        diffOptions(List.of(sourceImage, targetImage, deltaImage)));
    endProgress();
    getLog()
        .info((summary.ofIndex() ? "Wrote the delta index " : "Wrote the delta image ")
            + deltaImage
            + (summary.manifestDigest() == null
                ? ""
                : (summary.ofIndex() ? " (its digest: " : " (the delta's own manifest digest: ")
                    + summary.manifestDigest() + ")"));

    Map<String, String> images = new LinkedHashMap<>();
    images.put("source", sourceImage.toString());
    images.put("target", targetImage.toString());
    images.put("delta", deltaImage.toString());
    report(
        new DeltaReports.Run(goal(), images, unlinked, DeltaImage.version()),
        summary,
        SummaryText.willReproduce(summary));
  }

  /** Core's options, with the engine asked for. */
  private DeltaOptions diffOptions(List<ImageReference> images) throws MojoFailureException {
    DeltaEngine chosen;
    try {
      chosen = DeltaEngine.fromLabel(engine == null ? "smallest" : engine);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("The parameter "
          + UserProperties.describe("engine", UserProperties.ENGINE) + " is invalid: "
          + e.getMessage());
    }
    return options(images).withEngine(chosen);
  }

  /** The diff with {@code <candidates>} or {@code <candidateTags>}: core estimates, encodes the best two, keeps the smaller. */
  private void chooseTheBase() throws MojoFailureException, MojoExecutionException {
    String targetText =
        required(target, "target", UserProperties.TARGET, "registry.example.com/app:1.1");
    ImageReference targetImage = reference(targetText, "target", UserProperties.TARGET);
    String deltaText =
        delta != null && !delta.isBlank() ? delta.trim() : DefaultDelta.forTarget(targetImage);
    ImageReference deltaImage = reference(
        required(deltaText, "delta", UserProperties.DELTA, "docker-daemon:app:delta"),
        "delta",
        UserProperties.DELTA);
    List<ImageReference> named = new ArrayList<>();
    if (source != null && !source.isBlank()) {
      named.add(reference(source.trim(), "source", UserProperties.SOURCE));
    }
    for (String candidate : candidates == null ? List.<String>of() : candidates) {
      if (candidate != null && !candidate.isBlank()) {
        named.add(reference(candidate.trim(), "candidates", UserProperties.CANDIDATES));
      }
    }
    List<ImageReference> every = new ArrayList<>(named);
    every.add(targetImage);
    every.add(deltaImage);
    DeltaOptions options = diffOptions(every);
    List<String> all =
        new ArrayList<>(named.stream().map(ImageReference::toString).toList());
    if (candidateTags > 0) {
      List<String> tags = DeltaImage.previousTags(targetImage.toString(), candidateTags, options);
      getLog()
          .info("The last " + candidateTags + " tags before " + targetImage + ": "
              + (tags.isEmpty() ? "none" : tags));
      all.addAll(tags);
    }
    if (all.isEmpty()) {
      throw new MojoFailureException("No candidate source: give "
          + UserProperties.describe("source", UserProperties.SOURCE) + ", "
          + UserProperties.describe("candidates", UserProperties.CANDIDATES)
          + " or a repository with earlier tags for "
          + UserProperties.describe("candidateTags", UserProperties.CANDIDATE_TAGS));
    }
    getLog()
        .info("Choosing the base among " + all.size() + " candidates for " + targetImage + ", into "
            + deltaImage);
    BaseChoice choice = DeltaImage.diffImagesFromBestBase(
        all, targetImage.toString(), deltaImage.toString(), unlinked, options);
    ImageDeltaSummary summary = choice.summary();
    endProgress();
    getLog()
        .info("Wrote the delta image " + deltaImage
            + (summary.manifestDigest() == null
                ? ""
                : " (the delta's own manifest digest: " + summary.manifestDigest() + ")"));

    Map<String, String> images = new LinkedHashMap<>();
    images.put("source", choice.chosen().toString());
    images.put("target", targetImage.toString());
    images.put("delta", deltaImage.toString());
    images.put("candidates", String.join(" ", all));
    report(
        new DeltaReports.Run(goal(), images, unlinked, DeltaImage.version()),
        summary,
        SummaryText.willReproduce(summary));
  }

  @Override
  String hintFor(InvalidInputException e) {
    if ((candidates != null && !candidates.isEmpty()) || candidateTags > 0) {
      return " (check " + UserProperties.describe("candidates", UserProperties.CANDIDATES) + ", "
          + UserProperties.describe("source", UserProperties.SOURCE) + " and "
          + UserProperties.describe("target", UserProperties.TARGET) + ")";
    }
    return " (check " + UserProperties.describe("source", UserProperties.SOURCE) + " and "
        + UserProperties.describe("target", UserProperties.TARGET) + ")";
  }
}
