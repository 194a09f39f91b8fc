package io.github.deltaimage.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest such as {@code sha256:0123...}. Only sha256 is produced; sha512 is accepted
 * when parsing because the OCI spec registers it, and verified the same way.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

  /** Checks the algorithm and the hex form. */
  public Digest {
    boolean ok = ("sha256".equals(algorithm) && SHA256.matcher(hex).matches())
        || ("sha512".equals(algorithm) && SHA512.matcher(hex).matches());
    if (!ok) {
      throw new InvalidInputException("not a valid digest: " + algorithm + ":" + hex);
    }
  }

  /** Parses {@code ALGO:HEX}; throws {@link InvalidInputException} with the offending text otherwise. */
  public static Digest parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon <= 0) {
      throw new InvalidInputException("not a valid digest (want sha256:<64 hex digits>): " + text);
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** The sha256 digest of {@code bytes}. */
  public static Digest sha256(byte[] bytes) {
    return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(bytes)));
  }

  /** The digest whose raw sha256 value is {@code rawDigest} (32 bytes). */
  public static Digest ofSha256(byte[] rawDigest) {
    return new Digest("sha256", HexFormat.of().formatHex(rawDigest));
  }

  /** A fresh hasher for this digest's algorithm. */
  public MessageDigest newHasher() {
    try {
      return MessageDigest.getInstance("sha256".equals(algorithm) ? "SHA-256" : "SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  /** A fresh sha256 message digest, for hashing a stream as it passes. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** True when {@code bytes} hash to this digest. */
  public boolean matches(byte[] bytes) {
    return HexFormat.of().formatHex(newHasher().digest(bytes)).equals(hex);
  }

  /** First 12 hex digits, the way docker shows image IDs; for progress lines only. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
