package io.github.deltaimage.api;

import io.github.deltaimage.api.FileDecision.Outcome;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Totals of a directory diff or apply.
 *
 * @param files how many files (inodes) per outcome
 * @param targetBytes target bytes per outcome
 * @param storedBytes bytes the delta tree holds per outcome
 * @param elapsedNanos wall time
 */
public record DirectorySummary(
    Map<Outcome, Long> files,
    Map<Outcome, Long> targetBytes,
    Map<Outcome, Long> storedBytes,
    long elapsedNanos) {

  /** One file's part in the totals. */
  public record Entry(Outcome outcome, long targetSize, long storedSize) {}

  /** The totals of {@code entries}. */
  public static DirectorySummary of(List<Entry> entries, long elapsedNanos) {
    Map<Outcome, Long> files = new EnumMap<>(Outcome.class);
    Map<Outcome, Long> target = new EnumMap<>(Outcome.class);
    Map<Outcome, Long> stored = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      files.put(outcome, 0L);
      target.put(outcome, 0L);
      stored.put(outcome, 0L);
    }
    for (Entry entry : entries) {
      files.merge(entry.outcome(), 1L, Long::sum);
      target.merge(entry.outcome(), entry.targetSize(), Long::sum);
      stored.merge(entry.outcome(), entry.storedSize(), Long::sum);
    }
    return new DirectorySummary(
        Map.copyOf(files), Map.copyOf(target), Map.copyOf(stored), elapsedNanos);
  }

  /** Bytes of every target file. */
  public long totalTargetBytes() {
    return targetBytes.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Bytes the delta holds for every file. */
  public long totalStoredBytes() {
    return storedBytes.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Files of the target, every outcome. */
  public long totalFiles() {
    return files.values().stream().mapToLong(Long::longValue).sum();
  }
}
