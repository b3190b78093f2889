package dev.perennial.trainer.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Fetched jobs waiting for the worker, served fairly: jobs are keyed by adapter key, so each
 * partition carries its own set of keys; the queue takes one job at a time from each partition that
 * has any, in turn (round robin), so a backlog of one key delays the keys of other partitions by at
 * most one job each. Within a partition jobs stay in offset order, so committing a job's offset
 * never skips an earlier one.
 */
public final class FairJobQueue<K, V> {

  private final Map<TopicPartition, Deque<ConsumerRecord<K, V>>> waiting =
      new TreeMap<>(
          (a, b) ->
              a.topic().equals(b.topic())
                  ? Integer.compare(a.partition(), b.partition())
                  : a.topic().compareTo(b.topic()));
  private TopicPartition lastServed;

  public void add(ConsumerRecord<K, V> record) {
    waiting
        .computeIfAbsent(
            new TopicPartition(record.topic(), record.partition()), p -> new ArrayDeque<>())
        .addLast(record);
  }

  /** The next job, from the partition after the one served last; null when none waits. */
  public ConsumerRecord<K, V> next() {
    return next(record -> true);
  }

  /**
   * The next job that may start, from the partition after the one served last; null when none waits
   * or may start. A job that may not start yet holds back its partition (offset order).
   */
  public ConsumerRecord<K, V> next(Predicate<ConsumerRecord<K, V>> mayStart) {
    List<TopicPartition> partitions =
        waiting.entrySet().stream()
            .filter(
                entry -> !entry.getValue().isEmpty() && mayStart.test(entry.getValue().peekFirst()))
            .map(Map.Entry::getKey)
            .collect(Collectors.toCollection(ArrayList::new));
    if (partitions.isEmpty()) {
      return null;
    }
    TopicPartition chosen = partitions.get(0);
    if (lastServed != null) {
      for (TopicPartition partition : partitions) {
        if (compare(partition, lastServed) > 0) {
          chosen = partition;
          break;
        }
      }
    }
    lastServed = chosen;
    return waiting.get(chosen).pollFirst();
  }

  /** Puts a job back at the head of its partition (to try it again). */
  public void putBack(ConsumerRecord<K, V> record) {
    waiting
        .computeIfAbsent(
            new TopicPartition(record.topic(), record.partition()), p -> new ArrayDeque<>())
        .addFirst(record);
  }

  /** Forgets the jobs of partitions this worker no longer owns. */
  public void drop(Collection<TopicPartition> partitions) {
    partitions.forEach(waiting::remove);
  }

  /** How many jobs of the partition wait. */
  public int waiting(TopicPartition partition) {
    Deque<ConsumerRecord<K, V>> queue = waiting.get(partition);
    return queue == null ? 0 : queue.size();
  }

  public int size() {
    return waiting.values().stream().mapToInt(Deque::size).sum();
  }

  public Set<TopicPartition> partitions() {
    return waiting.keySet();
  }

  private static int compare(TopicPartition a, TopicPartition b) {
    return a.topic().equals(b.topic())
        ? Integer.compare(a.partition(), b.partition())
        : a.topic().compareTo(b.topic());
  }
}
