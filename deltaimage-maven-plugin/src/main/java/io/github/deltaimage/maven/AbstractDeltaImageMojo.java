package io.github.deltaimage.maven;

import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.DeltaReports;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.api.SummaryText;
import io.github.deltaimage.api.TempSpaceException;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * What every deltaimage goal shares: skipping, xdelta3, registry access and reports. Subclasses
 * validate their parameters and call core once; {@link #execute()} maps core's two failure families
 * to Maven's: the user's mistake ({@link InvalidInputException}) fails the build with a
 * {@link MojoFailureException}, the environment's ({@link EnvironmentException}) errors it with a
 * {@link MojoExecutionException}; the cause is always chained.
 *
 * <p>Parameters are checked here, not with {@code required = true}: Maven checks required
 * parameters before the goal runs, so {@code -Ddeltaimage.skip} could not skip a build that lacks them.
 */
public abstract class AbstractDeltaImageMojo extends AbstractMojo {

  /**
   * Skips every deltaimage goal, with one INFO line saying so.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.SKIP, defaultValue = "false")
  boolean skip;

  /**
   * The platform to take from a multi-platform image (an image index), as {@code OS/ARCH[/VARIANT]},
   * e.g. {@code linux/arm64}. Without it, {@code diff} of two multi-platform images writes a delta of
   * every platform (into a registry or an OCI layout) and {@code apply} restores them all; the Docker
   * daemon and docker-archives take this machine's platform.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.PLATFORM)
  String platform;

  /**
   * The xdelta3 binary. Default: {@code xdelta3} on the {@code PATH}.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.XDELTA3)
  File xdelta3;

  /**
   * Talk plain HTTP to every registry these images live in. {@code localhost}, {@code 127.0.0.1}
   * and {@code [::1]} always use plain HTTP; other registries use HTTPS unless this is true.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.ALLOW_INSECURE_REGISTRIES, defaultValue = "false")
  boolean allowInsecureRegistries;

  /**
   * User name for the registries images are read from. With {@code <pullPassword>} it comes before
   * settings.xml and the Docker config. Prefer a settings.xml {@code <server>} whose id is the
   * registry host (encrypted with {@code mvn --encrypt-password}).
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.PULL_USERNAME)
  String pullUsername;

  /**
   * Password or token for {@code <pullUsername>}.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.PULL_PASSWORD)
  String pullPassword;

  /**
   * User name for the registry the result is written to (the delta for {@code diff}, the restored
   * image for {@code apply}). With {@code <pushPassword>} it comes before settings.xml and the Docker config.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.PUSH_USERNAME)
  String pushUsername;

  /**
   * Password or token for {@code <pushUsername>}.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.PUSH_PASSWORD)
  String pushPassword;

  /**
   * Where the JSON and HTML reports go ({@code diff-report.json}, {@code diff-report.html},
   * {@code apply-report.*}). Default: {@code deltaimage} in the project's build directory
   * ({@code target/deltaimage}); without a project, {@code target/deltaimage} in the current directory.
   *
   * @since 0.2.0
   */
  @Parameter(property = UserProperties.REPORT_DIRECTORY)
  File reportDirectory;

  @Parameter(defaultValue = "${project}", readonly = true)
  MavenProject project;

  @Parameter(defaultValue = "${session}", readonly = true)
  MavenSession session;

  @Parameter(defaultValue = "${settings}", readonly = true)
  Settings settings;

  final SettingsDecrypter settingsDecrypter;

  /** @param settingsDecrypter Maven's, injected (JSR-330); decrypts settings.xml server passwords */
  AbstractDeltaImageMojo(SettingsDecrypter settingsDecrypter) {
    this.settingsDecrypter = settingsDecrypter;
  }

  /** The goal's name, for messages: {@code diff}, {@code apply}. */
  abstract String goal();

  /** Validates, calls core once, reports. Core's exceptions propagate; {@link #execute()} maps them. */
  abstract void doExecute() throws MojoFailureException, MojoExecutionException;

  @Override
  public final void execute() throws MojoFailureException, MojoExecutionException {
    if (skip) {
      getLog()
          .info("Skipping deltaimage:" + goal() + ": "
              + UserProperties.describe("skip", UserProperties.SKIP) + " is true");
      return;
    }
    try {
      doExecute();
    } catch (InvalidInputException e) {
      throw new MojoFailureException(
          "deltaimage:" + goal() + ": " + e.getMessage() + hintFor(e), e);
    } catch (TempSpaceException e) {
      throw new MojoExecutionException(
          "deltaimage:" + goal() + ": " + e.getMessage() + " (MAVEN_OPTS=-Djava.io.tmpdir=DIR)", e);
    } catch (EnvironmentException e) {
      throw new MojoExecutionException("deltaimage:" + goal() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new MojoExecutionException("deltaimage:" + goal() + " failed unexpectedly: " + e, e);
    } finally {
      // Maven's [ERROR] lines must not start on a redrawn progress line.
      if (progress != null) {
        progress.endLine();
      }
    }
  }

  /** What to check when core refused the input, e.g. which parameters name the images. */
  String hintFor(InvalidInputException e) {
    return "";
  }

  /** The value, or a failure naming the XML element and the {@code -D} property. */
  static String required(String value, String element, String property, String example)
      throws MojoFailureException {
    if (value == null || value.isBlank()) {
      throw new MojoFailureException("The parameter " + UserProperties.describe(element, property)
          + " is missing: set <" + element + ">" + example + "</" + element
          + "> in the plugin's <configuration>, or -D" + property + "=" + example);
    }
    return value.trim();
  }

  /** Parses an image reference, failing with the parameter's names when it is malformed. */
  static ImageReference reference(String value, String element, String property)
      throws MojoFailureException {
    try {
      return ImageReference.parse(value);
    } catch (InvalidInputException e) {
      throw new MojoFailureException(
          "The parameter " + UserProperties.describe(element, property)
              + " is not an image reference: " + e.getMessage(),
          e);
    }
  }

  private ProgressListener progress;

  private ProgressListener progress() {
    if (progress == null) {
      progress = new ProgressListener(getLog(), interactiveConsole());
    }
    return progress;
  }

  /**
   * Core's options for these images: xdelta3, platform, plain HTTP, logins (explicit parameters, then
   * settings.xml servers, then the Docker config, resolved once by core), and the progress listener.
   */
  DeltaOptions options(Collection<ImageReference> images) throws MojoFailureException {
    DeltaOptions.Builder options = DeltaOptions.builder().listener(progress());
    if (xdelta3 != null) {
      options.xdelta3(xdelta3.toPath());
    }
    if (platform != null && !platform.isBlank()) {
      try {
        options.platform(Platform.parse(platform.trim()));
      } catch (InvalidInputException e) {
        throw new MojoFailureException(
            "The parameter " + UserProperties.describe("platform", UserProperties.PLATFORM)
                + " is invalid: " + e.getMessage(),
            e);
      }
    }
    if (allowInsecureRegistries) {
      Set<String> hosts = new LinkedHashSet<>();
      for (ImageReference image : images) {
        if (image instanceof ImageReference.Registry r) {
          hosts.add(r.name().domain());
        }
      }
      getLog()
          .warn("Plain HTTP allowed to " + hosts + " ("
              + UserProperties.describe(
                  "allowInsecureRegistries", UserProperties.ALLOW_INSECURE_REGISTRIES)
              + ")");
      options.plainHttpHosts(hosts);
    }
    Credentials pull = explicitLogin(pullUsername, pullPassword, "pull");
    if (pull != null) {
      options.sourceCredentials(pull);
      getLog().info("Registry login for the images read: " + pull.describe());
    }
    Credentials push = explicitLogin(pushUsername, pushPassword, "push");
    if (push != null) {
      options.destinationCredentials(push);
      getLog().info("Registry login for the image written: " + push.describe());
    }
    List<org.apache.maven.settings.Server> servers =
        settings == null ? List.of() : settings.getServers();
    return options
        .credentialProvider(SettingsCredentialProvider.of(servers, settingsDecrypter))
        .build();
  }

  private static Credentials explicitLogin(String username, String password, String prefix)
      throws MojoFailureException {
    boolean hasUser = username != null && !username.isEmpty();
    boolean hasPassword = password != null && !password.isEmpty();
    if (hasUser != hasPassword) {
      String missing = hasUser ? prefix + "Password" : prefix + "Username";
      throw new MojoFailureException(
          "The parameter " + UserProperties.describe(missing, "deltaimage." + missing)
              + " is missing: <" + prefix + "Username> and <" + prefix + "Password> go together");
    }
    return hasUser
        ? new Credentials(username, password, false, "<" + prefix + "Username> parameter")
        : null;
  }

  /** The console for redrawn progress lines, or null under {@code -B} or without a terminal. */
  PrintStream interactiveConsole() {
    boolean interactive =
        session == null || session.getRequest() == null || session.getRequest().isInteractiveMode();
    return interactive && System.console() != null ? System.out : null;
  }

  /**
   * The report directory. Without a pom Maven runs a stand-in project whose build directory is the
   * unresolved {@code ${project.basedir}/target}, so that case uses the current directory's {@code target}.
   */
  Path reportPath() {
    if (reportDirectory != null) {
      return reportDirectory.toPath();
    }
    if (project != null && project.getFile() != null) {
      return Path.of(project.getBuild().getDirectory(), "deltaimage");
    }
    String root = session != null && session.getExecutionRootDirectory() != null
        ? session.getExecutionRootDirectory()
        : ".";
    return Path.of(root, "target", "deltaimage");
  }

  /** Ends the progress display: the redrawn line, or in batch mode the last step's line. */
  void endProgress() {
    progress().endLine();
    progress().finishStep();
  }

  /** Logs the summary (the same lines as the command line's) and writes the reports. */
  void report(DeltaReports.Run run, ImageDeltaSummary summary, String reproductionLine) {
    endProgress();
    Path json = DeltaReports.write(reportPath(), run, summary);
    getLog()
        .info(SummaryText.sizes(summary)
            + String.format(Locale.ROOT, "; %.1f s", summary.elapsedNanos() / 1e9));
    getLog().info(reproductionLine);
    boolean applied = !"diff".equals(run.goal());
    summary.platforms().forEach(p -> getLog().info("  " + SummaryText.platform(p, applied)));
    if (getLog().isDebugEnabled()) {
      SummaryText.layers(summary).forEach(line -> getLog().debug("  " + line));
    }
    summary.notes().forEach(note -> getLog().info("Note: " + note));
    getLog().info("Reports: " + json + " and " + json.resolveSibling(run.goal() + "-report.html"));
  }
}
