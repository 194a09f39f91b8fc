package io.github.deltaimage.api;

import java.time.Duration;
import java.util.Properties;

/**
 * How often and how patiently to retry.
 *
 * @param attempts tries per request (and resumes per blob, restarts per upload)
 * @param firstDelay the first pause between tries; each further pause doubles it
 * @param maxWait the longest single pause: backoff stops growing there, and a {@code Retry-After}
 *     longer than this ends the copy at once with an error saying so, instead of waiting
 */
public record RetryPolicy(int attempts, Duration firstDelay, Duration maxWait) {
  /** System property: tries per request. */
  public static final String ATTEMPTS = "deltaimage.registry.retries";
  /** System property: the longest pause honoured. */
  public static final String MAX_WAIT = "deltaimage.registry.maxRetryAfter";
  /** Five tries, half a second first, at most a minute per pause. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(60));

  /** Checks that there is at least one try. */
  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
  }

  /** {@code attempts} tries starting {@code firstDelay} apart, with the default longest pause. */
  public RetryPolicy(int attempts, Duration firstDelay) {
    this(attempts, firstDelay, DEFAULT.maxWait());
  }

  /** {@link #DEFAULT} with what {@code -Ddeltaimage.registry.retries} and {@code -Ddeltaimage.registry.maxRetryAfter} set. */
  public static RetryPolicy fromSystemProperties() {
    Properties p = System.getProperties();
    int attempts = DEFAULT.attempts();
    String a = p.getProperty(ATTEMPTS);
    if (a != null && !a.isBlank()) {
      try {
        attempts = Integer.parseInt(a.trim());
      } catch (NumberFormatException e) {
        attempts = 0;
      }
      if (attempts < 1 || attempts > 100) {
        throw new InvalidInputException(
            "-D" + ATTEMPTS + "=" + a + " is not a number of tries from 1 to 100");
      }
    }
    return new RetryPolicy(
        attempts, DEFAULT.firstDelay(), RegistryTimeouts.duration(p, MAX_WAIT, DEFAULT.maxWait()));
  }
}
