package io.github.deltaimage.dockerfile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.TargetConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Writes the two Dockerfiles of {@code deltaimage docker-file}, in the original deltaimage's shape
 * line for line, with two deliberate differences that make them work on any image:
 *
 * <ul>
 *   <li>The tool is {@code /opt/deltaimage/deltaimage}: our {@code /opt/deltaimage} is a folder
 *       (a static launcher, a Java runtime, xdelta3 and their C libraries), not one static binary.
 *   <li>The apply stage says {@code USER 0:0}, not {@code USER root}: an image without
 *       {@code /etc/passwd} (FROM scratch, distroless) has no user named root, and the legacy
 *       builder refuses the RUN step then.
 * </ul>
 *
 * <p>With a {@link TargetConfig}, the diff records it in a label of the delta image and the apply
 * sets it again on the restored image, which the original left with an empty config. The one thing
 * no Dockerfile can do: the legacy builder gives every stage a default {@code PATH}, so a target
 * without one comes back with it.
 */
public final class Dockerfiles {

  /** The tool image's repository; its tag is the tool's version. */
  public static final String TOOL_REPOSITORY = "deltaimage/deltaimage";

  /** Where the delta tree lives inside a delta image (the original's path). */
  public static final String DELTA_PATH = "/__deltaimage__.delta";

  static final String TOOL = "/opt/deltaimage/deltaimage";

  // A reference is one word; anything else would inject Dockerfile syntax.
  private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]*");
  private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9._/-]+");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Dockerfiles() {}

  /** The tool image of {@code version}, e.g. {@code deltaimage/deltaimage:0.2.0}. */
  public static String toolImage(String version) {
    String image = TOOL_REPOSITORY + ":" + version;
    requireReference("--override-version", image);
    return image;
  }

  /**
   * {@code docker-file diff}: builds a delta image from {@code source} to {@code target}. It is
   * {@code FROM source} (the delta's layer on top of the source's), or {@code FROM scratch} when
   * {@code unlinked}.
   */
  public static String diff(
      String source,
      String target,
      boolean unlinked,
      String toolImage,
      Optional<TargetConfig> targetConfig) {
    requireReference("IMAGE_A", source);
    requireReference("IMAGE_B", target);
    requireReference("tool image", toolImage);
    StringBuilder out = new StringBuilder()
        .append("# Calculate delta under a temporary image\n")
        .append("FROM scratch as delta\n")
        .append("COPY --from=")
        .append(source)
        .append(" / /source/\n")
        .append("COPY --from=")
        .append(target)
        .append(" / /delta/\n")
        .append("COPY --from=")
        .append(toolImage)
        .append(" /opt/deltaimage /opt/deltaimage\n")
        .append("RUN [\"")
        .append(TOOL)
        .append("\", \"diff\", \"/source\", \"/delta\"]\n")
        .append('\n')
        .append("# Make the deltaimage\n")
        .append("FROM ")
        .append(unlinked ? "scratch" : source)
        .append('\n')
        .append("COPY --from=delta /delta ")
        .append(DELTA_PATH)
        .append('\n');
    targetConfig.ifPresent(config -> out.append("LABEL ")
        .append(TargetConfig.LABEL)
        .append("=\"")
        .append(config.toLabelValue())
        .append("\"\n"));
    return out.toString();
  }

  /**
   * {@code docker-file apply}: restores the target image from {@code deltaImage}. An unlinked delta
   * image holds no source files, so its source comes from {@code unlinkedSource}.
   */
  public static String apply(
      String deltaImage,
      Optional<String> unlinkedSource,
      String toolImage,
      Optional<TargetConfig> targetConfig) {
    requireReference("DELTA_IMAGE", deltaImage);
    unlinkedSource.ifPresent(image -> requireReference("--unlinked-source", image));
    requireReference("tool image", toolImage);
    StringBuilder out = new StringBuilder()
        .append("# Apply a delta under a temporary image\n")
        .append("FROM ")
        .append(deltaImage)
        .append(" as applied\n");
    unlinkedSource.ifPresent(image -> out.append("COPY --from=").append(image).append(" / /\n"));
    out.append("COPY --from=")
        .append(toolImage)
        .append(" /opt/deltaimage /opt/deltaimage\n")
        .append("USER 0:0\n")
        .append("RUN [\"")
        .append(TOOL)
        .append("\", \"apply\", \"/\", \"")
        .append(DELTA_PATH)
        .append("\"]\n")
        .append('\n')
        .append("# Make the original image from applied delta\n")
        .append("FROM scratch\n");
    targetConfig.ifPresent(config -> appendConfig(out, config));
    out.append("COPY --from=applied ").append(DELTA_PATH).append("/ /\n");
    // After the COPY: steps after a VOLUME may lose what they write into it.
    targetConfig.ifPresent(config -> appendVolumes(out, config));
    return out.toString();
  }

  /*
   * The config lines come before the COPY: the legacy builder runs a container for every
   * instruction, and in a stage that is still empty that costs nothing, while after the COPY it is a
   * full copy of the image each (vfs). For the same reason all variables go into one ENV and all
   * labels into one LABEL. A folder WORKDIR creates gets the target's owner, mode and mtime from
   * the COPY that follows, which sets them on folders that already exist.
   */
  private static void appendConfig(StringBuilder out, TargetConfig config) {
    out.append("# The target image's config, recorded by docker-file diff\n");
    List<String> variables = new ArrayList<>();
    for (String variable : config.env()) {
      int eq = variable.indexOf('=');
      if (eq <= 0) {
        throw new InvalidInputException(
            "the recorded ENV entry '" + variable + "' has no NAME=; a Dockerfile cannot set it");
      }
      String name = variable.substring(0, eq);
      if (!name.matches("[^\\s=\"'\\\\$]+")) {
        throw new InvalidInputException(
            "the recorded ENV name '" + name + "' cannot be written in a Dockerfile");
      }
      variables.add(name + "=" + quoted("ENV " + name, variable.substring(eq + 1)));
    }
    appendPairs(out, "ENV", variables);
    List<String> labels = new ArrayList<>();
    for (Map.Entry<String, String> label : config.labels().entrySet()) {
      String key = label.getKey();
      labels.add((PLAIN_WORD.matcher(key).matches() ? key : quoted("LABEL key", key)) + "="
          + quoted("LABEL " + key, label.getValue()));
    }
    appendPairs(out, "LABEL", labels);
    if (!config.exposedPorts().isEmpty()) {
      for (String port : config.exposedPorts()) {
        requirePlain("EXPOSE", port);
      }
      out.append("EXPOSE ").append(String.join(" ", config.exposedPorts())).append('\n');
    }
    if (!config.workingDir().isEmpty()) {
      out.append("WORKDIR ").append(escaped("WORKDIR", config.workingDir())).append('\n');
    }
    if (!config.user().isEmpty()) {
      out.append("USER ").append(escaped("USER", config.user())).append('\n');
    }
    // ENTRYPOINT before CMD: in this order neither resets the other.
    if (config.entrypoint() != null) {
      out.append("ENTRYPOINT ").append(jsonArray(config.entrypoint())).append('\n');
    }
    if (config.cmd() != null) {
      out.append("CMD ").append(jsonArray(config.cmd())).append('\n');
    }
  }

  private static void appendVolumes(StringBuilder out, TargetConfig config) {
    if (!config.volumes().isEmpty()) {
      for (String volume : config.volumes()) {
        // VOLUME expands $ even in its JSON form.
        if (volume.contains("$") || volume.contains("\n")) {
          throw new InvalidInputException(
              "the recorded VOLUME '" + volume + "' cannot be written in a Dockerfile");
        }
      }
      out.append("VOLUME ").append(jsonArray(config.volumes())).append('\n');
    }
  }

  /** One instruction with one KEY=VALUE pair a line. */
  private static void appendPairs(StringBuilder out, String instruction, List<String> pairs) {
    if (!pairs.isEmpty()) {
      out.append(instruction)
          .append(' ')
          .append(String.join(" \\\n    ", pairs))
          .append('\n');
    }
  }

  /** A double-quoted Dockerfile word: {@code \}, {@code "} and {@code $} (variable expansion) escaped. */
  static String quoted(String what, String value) {
    return "\"" + escaped(what, value).replace("\"", "\\\"") + "\"";
  }

  /** A Dockerfile word that the builder expands: {@code \} and {@code $} escaped. */
  static String escaped(String what, String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new InvalidInputException(
          "the recorded " + what + " holds a line break, which a Dockerfile cannot set;"
              + " rebuild the target without it or run docker-file diff --no-config");
    }
    return value.replace("\\", "\\\\").replace("$", "\\$");
  }

  private static String jsonArray(List<String> values) {
    try {
      return JSON.writeValueAsString(values).replace("\",\"", "\", \"");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void requirePlain(String what, String value) {
    if (!PLAIN_WORD.matcher(value).matches()) {
      throw new InvalidInputException(
          "the recorded " + what + " value '" + value + "' cannot be written in a Dockerfile");
    }
  }

  private static void requireReference(String what, String reference) {
    if (reference == null || !REFERENCE.matcher(reference).matches()) {
      throw new InvalidInputException(what + " '" + reference
          + "' is not an image reference (like name:tag or name@sha256:...)");
    }
  }
}
