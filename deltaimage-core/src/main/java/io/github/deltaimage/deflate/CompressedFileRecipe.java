package io.github.deltaimage.deflate;

import java.io.IOException;
import java.io.OutputStream;

/**
 * How a compressed file (a gzip file, a zip archive) is rebuilt byte for byte from its content, so
 * that a delta can carry the content, where a change stays local, instead of the compressed bytes.
 */
public sealed interface CompressedFileRecipe permits GzipRecipe, ZipRecipe {

  /**
   * A stream that takes the file's content (for a zip, its expanded form) and writes the file's
   * bytes onto {@code out}, exactly as the modelled producer did; {@link OutputStream#close()}
   * finishes the file and closes {@code out}.
   */
  OutputStream newCompressingStream(OutputStream out) throws IOException;
}
