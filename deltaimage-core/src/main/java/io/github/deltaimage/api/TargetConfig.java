package io.github.deltaimage.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of an image's config that {@code docker build} would lose when the image is rebuilt
 * {@code FROM scratch} from its files alone, and that a Dockerfile can set again.
 *
 * <p>{@code entrypoint} and {@code cmd} are null when unset (an empty list is a different, explicit
 * value); the other fields are empty when unset. Exposed ports and volumes are kept sorted and
 * labels by key, so that equal configs compare (and encode) equal.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetConfig(
    @JsonProperty("env") List<String> env,
    @JsonProperty("entrypoint") List<String> entrypoint,
    @JsonProperty("cmd") List<String> cmd,
    @JsonProperty("workingDir") String workingDir,
    @JsonProperty("user") String user,
    @JsonProperty("exposedPorts") List<String> exposedPorts,
    @JsonProperty("volumes") List<String> volumes,
    @JsonProperty("labels") Map<String, String> labels) {

  /** Where the diff records the target's config in the delta image. */
  public static final String LABEL = "io.github.deltaimage.target-config";

  // Version 1 of the label format; unknown fields of a later version are ignored, not fatal.
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Copies the lists and maps, so the value stays as given. */
  public TargetConfig {
    env = env == null ? List.of() : List.copyOf(env);
    entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
    cmd = cmd == null ? null : List.copyOf(cmd);
    workingDir = workingDir == null ? "" : workingDir;
    user = user == null ? "" : user;
    exposedPorts = exposedPorts == null ? List.of() : sorted(exposedPorts);
    volumes = volumes == null ? List.of() : sorted(volumes);
    labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  /** The same config without {@code key} among its labels (the delta image's own label, for one). */
  public TargetConfig withoutLabel(String key) {
    Map<String, String> rest = new TreeMap<>(labels);
    rest.remove(key);
    return new TargetConfig(env, entrypoint, cmd, workingDir, user, exposedPorts, volumes, rest);
  }

  /** The label value: base64 of compact JSON, so that it needs no quoting in a Dockerfile. */
  public String toLabelValue() {
    try {
      return Base64.getEncoder().encodeToString(MAPPER.writeValueAsBytes(this));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + this, e);
    }
  }

  /** Reads a label value written by {@link #toLabelValue()}. */
  public static TargetConfig fromLabelValue(String value, String image) {
    try {
      byte[] json = Base64.getDecoder().decode(value.strip());
      return MAPPER.readValue(new String(json, StandardCharsets.UTF_8), TargetConfig.class);
    } catch (IllegalArgumentException | JsonProcessingException e) {
      throw new InvalidInputException(
          "label " + LABEL + " of " + image
              + " is not a config recorded by deltaimage docker-file diff; rebuild the delta image with it");
    }
  }

  private static List<String> sorted(List<String> values) {
    List<String> copy = new ArrayList<>(values);
    copy.sort(null);
    return List.copyOf(copy);
  }
}
