package io.github.deltaimage.api;

/**
 * Base of every failure deltaimage reports. Unchecked, because nearly every call in an image
 * copy can fail for reasons the caller can only report, never repair on the spot.
 *
 * <p>There are exactly two families: {@link UserInputException} (the user can fix it by changing
 * what they asked for: a reference, a credential, a file) and {@link EnvironmentException} (something
 * around us failed: daemon down, registry unreachable or answering 5xx, disk full). Front ends map
 * them (Maven: MojoFailureException vs MojoExecutionException; CLI: exit 1 with the message).
 * Messages are one line that says what went wrong and what to do; they never contain a secret.
 */
public abstract class DeltaImageException extends RuntimeException {
  protected DeltaImageException(String message) {
    super(message);
  }

  protected DeltaImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
