package io.github.deltaimage.format.dir;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.event.FileDecision;
import io.github.deltaimage.event.FileDecision.Outcome;
import io.github.deltaimage.fs.FileState;
import io.github.deltaimage.fs.InPlaceWriter;
import io.github.deltaimage.fs.RelativePath;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a delta tree, in place, back into the target tree, given the source tree. Reads trees
 * written by the original deltaimage as well as ours.
 *
 * <p>Nothing is changed until everything is known to work: every path of the index is checked
 * (inside the tree, not through a symlink, a regular file, its source present), and every delta is
 * decoded into the run directory. Only then are the files rewritten in place, each given back the
 * attributes the delta tree holds for it.
 */
public final class DirectoryApply {

  private final DeltaCodec codec;
  private final Parallel parallel;
  private final Path tempParent;
  private final DeltaListener listener;

  public DirectoryApply(DeltaCodec codec, int threads, Path tempParent, DeltaListener listener) {
    this.codec = codec;
    this.parallel = new Parallel(threads);
    this.tempParent = tempParent;
    this.listener = listener;
  }

  /** One file to rewrite: where it is, and where its new bytes come from. */
  private record Rewrite(RelativePath path, Outcome outcome, Path content) {}

  public DirectorySummary apply(Path source, Path delta) {
    long started = System.nanoTime();
    TreeChecks.requireDirectory(source, "SOURCE_DIR");
    TreeChecks.requireDirectory(delta, "DELTA_DIR");
    DeltaMeta meta = MetaFile.read(delta);
    check(meta, source, delta);
    try (RunDirectory run = RunDirectory.create(tempParent)) {
      List<Rewrite> rewrites = new ArrayList<>();
      for (RelativePath path : meta.keepFiles()) {
        rewrites.add(new Rewrite(path, Outcome.KEPT_FROM_SOURCE, path.under(source)));
      }
      List<RelativePath> patched = meta.changes().stream()
          .filter(change -> change.kind() == DeltaMeta.Kind.XDelta3).map(DeltaMeta.Change::path).toList();
      rewrites.addAll(parallel.map(patched, path -> decode(path, source, delta, run)));

      FileTime rootModified = FileState.of(delta).modified();
      List<DirectorySummary.Entry> entries = new ArrayList<>();
      for (Rewrite rewrite : rewrites) {
        Path file = rewrite.path().under(delta);
        long stored = size(file);
        FileState state = FileState.of(file);
        InPlaceWriter.overwrite(file, rewrite.content());
        state.restoreOn(file);
        long size = size(file);
        entries.add(new DirectorySummary.Entry(rewrite.outcome(), size, stored));
        listener.fileDecided(new FileDecision(rewrite.path().toString(), rewrite.outcome(), size, stored, null));
      }
      for (DeltaMeta.Change change : meta.changes()) {
        if (change.kind() == DeltaMeta.Kind.AsIs) {
          long size = size(change.path().under(delta));
          entries.add(new DirectorySummary.Entry(Outcome.STORED_WHOLE, size, size));
        }
      }
      delete(delta.resolve(MetaFile.NAME));
      FileState.setModified(delta, rootModified);
      return DirectorySummary.of(entries, System.nanoTime() - started);
    }
  }

  private Rewrite decode(RelativePath path, Path source, Path delta, RunDirectory run) {
    Path out = run.newFile("target");
    try {
      codec.decode(path.under(source), path.under(delta), out);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("the delta for " + path + " does not apply to the source (corrupt delta, or not the"
          + " source it was made from); nothing was changed", e);
    }
    return new Rewrite(path, Outcome.DELTA, out);
  }

  /** Refuses an index that would write outside the delta tree or needs what is not there. */
  private static void check(DeltaMeta meta, Path source, Path delta) {
    Set<RelativePath> seen = new HashSet<>();
    List<String> problems = new ArrayList<>();
    for (RelativePath path : meta.keepFiles()) {
      checkEntry(path, true, source, delta, seen, problems);
    }
    for (DeltaMeta.Change change : meta.changes()) {
      checkEntry(change.path(), change.kind() == DeltaMeta.Kind.XDelta3, source, delta, seen, problems);
    }
    if (!problems.isEmpty()) {
      String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems)" : "";
      throw new InvalidInputException("refusing the delta in " + delta + ": " + problems.get(0) + more
          + "; nothing was changed");
    }
  }

  private static void checkEntry(RelativePath path, boolean needsSource, Path source, Path delta,
      Set<RelativePath> seen, List<String> problems) {
    if (!seen.add(path)) {
      problems.add(path + " is listed twice in " + MetaFile.NAME);
      return;
    }
    for (RelativePath parent : path.parents()) {
      Path dir = parent.under(delta);
      if (Files.isSymbolicLink(dir)) {
        problems.add(path + " goes through the symlink " + parent + " in the delta tree");
        return;
      }
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        problems.add(path + " is listed in " + MetaFile.NAME + " but " + parent + " is not a directory of the delta tree");
        return;
      }
    }
    Path file = path.under(delta);
    if (Files.isSymbolicLink(file)) {
      problems.add(path + " is a symlink in the delta tree, not a file");
      return;
    }
    if (!TreeChecks.isRegularFile(file)) {
      problems.add(path + " is listed in " + MetaFile.NAME + " but is not a regular file of the delta tree");
      return;
    }
    if (needsSource && !TreeChecks.isRegularFile(path.under(source))) {
      problems.add(path + " is missing from the source " + source + " (is it the source the delta was made from?)");
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw new EnvironmentException("cannot remove " + file + ": " + e.getMessage(), e);
    }
  }
}
