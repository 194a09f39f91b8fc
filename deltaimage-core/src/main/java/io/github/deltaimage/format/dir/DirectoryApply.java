package io.github.deltaimage.format.dir;

import io.github.deltaimage.api.DeltaImageException;
import io.github.deltaimage.api.DirectorySummary;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.FileDecision;
import io.github.deltaimage.api.FileDecision.Outcome;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.fs.FileState;
import io.github.deltaimage.fs.HardLinks;
import io.github.deltaimage.fs.InPlaceWriter;
import io.github.deltaimage.fs.RelativePath;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.fs.TreeResolver;
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
import java.util.function.IntConsumer;

/**
 * Turns a delta tree, in place, back into the target tree, given the source tree. Reads trees
 * written by the original deltaimage as well as ours.
 *
 * <p>Nothing is changed until everything is known to work: every path of the index is checked
 * (inside the tree, reached without following a symlink in either tree, a regular file not
 * hard-linked from outside the tree, its source present), and every delta is decoded into the run
 * directory. Then the xdelta3 delta files are backed up into an {@link ApplyJournal} beside the tree,
 * and only then are the files rewritten in place, each given back the attributes it had, each
 * journaled first. An apply stopped during the rewrites (signal, kill -9, full disk) is finished by
 * running it again, or undone by that rerun when it can no longer be finished.
 */
public final class DirectoryApply {

  private final DeltaCodec codec;
  private final Parallel parallel;
  private final Path tempParent;
  private final DeltaListener listener;
  /** Told the position of each file once it is rewritten; tests stop an apply there. */
  private final IntConsumer afterRewrite;

  public DirectoryApply(DeltaCodec codec, int threads, Path tempParent, DeltaListener listener) {
    this(codec, threads, tempParent, listener, position -> {});
  }

  DirectoryApply(
      DeltaCodec codec,
      int threads,
      Path tempParent,
      DeltaListener listener,
      IntConsumer afterRewrite) {
    this.codec = codec;
    this.parallel = new Parallel(threads);
    this.tempParent = tempParent;
    this.listener = listener;
    this.afterRewrite = afterRewrite;
  }

  /**
   * One file to rewrite, at its position in the order of rewrites (keep-files first, then the
   * xdelta3 changes, each in the index's order).
   */
  private record Rewrite(int position, RelativePath path, boolean keep) {}

  public DirectorySummary apply(Path source, Path delta) {
    long started = System.nanoTime();
    TreeChecks.requireDirectory(source, "SOURCE_DIR");
    TreeChecks.requireDirectory(delta, "DELTA_DIR");
    ApplyJournal journal = ApplyJournal.beside(delta);
    Path metaFile = delta.resolve(MetaFile.NAME);
    if (!Files.exists(metaFile, LinkOption.NOFOLLOW_LINKS)
        && Files.isDirectory(journal.dir())
        && journal.isDone()) {
      // Stopped after the last rewrite, while removing the meta file: only the journal is left to
      // remove.
      journal.remove();
    }
    DeltaMeta meta = MetaFile.read(delta);
    byte[] metaDigest = ApplyJournal.sha256(metaFile);
    List<Rewrite> rewrites = order(meta);
    ApplyJournal.Resume resume = journal.findInterrupted(metaDigest);
    if (resume != null && journal.isDone()) {
      return finish(delta, metaFile, journal, rewrites, meta, started);
    }
    int firstToDo = resume == null ? 0 : resume.position();
    try {
      check(meta, source, delta, firstToDo, resume != null);
    } catch (InvalidInputException e) {
      throw resume == null ? e : undo(journal, rewrites, resume, delta, e);
    }
    try (RunDirectory run = RunDirectory.create(tempParent)) {
      List<Rewrite> patched =
          rewrites.stream().filter(r -> !r.keep() && r.position() >= firstToDo).toList();
      try {
        parallel.map(
            patched,
            r -> decode(
                r,
                source,
                resume == null ? r.path().under(delta) : journal.backup(r.position()),
                run));
      } catch (InvalidInputException e) {
        throw resume == null ? e : undo(journal, rewrites, resume, delta, e);
      }
      if (resume == null) {
        journal.create(metaDigest);
        for (Rewrite r : patched) {
          journal.backUp(r.position(), r.path().under(delta));
        }
        journal.markPrepared();
      }
      rewriteFrom(
          firstToDo,
          resume == null ? null : resume.stateBefore(),
          rewrites,
          source,
          delta,
          run,
          journal);
    } finally {
      journal.close();
    }
    return finish(delta, metaFile, journal, rewrites, meta, started);
  }

  private static List<Rewrite> order(DeltaMeta meta) {
    List<Rewrite> rewrites = new ArrayList<>();
    for (RelativePath path : meta.keepFiles()) {
      rewrites.add(new Rewrite(rewrites.size(), path, true));
    }
    for (DeltaMeta.Change change : meta.changes()) {
      if (change.kind() == DeltaMeta.Kind.XDelta3) {
        rewrites.add(new Rewrite(rewrites.size(), change.path(), false));
      }
    }
    return rewrites;
  }

  private void rewriteFrom(
      int first,
      FileState journaledState,
      List<Rewrite> rewrites,
      Path source,
      Path delta,
      RunDirectory run,
      ApplyJournal journal) {
    for (int i = first; i < rewrites.size(); i++) {
      Rewrite rewrite = rewrites.get(i);
      Path file = rewrite.path().under(delta);
      try {
        // The file the interrupted run was rewriting may have lost its attributes: the journal has
        // them.
        FileState state =
            i == first && journaledState != null ? journaledState : FileState.of(file);
        journal.begin(i, state);
        InPlaceWriter.overwrite(
            file, rewrite.keep() ? rewrite.path().under(source) : decoded(run, rewrite));
        state.restoreOn(file);
        afterRewrite.accept(i);
      } catch (RuntimeException e) {
        String why = e instanceof DeltaImageException ? e.getMessage() : e.toString();
        throw new EnvironmentException(
            "the apply stopped after rewriting " + i + " of " + rewrites.size() + " files (" + why
                + "); run the same command again to finish it (its journal is in " + journal.dir()
                + ")",
            e);
      }
    }
    journal.markDone();
  }

  private DirectorySummary finish(
      Path delta,
      Path metaFile,
      ApplyJournal journal,
      List<Rewrite> rewrites,
      DeltaMeta meta,
      long started) {
    FileTime rootModified = FileState.of(delta).modified();
    List<DirectorySummary.Entry> entries = new ArrayList<>();
    for (Rewrite rewrite : rewrites) {
      Path file = rewrite.path().under(delta);
      long size = size(file);
      Outcome outcome = rewrite.keep() ? Outcome.KEPT_FROM_SOURCE : Outcome.DELTA;
      long stored = rewrite.keep() ? 0 : size(journal.backup(rewrite.position()));
      entries.add(new DirectorySummary.Entry(outcome, size, stored));
      listener.fileDecided(
          new FileDecision(rewrite.path().toString(), outcome, size, stored, null));
    }
    for (DeltaMeta.Change change : meta.changes()) {
      if (change.kind() == DeltaMeta.Kind.AsIs) {
        long size = size(change.path().under(delta));
        entries.add(new DirectorySummary.Entry(Outcome.STORED_WHOLE, size, size));
      }
    }
    delete(metaFile);
    FileState.setModified(delta, rootModified);
    journal.remove();
    return DirectorySummary.of(entries, System.nanoTime() - started);
  }

  /**
   * The interrupted apply cannot be finished (the source is not the one it started with, say): puts
   * back the delta files it had rewritten, so the tree is the delta tree again and nothing is lost.
   */
  private static InvalidInputException undo(
      ApplyJournal journal,
      List<Rewrite> rewrites,
      ApplyJournal.Resume resume,
      Path delta,
      InvalidInputException why) {
    int last = resume.stateBefore() == null ? resume.position() - 1 : resume.position();
    for (int i = 0; i <= last; i++) {
      Rewrite rewrite = rewrites.get(i);
      Path file = rewrite.path().under(delta);
      FileState state = i == resume.position() ? resume.stateBefore() : FileState.of(file);
      if (rewrite.keep()) {
        InPlaceWriter.truncate(file);
      } else {
        InPlaceWriter.overwrite(file, journal.backup(i));
      }
      state.restoreOn(file);
    }
    journal.remove();
    return new InvalidInputException(
        why.getMessage().replace("; nothing was changed", "")
            + "; the interrupted apply was undone: " + delta + " is the delta tree again",
        why);
  }

  private static Path decoded(RunDirectory run, Rewrite rewrite) {
    return run.path().resolve("target-" + rewrite.position());
  }

  private Rewrite decode(Rewrite rewrite, Path source, Path deltaFile, RunDirectory run) {
    try {
      codec.decode(rewrite.path().under(source), deltaFile, decoded(run, rewrite));
      return rewrite;
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          "the delta for " + rewrite.path() + " does not apply to the source (corrupt delta,"
              + " or not the source it was made from); nothing was changed",
          e);
    }
  }

  /**
   * Refuses an index that would read or write outside the trees or needs what is not there. When
   * resuming, the files before {@code firstToDo} hold their target bytes already: only their place
   * in the delta tree is checked.
   */
  private static void check(
      DeltaMeta meta, Path source, Path delta, int firstToDo, boolean resuming) {
    TreeResolver sourceTree = new TreeResolver(source, "SOURCE_DIR");
    TreeResolver deltaTree = new TreeResolver(delta, "the delta tree");
    Set<RelativePath> seen = new HashSet<>();
    List<String> problems = new ArrayList<>();
    List<RelativePath> rewritten = new ArrayList<>();
    int position = 0;
    for (RelativePath path : meta.keepFiles()) {
      checkEntry(path, position++ >= firstToDo, sourceTree, deltaTree, seen, problems);
      rewritten.add(path);
    }
    for (DeltaMeta.Change change : meta.changes()) {
      boolean patched = change.kind() == DeltaMeta.Kind.XDelta3;
      checkEntry(
          change.path(), patched && position >= firstToDo, sourceTree, deltaTree, seen, problems);
      if (patched) {
        position++;
        rewritten.add(change.path());
      }
    }
    if (problems.isEmpty()) {
      try {
        RelativePath linked = HardLinks.firstLinkedFromOutside(delta, rewritten);
        if (linked != null) {
          problems.add(linked
              + " is hard-linked from outside the delta tree: rewriting it would change that file too;"
              + " copy the delta tree without such links (e.g. cp -a of the tree alone)");
        }
      } catch (IOException e) {
        throw new EnvironmentException(
            "cannot read the delta tree " + delta + ": " + e.getMessage(), e);
      }
    }
    if (!problems.isEmpty()) {
      String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems)" : "";
      throw new InvalidInputException("refusing the delta in " + delta + ": " + problems.get(0)
          + more + (resuming ? "" : "; nothing was changed"));
    }
  }

  private static void checkEntry(
      RelativePath path,
      boolean needsSource,
      TreeResolver source,
      TreeResolver delta,
      Set<RelativePath> seen,
      List<String> problems) {
    if (!seen.add(path)) {
      problems.add(path + " is listed twice in " + MetaFile.NAME);
      return;
    }
    String parentProblem = delta.parentProblem(path);
    if (parentProblem != null) {
      problems.add(parentProblem);
      return;
    }
    Path file = path.under(delta.root());
    if (Files.isSymbolicLink(file)) {
      problems.add(path + " is a symlink in the delta tree, not a file");
      return;
    }
    if (!TreeChecks.isRegularFile(file)) {
      problems.add(
          path + " is listed in " + MetaFile.NAME + " but is not a regular file of the delta tree");
      return;
    }
    if (needsSource) {
      String sourceProblem = source.parentProblem(path);
      if (sourceProblem != null) {
        problems.add(sourceProblem);
      } else if (!TreeChecks.isRegularFile(path.under(source.root()))) {
        problems.add(path + " is missing from the source " + source.root()
            + " (is it the source the delta was made from?)");
      }
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
