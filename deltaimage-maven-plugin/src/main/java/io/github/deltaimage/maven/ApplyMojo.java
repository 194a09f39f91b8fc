package io.github.deltaimage.maven;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaReports;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.SourceRequiredException;
import io.github.deltaimage.api.SummaryText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Restores the target image of a delta image, identical to the original (image ID, config, layers;
 * the manifest digest too where the layer blobs can be rebuilt). Everything is checked before
 * anything is written. Needs no project:
 * {@code mvn io.github.deltaimage:deltaimage-maven-plugin:VERSION:apply -Ddeltaimage.delta=... -Ddeltaimage.output=...}.
 *
 * @since 0.2.0
 */
@Mojo(
    name = "apply",
    defaultPhase = LifecyclePhase.PACKAGE,
    threadSafe = true,
    requiresProject = false)
public class ApplyMojo extends AbstractDeltaImageMojo {

  /**
   * The delta image that {@code deltaimage:diff} made, e.g. {@code registry.example.com/app-delta:1.1}.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.DELTA)
  String delta;

  /**
   * Where the restored image is written, e.g. {@code docker-daemon:app:1.1}.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.OUTPUT)
  String output;

  /**
   * The source image the delta was made from; needed only for an unlinked delta
   * ({@code <unlinked>true</unlinked>} on {@code diff}). A linked delta carries its source.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.SOURCE)
  String source;

  @Inject
  public ApplyMojo(SettingsDecrypter settingsDecrypter) {
    super(settingsDecrypter);
  }

  @Override
  String goal() {
    return "apply";
  }

  @Override
  void doExecute() throws MojoFailureException, MojoExecutionException {
    ImageReference deltaImage = reference(
        required(delta, "delta", UserProperties.DELTA, "registry.example.com/app-delta:1.1"),
        "delta",
        UserProperties.DELTA);
    ImageReference outputImage = reference(
        required(output, "output", UserProperties.OUTPUT, "docker-daemon:app:1.1"),
        "output",
        UserProperties.OUTPUT);
    Optional<ImageReference> sourceImage = Optional.empty();
    if (source != null && !source.isBlank()) {
      sourceImage = Optional.of(reference(source.trim(), "source", UserProperties.SOURCE));
    }
    List<ImageReference> images = new ArrayList<>(List.of(deltaImage, outputImage));
    sourceImage.ifPresent(images::add);

    // Whether a given source is read or only checked (a linked delta carries its own) is core's
    // call; its notes say which.
    getLog().info("Restoring " + deltaImage + " into " + outputImage);
    ImageDeltaSummary summary =
        DeltaImage.applyImages(deltaImage, outputImage, sourceImage, options(images));
    Map<String, String> named = new LinkedHashMap<>();
    named.put("delta", deltaImage.toString());
    named.put("output", outputImage.toString());
    sourceImage.ifPresent(s -> named.put("source", s.toString()));
    report(
        new DeltaReports.Run(goal(), named, sourceImage.isPresent(), DeltaImage.version()),
        summary,
        SummaryText.restored(summary, outputImage.toString()));
  }

  @Override
  String hintFor(InvalidInputException e) {
    if (e instanceof SourceRequiredException) {
      return " with " + UserProperties.describe("source", UserProperties.SOURCE);
    }
    return " (check " + UserProperties.describe("delta", UserProperties.DELTA) + " and "
        + UserProperties.describe("source", UserProperties.SOURCE) + ")";
  }
}
