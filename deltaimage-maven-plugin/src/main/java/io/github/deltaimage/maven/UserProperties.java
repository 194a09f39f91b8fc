package io.github.deltaimage.maven;

/**
 * Every user property the goals read ({@code -Ddeltaimage.<name>}). The parameter annotations use
 * these, and messages name them, so a property is spelled in one place.
 */
public final class UserProperties {

  public static final String SKIP = "deltaimage.skip";
  public static final String SOURCE = "deltaimage.source";
  public static final String TARGET = "deltaimage.target";
  public static final String DELTA = "deltaimage.delta";
  public static final String DELTA_NAMING = "deltaimage.deltaNaming";
  public static final String OUTPUT = "deltaimage.output";
  public static final String UNLINKED = "deltaimage.unlinked";
  public static final String CANDIDATES = "deltaimage.candidates";
  public static final String CANDIDATE_TAGS = "deltaimage.candidateTags";
  public static final String PLATFORM = "deltaimage.platform";
  public static final String ENGINE = "deltaimage.engine";
  public static final String XDELTA3 = "deltaimage.xdelta3";
  public static final String ALLOW_INSECURE_REGISTRIES = "deltaimage.allowInsecureRegistries";
  public static final String PULL_USERNAME = "deltaimage.pullUsername";
  public static final String PULL_PASSWORD = "deltaimage.pullPassword";
  public static final String PUSH_USERNAME = "deltaimage.pushUsername";
  public static final String PUSH_PASSWORD = "deltaimage.pushPassword";
  public static final String REPORT_DIRECTORY = "deltaimage.reportDirectory";

  private UserProperties() {}

  /** How a message names a parameter: its XML element and its {@code -D} form. */
  static String describe(String element, String property) {
    return "<" + element + "> (-D" + property + ")";
  }
}
