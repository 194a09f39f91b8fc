package io.github.deltaimage.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a registry may keep us waiting. Every wait is bounded, so a registry that stops
 * answering ends the copy with an error instead of hanging it.
 *
 * @param connect opening the TCP (and TLS) connection
 * @param response from sending a request to receiving the response headers (requests without a
 *     large body; uploads are bounded by {@link #blobBound(long)} instead)
 * @param read the longest silence while a response body arrives; a stalled body is then resumed
 *     like a dropped connection
 * @param blobBase the fixed part of the time one blob may take in all, retries and resumes included
 * @param blobMinBytesPerSecond the slowest transfer rate tolerated: a blob of N bytes gets
 *     {@code blobBase + N / blobMinBytesPerSecond} seconds
 */
public record RegistryTimeouts(
    Duration connect,
    Duration response,
    Duration read,
    Duration blobBase,
    long blobMinBytesPerSecond) {
  /** The system properties that set each value, e.g. {@code -Ddeltaimage.registry.readTimeout=2m}. */
  public static final String CONNECT = "deltaimage.registry.connectTimeout";

  /** System property: how long to wait for a response's headers. */
  public static final String RESPONSE = "deltaimage.registry.responseTimeout";
  /** System property: the longest silence while reading a body. */
  public static final String READ = "deltaimage.registry.readTimeout";
  /** System property: the base budget of a whole blob transfer. */
  public static final String BLOB = "deltaimage.registry.blobTimeout";
  /** System property: the slowest transfer rate, in KiB/s, a blob budget allows for. */
  public static final String MIN_RATE = "deltaimage.registry.minRateKiB";

  /**
   * Sensible for real registries: a registry answers in seconds, a blob redirected to object
   * storage may take a while to start, and 64 KiB/s is far below any working link.
   */
  public static final RegistryTimeouts DEFAULT = new RegistryTimeouts(
      Duration.ofSeconds(30),
      Duration.ofSeconds(60),
      Duration.ofSeconds(60),
      Duration.ofMinutes(10),
      64 * 1024);

  /** Checks that every limit is positive. */
  public RegistryTimeouts {
    positive(connect, "connect");
    positive(response, "response");
    positive(read, "read");
    positive(blobBase, "blobBase");
    if (blobMinBytesPerSecond <= 0) {
      throw new IllegalArgumentException("blobMinBytesPerSecond must be positive");
    }
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " timeout must be positive");
    }
  }

  /** {@link #DEFAULT}, with each value the JVM's system properties set replaced. */
  public static RegistryTimeouts fromSystemProperties() {
    return from(System.getProperties());
  }

  /** The defaults with what the {@code deltaimage.registry.*} properties of {@code p} set. */
  public static RegistryTimeouts from(Properties p) {
    RegistryTimeouts d = DEFAULT;
    String rate = p.getProperty(MIN_RATE);
    long minRate = d.blobMinBytesPerSecond();
    if (rate != null) {
      try {
        minRate = Long.parseLong(rate.trim()) * 1024;
      } catch (NumberFormatException e) {
        minRate = -1;
      }
      if (minRate <= 0) {
        throw new InvalidInputException(
            "-D" + MIN_RATE + "=" + rate + " is not a positive number of KiB per second");
      }
    }
    return new RegistryTimeouts(
        duration(p, CONNECT, d.connect()),
        duration(p, RESPONSE, d.response()),
        duration(p, READ, d.read()),
        duration(p, BLOB, d.blobBase()),
        minRate);
  }

  /** The most time a blob of {@code size} bytes may take (unknown size: the fixed part only). */
  public Duration blobBound(long size) {
    long seconds = size > 0 ? size / blobMinBytesPerSecond : 0;
    return blobBase.plusSeconds(seconds);
  }

  /** These limits with another connect timeout. */
  public RegistryTimeouts withConnect(Duration d) {
    return new RegistryTimeouts(d, response, read, blobBase, blobMinBytesPerSecond);
  }

  /** These limits with another wait for a response's headers. */
  public RegistryTimeouts withResponse(Duration d) {
    return new RegistryTimeouts(connect, d, read, blobBase, blobMinBytesPerSecond);
  }

  /** These limits with another longest silence while reading a body. */
  public RegistryTimeouts withRead(Duration d) {
    return new RegistryTimeouts(connect, response, d, blobBase, blobMinBytesPerSecond);
  }

  /** These limits with another whole-blob budget: {@code base} plus the time at the slowest rate. */
  public RegistryTimeouts withBlob(Duration base, long minBytesPerSecond) {
    return new RegistryTimeouts(connect, response, read, base, minBytesPerSecond);
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  /** Reads {@code name} as {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h} or plain seconds. */
  public static Duration duration(Properties p, String name, Duration fallback) {
    String v = p.getProperty(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    Duration d = parseDuration(v);
    if (d == null || d.isZero()) {
      throw new InvalidInputException(
          "-D" + name + "=" + v + " is not a positive duration; write e.g. 500ms, 30s, 10m or 1h");
    }
    return d;
  }

  /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h} or plain seconds; null if malformed. */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return null;
    }
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }

  /** "60 s", "500 ms", "10 min": how a message shows a duration. */
  public static String describe(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000 || ms % 1000 != 0) {
      return ms + " ms";
    }
    long s = ms / 1000;
    return s % 60 == 0 && s >= 60 ? (s / 60) + " min" : s + " s";
  }
}
