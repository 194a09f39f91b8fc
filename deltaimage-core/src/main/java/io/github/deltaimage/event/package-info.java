/** Progress events of an image copy, for terminals and build logs. */
package io.github.deltaimage.event;
