package dev.perennial.publisher.service;

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
 * sent, which need not be a valid adapter key.
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

  SortedMap<String, String> snapshot() {
    return new TreeMap<>(reasons);
  }

  int size() {
    return reasons.size();
  }
}
