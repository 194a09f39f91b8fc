package io.github.deltaimage.format.dir;

import io.github.deltaimage.api.DirectorySummary;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.FileDecision;
import io.github.deltaimage.api.FileDecision.Outcome;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.fs.FileState;
import io.github.deltaimage.fs.InPlaceWriter;
import io.github.deltaimage.fs.RelativePath;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.fs.TreeResolver;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a target tree, in place, into a delta tree against a source tree, in the original
 * deltaimage's format. Files are matched by path, as the original does.
 *
 * <p>It works in two phases so that a failure leaves the target as it was: first every delta is
 * computed and checked into the run directory (in parallel), then the target files are rewritten in
 * place (same inode, so hard links, owner, mode and extended attributes stay) and given back their
 * modification times. A hard-link group is decided once: it is one inode.
 */
public final class DirectoryDiff {

  private final DeltaCodec codec;
  private final Parallel parallel;
  private final Path tempParent;
  private final DeltaListener listener;

  public DirectoryDiff(DeltaCodec codec, int threads, Path tempParent, DeltaListener listener) {
    this.codec = codec;
    this.parallel = new Parallel(threads);
    this.tempParent = tempParent;
    this.listener = listener;
  }

  /** One inode of the target, with every path that names it, sorted. */
  private record Inode(List<RelativePath> paths, long size) {}

  /** What the delta tree will hold for one inode. */
  private record Plan(
      Inode inode,
      Outcome outcome,
      RelativePath sourcePath,
      Path delta,
      long storedSize,
      String reason) {}

  public DirectorySummary diff(Path source, Path target) {
    long started = System.nanoTime();
    TreeChecks.requireDirectory(source, "SOURCE_DIR");
    TreeChecks.requireDirectory(target, "TARGET_DIR");
    if (Files.exists(target.resolve(MetaFile.NAME))) {
      throw new InvalidInputException("TARGET_DIR " + target + " already holds " + MetaFile.NAME
          + ": it is a delta tree already; diff a fresh copy of the target");
    }
    List<Inode> inodes = regularFiles(target);
    TreeResolver sourceTree = new TreeResolver(source, "SOURCE_DIR");
    try (RunDirectory run = RunDirectory.create(tempParent)) {
      List<Plan> plans = parallel.map(inodes, inode -> plan(inode, sourceTree, target, run));
      refuseOutsideLinks(target, plans);
      FileTime rootModified = FileState.of(target).modified();
      List<RelativePath> keep = new ArrayList<>();
      List<DeltaMeta.Change> changes = new ArrayList<>();
      for (Plan plan : plans) {
        Path file = plan.inode().paths().get(0).under(target);
        switch (plan.outcome()) {
          case KEPT_FROM_SOURCE -> {
            FileState state = FileState.of(file);
            InPlaceWriter.truncate(file);
            state.restoreOn(file);
            keep.add(plan.sourcePath());
          }
          case DELTA -> {
            FileState state = FileState.of(file);
            InPlaceWriter.overwrite(file, plan.delta());
            state.restoreOn(file);
            changes.add(new DeltaMeta.Change(DeltaMeta.Kind.XDelta3, plan.sourcePath()));
          }
          case STORED_WHOLE ->
            changes.add(new DeltaMeta.Change(DeltaMeta.Kind.AsIs, plan.sourcePath()));
          case NEW -> {}
        }
        listener.fileDecided(new FileDecision(
            plan.inode().paths().get(0).toString(),
            plan.outcome(),
            plan.inode().size(),
            plan.storedSize(),
            plan.reason()));
      }
      MetaFile.write(
          new DeltaMeta(DeltaMeta.ORIGINAL_VERSION, keep, changes), target.resolve(MetaFile.NAME));
      FileState.setModified(target, rootModified);
      return DirectorySummary.of(
          plans.stream()
              .map(p -> new DirectorySummary.Entry(p.outcome(), p.inode().size(), p.storedSize()))
              .toList(),
          System.nanoTime() - started);
    }
  }

  private static List<Inode> regularFiles(Path root) {
    Map<Object, TreeSet<RelativePath>> byInode = new LinkedHashMap<>();
    Map<Object, Long> sizes = new LinkedHashMap<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            Object key = attrs.fileKey() != null ? attrs.fileKey() : file;
            byInode
                .computeIfAbsent(key, k -> new TreeSet<>())
                .add(RelativePath.between(root, file));
            sizes.put(key, attrs.size());
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          throw e;
        }
      });
    } catch (IOException e) {
      throw new EnvironmentException("cannot read the tree " + root + ": " + e.getMessage(), e);
    }
    List<Inode> inodes = new ArrayList<>();
    byInode.forEach((key, paths) -> inodes.add(new Inode(List.copyOf(paths), sizes.get(key))));
    inodes.sort(Comparator.comparing(inode -> inode.paths().get(0)));
    return inodes;
  }

  /** A file rewritten in place that is hard-linked from outside TARGET_DIR would change that outside file too. */
  private static void refuseOutsideLinks(Path target, List<Plan> plans) {
    for (Plan plan : plans) {
      if (plan.outcome() != Outcome.KEPT_FROM_SOURCE && plan.outcome() != Outcome.DELTA) {
        continue;
      }
      RelativePath first = plan.inode().paths().get(0);
      try {
        int links = (Integer)
            Files.getAttribute(first.under(target), "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        if (links > plan.inode().paths().size()) {
          throw new InvalidInputException(
              "refusing to diff " + target + ": " + first + " is hard-linked from outside"
                  + " TARGET_DIR (" + links + " links, " + plan.inode().paths().size()
                  + " in the tree); rewriting it would"
                  + " change that file too; diff a copy of the tree; nothing was changed");
        }
      } catch (IOException e) {
        throw new EnvironmentException(
            "cannot read " + first.under(target) + ": " + e.getMessage(), e);
      }
    }
  }

  private Plan plan(Inode inode, TreeResolver sourceTree, Path targetRoot, RunDirectory run) {
    Path sourceRoot = sourceTree.root();
    if (inode.size() == 0) {
      return new Plan(inode, Outcome.NEW, null, null, 0, "empty");
    }
    Path target = inode.paths().get(0).under(targetRoot);
    RelativePath base = null;
    for (RelativePath path : inode.paths()) {
      Path source = path.under(sourceRoot);
      // A source path through a symlinked directory (var/run -> /run) is not in the source tree.
      if (sourceTree.isRegularFile(path)) {
        if (sameBytes(source, target)) {
          return new Plan(inode, Outcome.KEPT_FROM_SOURCE, path, null, 0, null);
        }
        if (base == null) {
          base = path;
        }
      }
    }
    if (base == null) {
      return new Plan(inode, Outcome.NEW, null, null, inode.size(), "not in the source");
    }
    Path source = base.under(sourceRoot);
    Path delta = run.newFile("delta");
    codec.encode(source, target, delta);
    long deltaSize = size(delta);
    if (deltaSize >= inode.size()) {
      return new Plan(
          inode,
          Outcome.STORED_WHOLE,
          base,
          null,
          inode.size(),
          "delta not smaller (" + deltaSize + " bytes)");
    }
    // As the original does: decode once to be sure the delta rebuilds the target.
    Path check = run.newFile("check");
    try {
      codec.decode(source, delta, check);
      if (!sameBytes(check, target)) {
        return new Plan(
            inode,
            Outcome.STORED_WHOLE,
            base,
            null,
            inode.size(),
            "delta did not decode to the target");
      }
    } catch (InvalidInputException e) {
      return new Plan(
          inode,
          Outcome.STORED_WHOLE,
          base,
          null,
          inode.size(),
          "delta did not decode: " + e.getMessage());
    } finally {
      deleteQuietly(check);
    }
    return new Plan(inode, Outcome.DELTA, base, delta, deltaSize, null);
  }

  private static boolean sameBytes(Path a, Path b) {
    try {
      return Files.size(a) == Files.size(b) && Files.mismatch(a, b) == -1;
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot compare " + a + " with " + b + ": " + e.getMessage(), e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // The run directory goes at the end anyway.
    }
  }
}
