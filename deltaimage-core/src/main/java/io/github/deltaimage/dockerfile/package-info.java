/**
 * The Dockerfiles of {@code deltaimage docker-file diff|apply}: a delta image made and restored by
 * {@code docker build} alone, in the original deltaimage's shape, plus the target image's config
 * (recorded in a label by the diff, emitted again by the apply).
 */
package io.github.deltaimage.dockerfile;
