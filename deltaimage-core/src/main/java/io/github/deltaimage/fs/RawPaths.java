package io.github.deltaimage.fs;

import io.github.deltaimage.api.InvalidInputException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;

/**
 * File names as the kernel sees them: bytes, not text. Linux names need not be valid UTF-8, and
 * {@link Path#toString()} loses such bytes; the delta formats carry the raw bytes.
 *
 * <p>The JDK keeps the bytes inside {@code sun.nio.fs.UnixPath} but offers no public way to them, so
 * this class reaches in when {@code java.base/sun.nio.fs} is opened to it (the CLI's manifest and the
 * test runner do that). Without that access it falls back to the JVM's name encoding, which is exact
 * for every name that is valid in it, and refuses, with a hint, the names that are not.
 */
public final class RawPaths {

  private static final FileSystem FS = FileSystems.getDefault();
  private static final Method AS_BYTES;
  private static final Constructor<?> FROM_BYTES;

  static {
    Method asBytes = null;
    Constructor<?> fromBytes = null;
    try {
      Class<?> unixPath = Class.forName("sun.nio.fs.UnixPath");
      Class<?> unixFs = Class.forName("sun.nio.fs.UnixFileSystem");
      if (unixFs.isInstance(FS)) {
        asBytes = unixPath.getDeclaredMethod("asByteArray");
        fromBytes = unixPath.getDeclaredConstructor(unixFs, byte[].class);
        asBytes.setAccessible(true);
        fromBytes.setAccessible(true);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      asBytes = null;
      fromBytes = null;
    }
    AS_BYTES = asBytes;
    FROM_BYTES = fromBytes;
  }

  private RawPaths() {}

  /** Whether names that are not valid in the JVM's encoding can be handled. */
  public static boolean exact() {
    return AS_BYTES != null;
  }

  /** The bytes of {@code path}, exactly as the kernel is given them. */
  public static byte[] bytes(Path path) {
    if (AS_BYTES != null) {
      try {
        return ((byte[]) AS_BYTES.invoke(path)).clone();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    String text = path.toString();
    if (text.indexOf('\uFFFD') >= 0) {
      throw unrepresentable(text);
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A path made of exactly these bytes (relative when they do not start with '/'). */
  public static Path of(byte[] bytes) {
    if (FROM_BYTES != null) {
      try {
        return (Path) FROM_BYTES.newInstance(FS, bytes.clone());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    try {
      String text = StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
      return FS.getPath(text);
    } catch (CharacterCodingException e) {
      throw unrepresentable(new String(bytes, StandardCharsets.UTF_8));
    }
  }

  /** {@code base} resolved against the raw relative name {@code relative}. */
  public static Path resolve(Path base, byte[] relative) {
    return base.resolve(of(relative));
  }

  private static InvalidInputException unrepresentable(String name) {
    return new InvalidInputException(
        "file name '" + name + "' is not valid UTF-8 and this JVM cannot read it as bytes:"
            + " run Java with --add-opens=java.base/sun.nio.fs=ALL-UNNAMED (the deltaimage launcher does)");
  }
}
