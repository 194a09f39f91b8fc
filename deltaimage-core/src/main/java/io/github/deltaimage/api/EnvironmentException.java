package io.github.deltaimage.api;

/**
 * The environment failed us: a tool is missing, a disk is full, a daemon or registry is down. Not
 * the user's input; retrying elsewhere or fixing the machine helps.
 */
public class EnvironmentException extends DeltaImageException {
  private static final long serialVersionUID = 1L;

  public EnvironmentException(String message) {
    super(message);
  }

  public EnvironmentException(String message, Throwable cause) {
    super(message, cause);
  }
}
