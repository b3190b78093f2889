package dev.perennial.trainer.worker;

import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.verdict.Outcomes;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.TrainerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a key's next job while the key's last candidate from this worker awaits its decision, so
 * that the next candidate continues from the release the last one became and is compared with it
 * (trained side by side, both would start from the same parent, and the second would never be
 * compared with the first).
 *
 * <p>A candidate is decided when {@code releases.v1} names it (published), or {@code verdicts.v1}
 * refuses it or finds its evidence insufficient (then the accumulator carries its job's data into
 * the key's next job, which must not wait for a release that never comes). Both topics are read
 * from their ends at start by consumers of their own (no group, every partition, committed records
 * only): what this worker waits for is always produced after it started. After {@code maxWait}
 * without a decision (the evaluator or publisher is down, or the publisher refused a passed
 * verdict) the job goes ahead from the stable release of its time, with a warning. Only the
 * worker's loop thread uses it, but for {@link #undecidedCandidates()}.
 */
final class CandidateDecisions implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CandidateDecisions.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  // Both null when the worker does not wait (a zero maxWait).
  private final KafkaConsumer<String, AdapterRelease> releases;
  private final KafkaConsumer<String, EvaluationVerdict> verdicts;
  private final Duration maxWait;
  private final Clock clock;
  // Written by the loop thread only; readiness reads it from the health server's.
  private final Map<String, Undecided> undecided = new ConcurrentHashMap<>();

  /** A candidate of the key awaiting its decision since a moment. */
  private record Undecided(String candidateId, Instant since) {}

  private CandidateDecisions(
      KafkaConsumer<String, AdapterRelease> releases,
      KafkaConsumer<String, EvaluationVerdict> verdicts,
      Duration maxWait,
      Clock clock) {
    this.releases = releases;
    this.verdicts = verdicts;
    this.maxWait = maxWait;
    this.clock = clock;
  }

  /**
   * Reads both topics from their ends, or nothing when {@code maxWait} is zero: then no job ever
   * waits.
   *
   * @throws TrainerException when a topic is missing
   */
  static CandidateDecisions open(
      Map<String, Object> consumerProperties,
      Topic<String, AdapterRelease> releaseTopic,
      Topic<String, EvaluationVerdict> verdictTopic,
      Duration maxWait,
      Clock clock) {
    if (maxWait.isZero()) {
      return new CandidateDecisions(null, null, maxWait, clock);
    }
    KafkaConsumer<String, AdapterRelease> releases = fromTheEnd(consumerProperties, releaseTopic);
    try {
      return new CandidateDecisions(
          releases, fromTheEnd(consumerProperties, verdictTopic), maxWait, clock);
    } catch (RuntimeException e) {
      releases.close();
      throw e;
    }
  }

  private static <V> KafkaConsumer<String, V> fromTheEnd(
      Map<String, Object> properties, Topic<String, V> topic) {
    KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(
            properties, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.name(), TIMEOUT).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new TrainerException(
            "Topic "
                + topic.name()
                + " does not exist: the worker reads it to learn when a key's candidate is"
                + " decided (the worker creates it at start unless it is deleted meanwhile), or set "
                + TrainerConfig.WORKER_DECISION_WAIT_MS_CONFIG
                + "=0 to train a key's jobs without waiting");
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(partition -> consumer.position(partition, TIMEOUT));
      return consumer;
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /** The key's candidate was committed; the key's next job waits for its decision. */
  void awaiting(String adapterKey, String candidateId) {
    if (releases == null) {
      return;
    }
    undecided.put(adapterKey, new Undecided(candidateId, clock.instant()));
    log.info(
        "The next job of {} waits until candidate {} is released, refused or found to lack"
            + " evidence (at most {} s)",
        adapterKey,
        candidateId,
        maxWait.toSeconds());
  }

  /**
   * Reads the decisions that arrived since the last call; an unreadable record is logged and
   * skipped, a registry outage thrown ({@link ReadFailure#OUTAGE}).
   */
  void refresh() {
    if (undecided.isEmpty()) {
      return;
    }
    for (ConsumerRecord<String, AdapterRelease> record :
        ReadFailure.poll(releases, Duration.ZERO, "release", () -> {})) {
      AdapterRelease release = record.value();
      if (release != null && release.getCandidateId() != null) {
        decided(release.getAdapterKey(), release.getCandidateId(), "released");
      }
    }
    for (ConsumerRecord<String, EvaluationVerdict> record :
        ReadFailure.poll(verdicts, Duration.ZERO, "verdict", () -> {})) {
      EvaluationVerdict verdict = record.value();
      if (verdict == null) {
        continue;
      }
      switch (Outcomes.of(verdict)) {
        case FAILED ->
            decided(verdict.getAdapterKey(), verdict.getCandidate().getCandidateId(), "refused");
        case INSUFFICIENT_EVIDENCE ->
            decided(
                verdict.getAdapterKey(),
                verdict.getCandidate().getCandidateId(),
                "had insufficient evidence (its data rolls into the key's next job)");
        default -> {}
      }
    }
  }

  private void decided(String adapterKey, String candidateId, String how) {
    Undecided waiting = undecided.get(adapterKey);
    if (waiting != null && waiting.candidateId().equals(candidateId)) {
      undecided.remove(adapterKey);
      log.info("Candidate {} {}: the next job of {} may start", candidateId, how, adapterKey);
    }
  }

  /**
   * Whether a job of the key may start now: its last candidate is decided, or waited for enough.
   */
  boolean mayStart(String adapterKey) {
    Undecided waiting = undecided.get(adapterKey);
    if (waiting == null) {
      return true;
    }
    Duration waited = Duration.between(waiting.since(), clock.instant());
    if (waited.compareTo(maxWait) < 0) {
      return false;
    }
    log.warn(
        "No decision on candidate {} after {} s; the next job of {} starts from the current stable"
            + " release",
        waiting.candidateId(),
        waited.toSeconds(),
        adapterKey);
    undecided.remove(adapterKey);
    return true;
  }

  /** The candidates awaiting their decision, by id. */
  SortedSet<String> undecidedCandidates() {
    SortedSet<String> ids = new TreeSet<>();
    undecided.values().forEach(waiting -> ids.add(waiting.candidateId()));
    return ids;
  }

  @Override
  public void close() {
    if (releases != null) {
      releases.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      verdicts.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }
}
