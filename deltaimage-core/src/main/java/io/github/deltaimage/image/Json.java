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
  public static final ObjectMapper MAPPER = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

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
