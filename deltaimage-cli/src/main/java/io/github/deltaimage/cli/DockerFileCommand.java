package io.github.deltaimage.cli;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageConfigs;
import io.github.deltaimage.api.TargetConfig;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code deltaimage docker-file diff|apply}: print the Dockerfiles that make and restore a delta
 * image with {@code docker build} alone, as the original does. When a Docker daemon is reachable,
 * the target's config is recorded and restored too.
 */
@Command(
    name = "docker-file",
    mixinStandardHelpOptions = true,
    description =
        "Print Dockerfiles that make (diff) or restore (apply) a delta image with docker build.",
    subcommands = {DockerFileCommand.Diff.class, DockerFileCommand.Apply.class})
final class DockerFileCommand implements Runnable {

  /** How the commands reach image configs; tests put a stand-in here. */
  static Supplier<Optional<ImageConfigs>> configs = DeltaImage::daemonImageConfigs;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "docker-file needs a command: diff or apply");
  }

  /** What both subcommands share: the tool image version and the config lookup. */
  abstract static class Base implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--override-version",
        paramLabel = "V",
        description =
            "Tag of the deltaimage/deltaimage tool image to use (default: this build's version).")
    String overrideVersion;

    @Option(
        names = "--no-config",
        description =
            "Do not inspect the Docker daemon: print exactly the original's Dockerfile (the restored image's config stays empty).")
    boolean noConfig;

    String toolImage() {
      return DeltaImage.dockerfileToolImage(
          overrideVersion != null ? overrideVersion : DeltaImage.version());
    }

    /**
     * Asks the daemon about {@code image} and hands its config to {@code use}. Every way this can
     * come up empty is one warning line on stderr, never a failure: the Dockerfile without the
     * config still restores the files, as the original's does.
     */
    Optional<TargetConfig> lookUp(
        String what, String image, Function<TargetConfig, Optional<TargetConfig>> use) {
      if (noConfig) {
        return Optional.empty();
      }
      PrintWriter err = spec.commandLine().getErr();
      Optional<ImageConfigs> daemon;
      try {
        daemon = configs.get();
      } catch (EnvironmentException e) {
        warn(err, e.getMessage() + "; " + consequence());
        return Optional.empty();
      }
      if (daemon.isEmpty()) {
        warn(
            err,
            "no Docker daemon to inspect " + what
                + " (DOCKER_HOST unset, no /var/run/docker.sock); " + consequence());
        return Optional.empty();
      }
      try (ImageConfigs engine = daemon.get()) {
        Optional<TargetConfig> config = engine.configOf(image);
        if (config.isEmpty()) {
          warn(
              err,
              what + " " + image + " is not in the Docker daemon at " + engine.endpoint()
                  + " (docker pull it first); " + consequence());
          return Optional.empty();
        }
        return use.apply(config.get());
      } catch (EnvironmentException e) {
        warn(err, e.getMessage() + "; " + consequence());
        return Optional.empty();
      }
    }

    abstract String consequence();

    static void warn(PrintWriter err, String message) {
      err.println("deltaimage: warning: " + message);
      err.flush();
    }

    void print(String dockerfile) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(dockerfile);
      out.flush();
    }
  }

  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description = "Print a Dockerfile whose build is the delta image from IMAGE_A to IMAGE_B.")
  static final class Diff extends Base {
    @CommandLine.Parameters(index = "0", paramLabel = "IMAGE_A", description = "The source image.")
    String source;

    @CommandLine.Parameters(index = "1", paramLabel = "IMAGE_B", description = "The target image.")
    String target;

    @Option(
        names = "--unlinked",
        description = "Make the delta image FROM scratch instead of FROM IMAGE_A.")
    boolean unlinked;

    @Override
    public void run() {
      String tool = toolImage();
      Optional<TargetConfig> config = lookUp("IMAGE_B", target, Optional::of);
      print(DeltaImage.dockerfileDiff(source, target, unlinked, tool, config));
    }

    @Override
    String consequence() {
      return "printing the original's Dockerfile, so the restored image will not get IMAGE_B's config back";
    }
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = "Print a Dockerfile whose build is the image restored from DELTA_IMAGE.")
  static final class Apply extends Base {
    @CommandLine.Parameters(
        index = "0",
        paramLabel = "DELTA_IMAGE",
        description = "The delta image.")
    String deltaImage;

    @Option(
        names = "--unlinked-source",
        paramLabel = "IMAGE",
        description = "The source image of a delta image made with --unlinked.")
    String unlinkedSource;

    @Override
    public void run() {
      String tool = toolImage();
      Optional<TargetConfig> config = lookUp("DELTA_IMAGE", deltaImage, delta -> {
        String recorded = delta.labels().get(TargetConfig.LABEL);
        if (recorded == null) {
          warn(
              spec.commandLine().getErr(),
              "DELTA_IMAGE " + deltaImage + " has no recorded config (made by the original"
                  + " deltaimage, or without a Docker daemon); the restored image's config will be empty");
          return Optional.empty();
        }
        return Optional.of(TargetConfig.fromLabelValue(recorded, deltaImage));
      });
      print(DeltaImage.dockerfileApply(
          deltaImage, Optional.ofNullable(unlinkedSource), tool, config));
    }

    @Override
    String consequence() {
      return "printing the original's Dockerfile, so the restored image's config will be empty";
    }
  }
}
