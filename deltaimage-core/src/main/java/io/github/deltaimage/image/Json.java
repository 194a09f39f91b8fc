package io.github.deltaimage.image;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.api.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one shared Jackson mapper. Used to parse manifests and configs, and to write documents
 * deltaimage creates itself (layout indexes, archive manifests, converted manifests); never to
 * re-serialise a manifest or config that is being copied.
 */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private Json() {}

  /** Parses {@code bytes}; a syntax error becomes a one-line {@link InvalidInputException} naming {@code what}. */
  public static JsonNode read(byte[] bytes, String what) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new InvalidInputException(what + " is empty, not JSON");
      }
      return node;
    } catch (IOException e) {
      throw new InvalidInputException(what + " is not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  /**
   * Like {@link #read} for documents that may hold a secret (a Docker config, a credential helper's
   * answer, a token): a syntax error names {@code what} and the line and column only. Jackson's own
   * message quotes the offending token, which there may be a password, so it is never passed on,
   * not even as a cause.
   */
  public static JsonNode readWithoutEcho(byte[] bytes, String what) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new InvalidInputException(what + " is empty, not JSON");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new InvalidInputException(what + " is not valid JSON" + where
          + " (its content is not shown: it may hold a secret)");
    } catch (IOException e) {
      throw new InvalidInputException(
          what + " could not be parsed (its content is not shown: it may hold a secret)");
    }
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
