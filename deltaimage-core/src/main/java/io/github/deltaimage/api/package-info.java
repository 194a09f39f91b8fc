/** The public face of deltaimage: what front ends (CLI, Maven plugin) call. */
package io.github.deltaimage.api;
