/**
 * The image copy facade front ends call: {@link io.github.deltaimage.copy.ImageCopy} with
 * {@link io.github.deltaimage.transport.CopyOptions}.
 *
 * <p>It is not in {@code io.github.deltaimage.api} because the exception types there are thrown by
 * every lower package (image, reference, transport); a facade in {@code api} would make {@code api}
 * and the transports depend on each other.
 */
package io.github.deltaimage.copy;
