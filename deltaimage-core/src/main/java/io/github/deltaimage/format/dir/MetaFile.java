package io.github.deltaimage.format.dir;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.fs.RelativePath;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
  /** Linux's PATH_MAX: no file of a real tree has a longer path. */
  private static final int MAX_PATH_BYTES = 4096;

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
   * Reads the index of the delta tree at {@code deltaRoot}, streaming: a tree of a million files is
   * a meta file of tens of megabytes, which as a JSON tree would not fit a usual heap.
   *
   * @throws InvalidInputException when it is missing or malformed, saying which in one line
   */
  public static DeltaMeta read(Path deltaRoot) {
    Path file = deltaRoot.resolve(NAME);
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        JsonParser parser = JSON.getFactory().createParser(in)) {
      return read(parser, file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(deltaRoot + " has no " + NAME
          + ": it is not a delta tree made by `deltaimage diff`" + " (or it was applied already)");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new InvalidInputException(
          file + " is not valid JSON" + where + ": " + oneLine(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static DeltaMeta read(JsonParser parser, Path file) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw malformed(file, "expected an object with \"version\", \"keep_files\" and \"changes\"");
    }
    String version = null;
    List<RelativePath> keep = null;
    List<DeltaMeta.Change> changes = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "version" -> {
          if (value != JsonToken.VALUE_STRING) {
            throw malformed(file, "\"version\" must be a string");
          }
          version = parser.getText();
        }
        case "keep_files" -> {
          requireArray(value, file, "\"keep_files\" must be an array of paths");
          keep = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            keep.add(path(file, parser));
          }
        }
        case "changes" -> {
          requireArray(value, file, "\"changes\" must be an array");
          changes = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            changes.add(change(file, parser));
          }
        }
        // Fields a later version may add are skipped, as serde does by default.
        default -> parser.skipChildren();
      }
    }
    if (version == null || keep == null || changes == null) {
      throw malformed(file, "expected an object with \"version\", \"keep_files\" and \"changes\"");
    }
    if (parser.nextToken() != null) {
      throw malformed(file, "unexpected content after the closing brace");
    }
    return new DeltaMeta(version, keep, changes);
  }

  private static DeltaMeta.Change change(Path file, JsonParser parser) throws IOException {
    String expected = "a change must be [\"XDelta3\"|\"AsIs\", [bytes]]";
    if (parser.currentToken() != JsonToken.START_ARRAY
        || parser.nextToken() != JsonToken.VALUE_STRING) {
      throw malformed(file, expected + " (" + where(parser) + ")");
    }
    String kindName = parser.getText();
    DeltaMeta.Kind kind;
    try {
      kind = DeltaMeta.Kind.valueOf(kindName);
    } catch (IllegalArgumentException e) {
      throw malformed(file, "unknown change kind \"" + kindName + "\" (known: XDelta3, AsIs)");
    }
    parser.nextToken();
    RelativePath path = path(file, parser);
    if (parser.nextToken() != JsonToken.END_ARRAY) {
      throw malformed(file, expected + " (" + where(parser) + ")");
    }
    return new DeltaMeta.Change(kind, path);
  }

  private static void requireArray(JsonToken token, Path file, String what) {
    if (token != JsonToken.START_ARRAY) {
      throw malformed(file, what);
    }
  }

  /** Reads one path (an array of byte values) at the parser's current token. */
  private static RelativePath path(Path file, JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw malformed(file, "a path must be an array of byte values (" + where(parser) + ")");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.VALUE_NUMBER_INT
          || parser.getNumberType() != JsonParser.NumberType.INT
          || parser.getIntValue() < 0
          || parser.getIntValue() > 255) {
        throw malformed(
            file,
            "a path byte must be 0..255, found " + parser.getText() + " (" + where(parser) + ")");
      }
      if (bytes.size() >= MAX_PATH_BYTES) {
        throw malformed(
            file, "a path is longer than " + MAX_PATH_BYTES + " bytes (" + where(parser) + ")");
      }
      bytes.write(parser.getIntValue());
    }
    try {
      return RelativePath.of(bytes.toByteArray());
    } catch (InvalidInputException e) {
      throw new InvalidInputException(file + ": " + e.getMessage() + "; refusing the delta");
    }
  }

  private static String where(JsonParser parser) {
    JsonLocation at = parser.currentLocation();
    return "line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  private static InvalidInputException malformed(Path file, String what) {
    return new InvalidInputException(file + " is malformed: " + what);
  }
}
