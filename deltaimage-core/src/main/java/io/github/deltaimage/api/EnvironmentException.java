package io.github.deltaimage.api;

/**
 * The environment failed us: a tool is missing, a disk is full, a daemon or registry is down. Not
 * the user's input; retrying elsewhere or fixing the machine helps.
 */
public class EnvironmentException extends DeltaImageException {
  private static final long serialVersionUID = 1L;

  /** The machine failed us, as {@code message} says. */
  public EnvironmentException(String message) {
    super(message);
  }

  /** The machine failed us, as {@code message} says, through {@code cause}. */
  public EnvironmentException(String message, Throwable cause) {
    super(message, cause);
  }
}
