package io.github.deltaimage.format.dir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.fs.RelativePath;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes {@code __deltaimage.meta.json} exactly as the original (Rust, serde) does:
 * compact JSON, paths as arrays of byte values, changes as {@code ["XDelta3",[...]]} pairs.
 */
public final class MetaFile {

  /** The name of the index file at the root of a delta tree. */
  public static final String NAME = "__deltaimage.meta.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private MetaFile() {}

  public static void write(DeltaMeta meta, Path file) {
    try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      out.write("{\"version\":");
      out.write(JSON.writeValueAsString(meta.version()));
      out.write(",\"keep_files\":[");
      for (int i = 0; i < meta.keepFiles().size(); i++) {
        if (i > 0) {
          out.write(',');
        }
        writeBytes(out, meta.keepFiles().get(i).bytes());
      }
      out.write("],\"changes\":[");
      for (int i = 0; i < meta.changes().size(); i++) {
        DeltaMeta.Change change = meta.changes().get(i);
        if (i > 0) {
          out.write(',');
        }
        out.write("[\"" + change.kind().name() + "\",");
        writeBytes(out, change.path().bytes());
        out.write(']');
      }
      out.write("]}");
    } catch (IOException e) {
      throw new EnvironmentException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void writeBytes(Writer out, byte[] bytes) throws IOException {
    out.write('[');
    for (int i = 0; i < bytes.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(Integer.toString(bytes[i] & 0xff));
    }
    out.write(']');
  }

  /**
   * Reads the index of the delta tree at {@code deltaRoot}.
   *
   * @throws InvalidInputException when it is missing or malformed, saying which
   */
  public static DeltaMeta read(Path deltaRoot) {
    Path file = deltaRoot.resolve(NAME);
    JsonNode root;
    try (InputStream in = Files.newInputStream(file)) {
      root = JSON.readTree(in);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(deltaRoot + " has no " + NAME + ": it is not a delta tree made by `deltaimage diff`"
          + " (or it was applied already)");
    } catch (IOException e) {
      throw new InvalidInputException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.path("version").isTextual()
        || !root.path("keep_files").isArray() || !root.path("changes").isArray()) {
      throw malformed(file, "expected an object with \"version\", \"keep_files\" and \"changes\"");
    }
    List<RelativePath> keep = new ArrayList<>();
    for (JsonNode path : root.get("keep_files")) {
      keep.add(path(file, path));
    }
    List<DeltaMeta.Change> changes = new ArrayList<>();
    for (JsonNode change : root.get("changes")) {
      if (!change.isArray() || change.size() != 2 || !change.get(0).isTextual()) {
        throw malformed(file, "a change must be [\"XDelta3\"|\"AsIs\", [bytes]], found " + change);
      }
      DeltaMeta.Kind kind;
      try {
        kind = DeltaMeta.Kind.valueOf(change.get(0).asText());
      } catch (IllegalArgumentException e) {
        throw malformed(file, "unknown change kind \"" + change.get(0).asText() + "\" (known: XDelta3, AsIs)");
      }
      changes.add(new DeltaMeta.Change(kind, path(file, change.get(1))));
    }
    return new DeltaMeta(root.get("version").asText(), keep, changes);
  }

  private static RelativePath path(Path file, JsonNode array) {
    try {
      return RelativePath.of(bytes(file, array));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(file + ": " + e.getMessage() + "; refusing the delta");
    }
  }

  private static byte[] bytes(Path file, JsonNode array) {
    if (!array.isArray()) {
      throw malformed(file, "a path must be an array of byte values, found " + array);
    }
    byte[] bytes = new byte[array.size()];
    for (int i = 0; i < bytes.length; i++) {
      JsonNode value = array.get(i);
      if (!value.isIntegralNumber() || value.asInt() < 0 || value.asInt() > 255) {
        throw malformed(file, "a path byte must be 0..255, found " + value);
      }
      bytes[i] = (byte) value.asInt();
    }
    return bytes;
  }

  private static InvalidInputException malformed(Path file, String what) {
    return new InvalidInputException(file + " is malformed: " + what);
  }
}
