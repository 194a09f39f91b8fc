package io.github.deltaimage.format.dir;

import io.github.deltaimage.fs.RelativePath;
import java.util.List;

/**
 * The content of {@code __deltaimage.meta.json}, the index of a delta tree in the original
 * deltaimage's directory format.
 *
 * @param version the format version written by the tool that made the tree
 * @param keepFiles files whose bytes are the source's at the same path (truncated in the delta tree)
 * @param changes files that were rewritten: decoded against the source, or kept as they are
 */
public record DeltaMeta(String version, List<RelativePath> keepFiles, List<Change> changes) {

  /** The version the original writes; we write the same so that its apply accepts our trees. */
  public static final String ORIGINAL_VERSION = "0.1.1";

  public DeltaMeta {
    keepFiles = List.copyOf(keepFiles);
    changes = List.copyOf(changes);
  }

  /** How a changed file is stored in the delta tree. */
  public enum Kind {
    /** The file holds the VCDIFF (xdelta3) delta of the target against the source file at the same path. */
    XDelta3,
    /** The file holds the target bytes themselves (a delta did not help or could not be checked). */
    AsIs
  }

  /** One entry of {@code changes}. */
  public record Change(Kind kind, RelativePath path) {}
}
