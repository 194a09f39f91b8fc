package io.github.deltaimage.api;

/**
 * Base of every failure deltaimage reports. Unchecked so that work spread over threads can carry it
 * back unchanged; front ends catch the two families below and decide how to show them.
 */
public abstract class DeltaImageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}, one line a user can act on. */
  protected DeltaImageException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  protected DeltaImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
