/**
 * Pure-Java deflate encoders that reproduce, byte for byte, what real compressors wrote, and the
 * search that finds which one wrote a given blob.
 *
 * <p>Models ({@link io.github.deltaimage.deflate.DeflateModel}): Go's compress/flate before Go 1.27
 * (levels 1-9; docker push, crane, ko), klauspost's pgzip at level 5 (skopeo, podman, buildah),
 * GNU gzip 1.x on regular files (levels 1-9; Debian's .gz files), zlib 1.2.x with default settings
 * (levels 1-9; java.util.zip, Jib). {@link io.github.deltaimage.deflate.GzipIdentifier} finds the
 * model of a gzip file, {@link io.github.deltaimage.deflate.GzipRecipe} (text form
 * {@code MODEL:LEVEL/HEADER-HEX}) rebuilds it from its content.
 *
 * <p>The Go and klauspost encoders follow those projects' code; their BSD and MIT notices are in
 * the NOTICE file at the root of the repository.
 */
package io.github.deltaimage.deflate;
