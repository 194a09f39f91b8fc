package io.github.deltaimage.api;

/** A problem in what the user asked for: bad reference, missing image or tag, wrong credentials, bad input file. */
public class UserInputException extends DeltaImageException {
  public UserInputException(String message) {
    super(message);
  }

  public UserInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
