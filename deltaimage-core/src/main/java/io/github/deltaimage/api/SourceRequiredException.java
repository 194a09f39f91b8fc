package io.github.deltaimage.api;

/**
 * An unlinked delta was applied without its source image. Front ends add how to name the source in
 * their own words ({@code --source} on the command line, {@code <source>} in a pom).
 */
public class SourceRequiredException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  /** The image ID of the source the delta needs. */
  private final String sourceImageId;

  /** An unlinked delta needs the image {@code sourceImageId} as its source. */
  public SourceRequiredException(String sourceImageId) {
    super(
        "this delta is unlinked: it does not carry its source; name the source image it was made from ("
            + sourceImageId + ")");
    this.sourceImageId = sourceImageId;
  }

  /** The image ID of the source the delta was made from. */
  public String sourceImageId() {
    return sourceImageId;
  }
}
