package io.github.deltaimage.api;

/**
 * The user's input is wrong: a missing directory, a delta that is corrupt or made from another
 * source, a bad reference. The message says what is wrong and what to do.
 */
public class InvalidInputException extends DeltaImageException {
  private static final long serialVersionUID = 1L;

  /** The user's input is wrong, as {@code message} says. */
  public InvalidInputException(String message) {
    super(message);
  }

  /** The user's input is wrong, as {@code message} says; {@code cause} found it. */
  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
