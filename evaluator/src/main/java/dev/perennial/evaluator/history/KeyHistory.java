package dev.perennial.evaluator.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The evaluations of one adapter key, oldest first, at most {@value #MAX_ENTRIES} (the oldest go
 * first): enough to find the entry of any recent release.
 */
public record KeyHistory(String adapterKey, List<HistoryEntry> entries) {

  public static final int MAX_ENTRIES = 200;

  public KeyHistory {
    entries = List.copyOf(entries);
  }

  public static KeyHistory empty(String adapterKey) {
    return new KeyHistory(adapterKey, List.of());
  }

  /**
   * The latest evaluation of the adapter stored at {@code location}: the candidate a release at
   * that location was made from.
   */
  public Optional<HistoryEntry> byLocation(String location) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (entries.get(i).location().equals(location)) {
        return Optional.of(entries.get(i));
      }
    }
    return Optional.empty();
  }

  /** This history with {@code entry} added, replacing an earlier evaluation of its candidate. */
  public KeyHistory with(HistoryEntry entry) {
    List<HistoryEntry> updated = new ArrayList<>();
    for (HistoryEntry existing : entries) {
      if (!existing.candidateId().equals(entry.candidateId())) {
        updated.add(existing);
      }
    }
    updated.add(entry);
    while (updated.size() > MAX_ENTRIES) {
      updated.remove(0);
    }
    return new KeyHistory(adapterKey, updated);
  }
}
