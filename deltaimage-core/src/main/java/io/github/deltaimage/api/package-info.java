/**
 * The public face of deltaimage that every layer shares: the exception families front ends map
 * ({@link io.github.deltaimage.api.UserInputException} vs {@link io.github.deltaimage.api.EnvironmentException}).
 *
 * <p>The image copy facade lives in {@code io.github.deltaimage.copy}: the exception types here are
 * thrown by every lower package, so a facade in this package would make it depend on the transports
 * that depend on it, a cycle.
 */
package io.github.deltaimage.api;
