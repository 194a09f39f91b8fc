package io.github.deltaimage.api;

import java.nio.file.Path;

/**
 * The temporary directory's file system has too little free space for the work. Front ends add how
 * to choose another temporary directory in their own words.
 */
public class TempSpaceException extends EnvironmentException {
  private static final long serialVersionUID = 1L;

  private final transient Path directory;

  /** The temp directory {@code directory} ran out of space, as {@code message} says. */
  public TempSpaceException(String message, Path directory, Throwable cause) {
    super(message, cause);
    this.directory = directory;
  }

  /** The temporary directory that ran out of space. */
  public Path directory() {
    return directory;
  }
}
