package dev.perennial.trainer.worker;

import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.verdict.Outcomes;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.TrainerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a key's next job while the key's last candidate awaits its decision, so that the next
 * candidate continues from the release the last one became and is compared with it (trained side by
 * side, both would start from the same parent, and the second would never be compared with the
 * first), and so that no job trains from a release that a pending ERASURE retrain is about to
 * replace.
 *
 * <p>What is awaited is derived from the topics, not remembered: {@code candidates.v1} says which
 * candidate is a key's last (whichever worker committed it), {@code releases.v1} (published) and
 * {@code verdicts.v1} (refused, or insufficient evidence: the accumulator then carries its job's
 * data into the key's next job, which must not wait for a release that never comes) say which are
 * decided. The three topics are read by consumers of their own (no group, every partition,
 * committed records only) from {@code maxWait} before the worker started: a candidate older than
 * that is waited for no more anyway. After a start and after every assignment of job partitions (a
 * worker taking over another's keys) no job starts before the three topics have been read to the
 * ends they had then, so a worker that takes over a key mid-wait waits as its predecessor did, for
 * the time that is left. After {@code maxWait} from the candidate's commit without a decision (the
 * evaluator or publisher is down, or the publisher refused a passed verdict) the job goes ahead
 * from the stable release of its time, with a warning. Only the worker's loop thread uses it, but
 * for {@link #undecidedCandidates()} and {@link #catchingUp()}.
 *
 * <p>A record of the three it cannot read (corrupt, unknown schema) is logged, counted as {@code
 * perennial.trainer.worker.decisions.unreadable{kind=candidate|release|verdict}} and skipped: what
 * it decides is only how long a key's next job waits, never what erasure reaches. Skipping an
 * unreadable candidate lets the key's next job start without waiting for it (as the maximum wait
 * does), one whose release or verdict is unreadable waits the maximum wait; a job trained meanwhile
 * on a release an ERASURE retrain replaces is itself reached by that erasure: the accumulator,
 * which stops on a candidate or release it cannot read, plans an ERASURE job for any release
 * trained on top of one holding erased data.
 */
final class CandidateDecisions implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CandidateDecisions.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CATCH_UP_POLL = Duration.ofMillis(100);

  /** Decided candidates remembered per key: a decision may be read before its candidate. */
  private static final int DECIDED_KEPT = 8;

  // All null when the worker does not wait (a zero maxWait).
  private final DecisionLog<AdapterCandidate> candidates;
  private final DecisionLog<AdapterRelease> releases;
  private final DecisionLog<EvaluationVerdict> verdicts;
  private final Duration maxWait;
  private final Clock clock;
  private final MeterRegistry meters;
  // Written by the loop thread only; readiness reads it from the health server's.
  private final Map<String, Undecided> undecided = new ConcurrentHashMap<>();
  private final Map<String, Deque<String>> decided = new HashMap<>();
  // Set at start and by every assignment; cleared once the topics are read to their ends of then.
  private volatile boolean stale = true;
  private volatile boolean catchingUp;

  /** A candidate of the key awaiting its decision since its commit. */
  private record Undecided(String candidateId, Instant since) {}

  private CandidateDecisions(
      DecisionLog<AdapterCandidate> candidates,
      DecisionLog<AdapterRelease> releases,
      DecisionLog<EvaluationVerdict> verdicts,
      Duration maxWait,
      Clock clock,
      MeterRegistry meters) {
    this.candidates = candidates;
    this.releases = releases;
    this.verdicts = verdicts;
    this.maxWait = maxWait;
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * Reads the three topics from {@code maxWait} ago, or nothing when {@code maxWait} is zero: then
   * no job ever waits.
   *
   * @param meters where unreadable records are counted
   * @throws TrainerException when a topic is missing
   */
  static CandidateDecisions open(
      Map<String, Object> consumerProperties,
      Topic<String, AdapterCandidate> candidateTopic,
      Topic<String, AdapterRelease> releaseTopic,
      Topic<String, EvaluationVerdict> verdictTopic,
      Duration maxWait,
      Clock clock,
      MeterRegistry meters) {
    if (maxWait.isZero()) {
      return new CandidateDecisions(null, null, null, maxWait, clock, meters);
    }
    Instant from = clock.instant().minus(maxWait);
    List<DecisionLog<?>> opened = new ArrayList<>();
    try {
      DecisionLog<AdapterCandidate> candidates =
          DecisionLog.open(consumerProperties, candidateTopic, from);
      opened.add(candidates);
      DecisionLog<AdapterRelease> releases =
          DecisionLog.open(consumerProperties, releaseTopic, from);
      opened.add(releases);
      DecisionLog<EvaluationVerdict> verdicts =
          DecisionLog.open(consumerProperties, verdictTopic, from);
      return new CandidateDecisions(candidates, releases, verdicts, maxWait, clock, meters);
    } catch (RuntimeException e) {
      opened.forEach(DecisionLog::close);
      throw e;
    }
  }

  /** The worker was assigned job partitions: no job starts before the topics are read anew. */
  void partitionsAssigned() {
    stale = true;
  }

  /** The key's candidate was committed; the key's next job waits for its decision. */
  void awaiting(String adapterKey, String candidateId) {
    if (candidates == null) {
      return;
    }
    awaiting(adapterKey, candidateId, clock.instant());
    log.info(
        "The next job of {} waits until candidate {} is released, refused or found to lack"
            + " evidence (at most {} s)",
        adapterKey,
        candidateId,
        maxWait.toSeconds());
  }

  private void awaiting(String adapterKey, String candidateId, Instant since) {
    if (decided.getOrDefault(adapterKey, new ArrayDeque<>()).contains(candidateId)) {
      undecided.remove(adapterKey);
      return;
    }
    Undecided known = undecided.get(adapterKey);
    if (known == null || !known.candidateId().equals(candidateId)) {
      undecided.put(adapterKey, new Undecided(candidateId, since));
    }
  }

  /**
   * Reads what arrived since the last call; after a start or an assignment, first up to the ends
   * the topics have now (over as many calls as it takes: jobs wait meanwhile). An unreadable record
   * is logged, counted and skipped, a registry outage thrown ({@link ReadFailure#OUTAGE}).
   */
  void refresh() {
    if (candidates == null) {
      return;
    }
    if (stale) {
      stale = false;
      catchingUp = true;
      candidates.markEnds();
      releases.markEnds();
      verdicts.markEnds();
    }
    Duration poll = catchingUp ? CATCH_UP_POLL : Duration.ZERO;
    candidates.poll(poll, "candidate", unreadable("candidate"), this::onCandidate);
    releases.poll(poll, "release", unreadable("release"), this::onRelease);
    verdicts.poll(poll, "verdict", unreadable("verdict"), this::onVerdict);
    if (catchingUp
        && candidates.reachedMark()
        && releases.reachedMark()
        && verdicts.reachedMark()) {
      catchingUp = false;
      log.info(
          "Decisions read up to date; keys waiting for their last candidate's decision: {}",
          undecided.keySet());
    }
  }

  /** Counts an unreadable record of {@code kind}. */
  private Runnable unreadable(String kind) {
    return () ->
        Counter.builder("perennial.trainer.worker.decisions.unreadable")
            .tag("kind", kind)
            .register(meters)
            .increment();
  }

  private void onCandidate(ConsumerRecord<String, AdapterCandidate> record) {
    AdapterCandidate candidate = record.value();
    if (candidate != null) {
      awaiting(
          candidate.getAdapterKey(),
          candidate.getCandidateId(),
          Instant.ofEpochMilli(record.timestamp()));
    }
  }

  private void onRelease(ConsumerRecord<String, AdapterRelease> record) {
    AdapterRelease release = record.value();
    if (release != null && release.getCandidateId() != null) {
      decided(release.getAdapterKey(), release.getCandidateId(), "released");
    }
  }

  private void onVerdict(ConsumerRecord<String, EvaluationVerdict> record) {
    EvaluationVerdict verdict = record.value();
    if (verdict == null) {
      return;
    }
    switch (Outcomes.of(verdict)) {
      case FAILED ->
          decided(verdict.getAdapterKey(), verdict.getCandidate().getCandidateId(), "refused");
      case INSUFFICIENT_EVIDENCE ->
          decided(
              verdict.getAdapterKey(),
              verdict.getCandidate().getCandidateId(),
              "had insufficient evidence ("
                  + Outcomes.afterInsufficientEvidence(verdict.getCandidate())
                  + ")");
      default -> {}
    }
  }

  private void decided(String adapterKey, String candidateId, String how) {
    Deque<String> recent = decided.computeIfAbsent(adapterKey, key -> new ArrayDeque<>());
    if (!recent.contains(candidateId)) {
      recent.addLast(candidateId);
      if (recent.size() > DECIDED_KEPT) {
        recent.removeFirst();
      }
    }
    Undecided waiting = undecided.get(adapterKey);
    if (waiting != null && waiting.candidateId().equals(candidateId)) {
      undecided.remove(adapterKey);
      log.info("Candidate {} {}: the next job of {} may start", candidateId, how, adapterKey);
    }
  }

  /**
   * Whether a job of the key may start now: the topics are read up to date, and its last candidate
   * is decided, or waited for enough.
   */
  boolean mayStart(String adapterKey) {
    if (candidates == null) {
      return true;
    }
    if (stale || catchingUp) {
      return false;
    }
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

  /** Whether jobs wait until the decision topics are read up to date (after an assignment). */
  boolean catchingUp() {
    return candidates != null && (stale || catchingUp);
  }

  /** The candidates awaiting their decision (within the maximum wait), by id. */
  SortedSet<String> undecidedCandidates() {
    Instant now = clock.instant();
    SortedSet<String> ids = new TreeSet<>();
    undecided.values().stream()
        .filter(waiting -> Duration.between(waiting.since(), now).compareTo(maxWait) < 0)
        .forEach(waiting -> ids.add(waiting.candidateId()));
    return ids;
  }

  @Override
  public void close() {
    if (candidates != null) {
      candidates.close();
      releases.close();
      verdicts.close();
    }
  }

  /** One decision topic, every partition, read from a moment on. */
  private static final class DecisionLog<V> implements AutoCloseable {
    private final KafkaConsumer<String, V> consumer;
    private Map<TopicPartition, Long> mark = Map.of();

    private DecisionLog(KafkaConsumer<String, V> consumer) {
      this.consumer = consumer;
    }

    static <V> DecisionLog<V> open(
        Map<String, Object> properties, Topic<String, V> topic, Instant from) {
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
                  + " decided (the worker creates it at start unless it is deleted meanwhile), or"
                  + " set "
                  + TrainerConfig.WORKER_DECISION_WAIT_MS_CONFIG
                  + "=0 to train a key's jobs without waiting");
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times, TIMEOUT);
        for (TopicPartition partition : partitions) {
          OffsetAndTimestamp offset = offsets.get(partition);
          if (offset == null) {
            consumer.seekToEnd(List.of(partition));
          } else {
            consumer.seek(partition, offset.offset());
          }
          consumer.position(partition, TIMEOUT);
        }
        return new DecisionLog<>(consumer);
      } catch (RuntimeException e) {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
        throw e;
      }
    }

    /** Remembers the ends the partitions have now (the last stable offsets). */
    void markEnds() {
      mark = consumer.endOffsets(consumer.assignment(), TIMEOUT);
    }

    boolean reachedMark() {
      return mark.entrySet().stream()
          .allMatch(end -> consumer.position(end.getKey(), TIMEOUT) >= end.getValue());
    }

    void poll(
        Duration timeout,
        String recordName,
        Runnable unreadable,
        Consumer<ConsumerRecord<String, V>> handler) {
      ReadFailure.poll(consumer, timeout, recordName, unreadable).forEach(handler);
    }

    @Override
    public void close() {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }
}
