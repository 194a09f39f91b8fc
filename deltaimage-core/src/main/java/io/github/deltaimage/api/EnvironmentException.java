package io.github.deltaimage.api;

/** A problem around us: daemon down, registry unreachable or failing, I/O error on the local disk. */
public class EnvironmentException extends DeltaImageException {
  public EnvironmentException(String message) {
    super(message);
  }

  public EnvironmentException(String message, Throwable cause) {
    super(message, cause);
  }
}
