package dev.perennial.publisher.service;

import dev.perennial.core.ids.RecordIds;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys the publisher no longer decides for, each with why: a key whose record failed every
 * attempt while the release area and Kafka worked for the rest, or whose announced releases the
 * area lacks at start. Its records are skipped with an audit event (topic, partition, offset), so
 * one bad key never stops the others; a restart tries the key again. Keyed by the record key as
 * sent, which need not be a valid adapter key; shown ({@link #snapshot}: readiness, the admin view)
 * through {@link RecordIds}, so a key that is no id is not repeated.
 */
final class KeyQuarantine {

  private final Map<String, String> reasons = new ConcurrentHashMap<>();

  void add(String key, String reason) {
    reasons.putIfAbsent(key, reason);
  }

  /** Why {@code key} is quarantined, or empty when it is not. */
  Optional<String> reason(String key) {
    return Optional.ofNullable(reasons.get(key));
  }

  /** The keys as {@link RecordIds#shown} shows them (those that are no ids under one), with why. */
  SortedMap<String, String> snapshot() {
    SortedMap<String, String> shown = new TreeMap<>();
    reasons.forEach((key, reason) -> shown.putIfAbsent(RecordIds.shown(key), reason));
    return shown;
  }

  int size() {
    return reasons.size();
  }
}
