package io.github.deltaimage.transport;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a blob's content. May be called more than once: a sink that retries an upload opens the
 * blob again from the start instead of buffering it.
 */
@FunctionalInterface
public interface BlobOpener {
  InputStream open() throws IOException;
}
