package dev.perennial.evaluator.service;

import ai.djl.pytorch.jni.JniUtils;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.ids.RecordIds;
import dev.perennial.core.kafka.CommitResult;
import dev.perennial.core.kafka.FatalKafkaException;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.kafka.TransactionalCommitter;
import dev.perennial.core.metrics.KafkaClientMeters;
import dev.perennial.core.service.FailureText;
import dev.perennial.core.service.LoopStop;
import dev.perennial.core.service.LoopThread;
import dev.perennial.core.service.RegistryWait;
import dev.perennial.core.service.Service;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.evaluator.EvaluatorException;
import dev.perennial.evaluator.area.EvaluationArea;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.evaluate.BaseEvaluators;
import dev.perennial.evaluator.evaluate.CandidateEvaluator;
import dev.perennial.evaluator.evaluate.CandidateRequest;
import dev.perennial.evaluator.evaluate.Evaluation;
import dev.perennial.evaluator.evaluate.EvaluationBase;
import dev.perennial.evaluator.evaluate.EvaluationListener;
import dev.perennial.evaluator.history.HistoryStore;
import dev.perennial.evaluator.report.ReportWriter;
import dev.perennial.evaluator.scoring.BatchScorer;
import dev.perennial.evaluator.scoring.ScoringProgress;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.release.ReleaseView;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationVerdict;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator: consumes {@code candidates.v1} and produces one {@code EvaluationVerdict} per
 * candidate on {@code verdicts.v1}.
 *
 * <ul>
 *   <li>Waiting candidates (up to {@code perennial.evaluator.batch.max.candidates}) are evaluated
 *       together on a scoring thread of their own, while this loop keeps polling with every
 *       partition paused: however long a batch takes, the group sees no missed poll.
 *   <li>Each candidate is compared with its key's stable release as {@code releases.v1} tells it
 *       right before the batch ({@link ReleaseView}).
 *   <li>The verdicts are sent and the candidates' offsets committed in one transaction ({@code
 *       transactional.id = <topic prefix>evaluator.<instance id>}, {@code
 *       perennial-evaluator-<instance id>} under the default prefix), after the reports and the
 *       keys' histories are written: exactly once. A candidate read again after a crash yields a
 *       verdict with the same id (its candidate id with {@code #verdict}).
 *   <li>A candidate that cannot be evaluated as it is (corrupt files, another base, shards an
 *       erasure rewrote) gets a failed verdict naming the gate. A batch that fails otherwise (the
 *       store cannot be read, an outage of the artifact store: it takes no write or holds nothing
 *       at all, its volume not mounted, which no candidate's files are gone from) is tried again,
 *       {@value #MAX_ATTEMPTS} times in all; then the service stops consuming and has failed rather
 *       than skip a candidate. So does it when {@code releases.v1} cannot be read to its end before
 *       a batch as many times in a row (the topic gone, no ACL, the broker not answering),
 *       readiness DOWN meanwhile. A record that is no candidate ({@link ReadFailure}: corrupt,
 *       unknown schema) is committed past and counted.
 *   <li>While the schema registry is unavailable ({@link ReadFailure#OUTAGE}) the candidate waiting
 *       to be read waits, tried again after a pause ({@link RegistryWait}: 0.5 s doubling to 10 s);
 *       nothing is committed past it and readiness is DOWN. Until a read succeeds again the loop
 *       keeps polling with every partition paused: it stays in its consumer group whatever {@code
 *       max.poll.interval.ms} is, and reads no more candidates into memory than it held when the
 *       outage began.
 * </ul>
 */
public final class EvaluatorService implements Service {

  private static final Logger log = LoggerFactory.getLogger(EvaluatorService.class);

  static final int MAX_ATTEMPTS = 3;
  private static final Duration POLL = Duration.ofMillis(200);

  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration FIRST_OUTAGE_PAUSE = Duration.ofMillis(500);
  private static final Duration MAX_OUTAGE_PAUSE = Duration.ofSeconds(10);

  /**
   * The topics an evaluator reads and writes, which it creates when missing (a fresh cluster comes
   * up whichever stage starts first): those its ACLs name ({@link StageAcls#evaluator}).
   */
  public static final List<PerennialTopic> TOPICS =
      StageAcls.readsAndWrites(StageAcls.EVALUATOR_READS, StageAcls.EVALUATOR_WRITES);

  private final EvaluatorConfig config;
  private final Topics topics;
  private final BaseEvaluators evaluators;
  private final EvaluatorMetrics metrics;
  private final EvaluationListener listener;
  private final String transactionalId;
  private final ExecutorService scoring =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "evaluator-scoring");
            thread.setDaemon(true);
            return thread;
          });
  private final Deque<ConsumerRecord<String, byte[]>> waiting = new ArrayDeque<>();
  private final BatchPartitions batchPartitions = new BatchPartitions();
  private final List<Consumer<EvaluationVerdict>> verdictListeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, EvaluationVerdict> producer;
  private TransactionalCommitter<String, EvaluationVerdict> committer;
  private final RegistryWait registryWait =
      new RegistryWait(FIRST_OUTAGE_PAUSE, MAX_OUTAGE_PAUSE, Clock.systemUTC());
  private KafkaClientMeters clientMeters;
  private final MeterRegistry meters;
  private ReleaseView releases;
  private LoopThread loop;
  private volatile Running current;
  private int failedAttempts;
  private int failedReleaseReads;
  private volatile int waitingCount;
  private volatile boolean running = true;
  private volatile String failure;
  private volatile Readiness readiness = Readiness.notReady("starting");

  /** The batch being evaluated: its records (in order) and the evaluation's outcome. */
  private record Running(List<ConsumerRecord<String, byte[]>> records, Future<Batch> outcome) {}

  /** A batch's verdicts and the records it read (unreadable ones included, to commit past). */
  private record Batch(
      List<ConsumerRecord<String, byte[]>> records,
      Map<ConsumerRecord<String, byte[]>, EvaluationVerdict> verdicts) {}

  private EvaluatorService(
      EvaluatorConfig config, MeterRegistry meters, PrintWriter console, Clock clock) {
    this.config = config;
    this.meters = meters;
    this.topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    this.transactionalId = config.transactionalId();
    LocalArtifactStore store = new LocalArtifactStore(config.artifactStorePath());
    EvaluationArea area = new EvaluationArea(config.evaluationPath());
    EvaluationBase base = EvaluationBase.open(config);
    HistoryStore history = new HistoryStore(area);
    ReportWriter reports = new ReportWriter(store, area);
    Function<EvaluationBase, CandidateEvaluator> evaluatorOf =
        evaluationBase ->
            new CandidateEvaluator(
                evaluationBase,
                new BatchScorer(
                    evaluationBase.base(),
                    ModelRuntime.device(DeviceChoice.parse(config.device())),
                    BatchScorer.Settings.from(config)),
                store,
                store.root(),
                history,
                reports,
                config::thresholds,
                config.bootstrap(),
                config.instanceId(),
                clock);
    // REBASE candidates are evaluated on the base they name, beside the configured one
    this.evaluators =
        new BaseEvaluators(evaluatorOf.apply(base), config.generalSize(), evaluatorOf);
    BatchScorer scorer = evaluators.configured().scorer();
    this.metrics = new EvaluatorMetrics(meters, scorer::stats, () -> waitingCount);
    EvaluationProgress progress = new EvaluationProgress(console, scorer::stats);
    this.listener =
        new EvaluationListener() {
          @Override
          public void scoring(List<CandidateRequest> batch, int workloads, long rows) {
            progress.scoring(batch, workloads, rows);
          }

          @Override
          public void progress(List<CandidateRequest> batch, ScoringProgress scoring) {
            progress.progress(batch, scoring);
            metrics.progress(batch, scoring);
          }

          @Override
          public void idle() {
            progress.idle();
            metrics.idle();
          }

          @Override
          public void scored(List<CandidateRequest> batch, double seconds) {
            progress.scored(batch, seconds);
            metrics.scored(batch, seconds);
          }

          @Override
          public void evaluated(Evaluation evaluation) {
            progress.evaluated(evaluation);
          }
        };
  }

  /**
   * Starts the evaluator and returns once it consumes: the base model is open, every canary file
   * read, the topics provisioned, any earlier instance with the same id fenced.
   *
   * @param console where progress is printed, or null to log it
   */
  public static EvaluatorService start(
      EvaluatorConfig config, MeterRegistry meters, PrintWriter console) {
    return start(config, meters, console, Clock.systemUTC());
  }

  static EvaluatorService start(
      EvaluatorConfig config, MeterRegistry meters, PrintWriter console, Clock clock) {
    EvaluatorService service = new EvaluatorService(config, meters, console, clock);
    try {
      service.startUp();
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    return service;
  }

  private void startUp() {
    Integer threads = config.threads().orElse(null);
    awaitScoringThread(
        () -> {
          ModelRuntime.engine();
          // PyTorch's grad mode is per thread and on by default; scoring needs none.
          JniUtils.setGradMode(false);
          if (threads != null) {
            ModelRuntime.setThreads(threads);
          }
          return null;
        });
    TopicProvisioner.provision(config, transactionalId + "-admin", TOPICS);
    producer =
        new KafkaProducer<>(
            KafkaClients.transactionalProducer(config, transactionalId),
            topics.verdicts().keySerde().serializer(),
            topics.verdicts().valueSerde().serializer());
    producer.initTransactions();

    Map<String, Object> consumerProperties = KafkaClients.consumer(config, config.groupId());
    consumerProperties.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    consumerProperties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batchMaxCandidates());
    consumer =
        new KafkaConsumer<>(
            consumerProperties, new StringDeserializer(), new ByteArrayDeserializer());
    clientMeters = KafkaClientMeters.bind(meters, consumer, producer);
    committer = new TransactionalCommitter<>(producer, consumer);

    Map<String, Object> releaseProperties =
        KafkaClients.consumer(config, config.groupId() + "-releases");
    releaseProperties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    releases = new ReleaseView(releaseProperties, topics.releases(), config.releasesTimeout());

    consumer.subscribe(List.of(topics.candidates().name()), new Rebalance());
    loop = LoopThread.start("perennial-evaluator", this::run);
    readiness = Readiness.ready("idle");
    log.info(
        "Evaluator {} consumes {} on base {}",
        config.instanceId(),
        topics.candidates().name(),
        evaluators.configured().base().base());
  }

  /**
   * Calls {@code listener} with every committed verdict (on the service's thread; keep it short).
   */
  public void onVerdict(Consumer<EvaluationVerdict> listener) {
    verdictListeners.add(listener);
  }

  @Override
  public Readiness readiness() {
    Optional<String> failure = failure();
    if (failure.isPresent()) {
      return Readiness.notReady("stopped: " + failure.get());
    }
    Readiness own = readiness;
    if (!own.ready()) {
      return own;
    }
    return topics.registry().outage().map(SchemaRegistryClient.Outage::readiness).orElse(own);
  }

  /** Waits until the consuming loop has ended: after {@link #close()}, or on its own failure. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /**
   * Why the loop stopped on its own (gave up, or died of anything, an {@link Error} included), or
   * empty.
   */
  @Override
  public Optional<String> failure() {
    return Optional.ofNullable(failure).or(() -> loop == null ? Optional.empty() : loop.failure());
  }

  public EvaluatorConfig config() {
    return config;
  }

  /** The scoring engine's figures so far (rows and seconds by kind of pass). */
  public String scoringStats() {
    return evaluators.configured().scorer().stats().toString();
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        records.forEach(waiting::add);
        waitingCount = waiting.size() + (current == null ? 0 : current.records().size());
        Running batch = current;
        if (batch != null && batch.outcome().isDone()) {
          finish(batch);
        }
        if (waiting.isEmpty()) {
          // what waited for the registry moved to another evaluator: nothing is held back
          registryWait.answered();
        }
        if (current == null && !waiting.isEmpty() && running && !registryWait.waiting()) {
          startNext();
        }
        if (current == null && !holdingForRegistry()) {
          consumer.resume(consumer.paused());
        } else {
          consumer.pause(consumer.assignment());
        }
      }
    } catch (WakeupException e) {
      if (running) {
        fail("woken up unexpectedly", e);
      }
    } catch (FatalException e) {
      fail(e.getMessage(), e.getCause());
    } catch (FatalKafkaException e) {
      fail(stoppedByKafka(e), e);
    } catch (RuntimeException e) {
      fail(FailureText.describe("unexpected error:", e), e);
    } finally {
      running = false;
      stopped.countDown();
    }
  }

  private void startNext() {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    List<CandidateRequest> requests = new ArrayList<>();
    Map<CandidateRequest, ConsumerRecord<String, byte[]>> recordOf = new HashMap<>();
    try {
      releases.refresh();
    } catch (RuntimeException e) {
      if (ReadFailure.isOutage(e)) {
        Duration pause = registryWait.begin();
        log.warn(
            "Cannot read {} to its end; retry {} in {} ms (still polling, partitions paused): {}",
            topics.releases().name(),
            registryWait.failures(),
            pause.toMillis(),
            e.toString());
        return;
      }
      // the topic gone, no ACL, the broker not answering: no batch can be compared
      failedReleaseReads++;
      String why = releasesUnreadable(topics.releases().name(), e);
      readiness = Readiness.notReady(why);
      if (failedReleaseReads >= MAX_ATTEMPTS) {
        throw new FatalException(
            FailureText.describe(
                "Cannot read "
                    + topics.releases().name()
                    + " to its end ("
                    + failedReleaseReads
                    + " attempts):",
                e),
            e);
      }
      log.warn("{}; retry {} of {}", why, failedReleaseReads, MAX_ATTEMPTS - 1);
      return;
    }
    if (failedReleaseReads > 0) {
      failedReleaseReads = 0;
      readiness = Readiness.ready("idle");
    }
    while (!waiting.isEmpty() && requests.size() < config.batchMaxCandidates()) {
      ConsumerRecord<String, byte[]> record = waiting.peekFirst();
      AdapterCandidate candidate;
      try {
        candidate = read(record);
      } catch (SerializationException e) {
        ReadFailure failure = ReadFailure.of(e);
        if (!failure.badRecord()) {
          Duration pause = registryWait.begin();
          log.warn(
              "The schema registry is unavailable; {} waits, retry {} in {} ms (still polling,"
                  + " partitions paused): {}",
              where(record),
              registryWait.failures(),
              pause.toMillis(),
              e.toString());
          break;
        }
        log.error(
            "Skipping unreadable candidate record {} ({}): {}",
            where(record),
            failure,
            e.getMessage());
        metrics.unreadable();
        candidate = null;
      }
      registryWait.answered();
      waiting.removeFirst();
      records.add(record);
      if (candidate != null) {
        CandidateRequest request =
            new CandidateRequest(
                candidate,
                releases.stable(candidate.getAdapterKey(), candidate.getBaseModelDigest()),
                releases.stableOnOtherBases(
                    candidate.getAdapterKey(), candidate.getBaseModelDigest()));
        requests.add(request);
        recordOf.put(request, record);
      }
    }
    if (records.isEmpty()) {
      return;
    }
    consumer.pause(consumer.assignment());
    batchPartitions.batchStarted();
    readiness = Readiness.ready("evaluating " + requests.size() + " candidate(s)");
    Future<Batch> outcome =
        scoring.submit(
            () -> {
              // whole milliseconds, as the verdict carries it and its evaluatedAt
              Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
              Map<ConsumerRecord<String, byte[]>, EvaluationVerdict> verdicts = new HashMap<>();
              if (!requests.isEmpty()) {
                List<Evaluation> evaluations = evaluators.evaluate(requests, listener);
                for (int i = 0; i < evaluations.size(); i++) {
                  verdicts.put(
                      recordOf.get(requests.get(i)), Verdicts.of(evaluations.get(i), started));
                }
              }
              return new Batch(records, verdicts);
            });
    current = new Running(records, outcome);
  }

  private AdapterCandidate read(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      throw new SerializationException("a tombstone, not a candidate");
    }
    return topics
        .candidates()
        .valueSerde()
        .deserializer()
        .deserialize(record.topic(), record.value());
  }

  private void finish(Running batch) {
    current = null;
    readiness = Readiness.ready("idle");
    Batch done;
    try {
      done = batch.outcome().get();
    } catch (ExecutionException e) {
      retryOrStop(batch, e.getCause());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FatalException("interrupted", e);
    }
    failedAttempts = 0;
    commit(done);
  }

  /** A batch that failed as a whole is read again from its first offsets, or the service stops. */
  private void retryOrStop(Running batch, Throwable cause) {
    failedAttempts++;
    if (failedAttempts >= MAX_ATTEMPTS) {
      throw new FatalException(
          FailureText.describe(
              "evaluating "
                  + batch.records().size()
                  + " candidate(s) failed "
                  + failedAttempts
                  + " times:",
              cause),
          cause);
    }
    log.warn("Evaluating a batch failed, retry {} of {}", failedAttempts, MAX_ATTEMPTS - 1, cause);
    rewind(batch.records());
    sleep(FIRST_BACKOFF.multipliedBy(failedAttempts));
  }

  /**
   * Commits the batch's verdicts with the offsets of the records whose partitions it still owns.
   */
  private void commit(Batch batch) {
    List<ConsumerRecord<String, byte[]>> kept = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : batch.records()) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      if (!batchPartitions.owns(partition, consumer.assignment())) {
        log.info("Dropping the verdict of {}: its partition moved during the batch", where(record));
        continue;
      }
      kept.add(record);
    }
    rewind(commit(kept, batch.verdicts()));
  }

  /**
   * Sends the verdicts of {@code records} and commits their offsets in one transaction. A
   * transaction Kafka refuses a verdict of for what it is (too large: a verdict carries its
   * candidate) can never commit: the verdicts are then committed one at a time, and a candidate
   * whose verdict is refused on its own is skipped with the reason, as an unreadable one is, so
   * that it neither comes back nor holds up the candidates behind it.
   *
   * @return the records from the first whose transaction aborted for a cause that may pass, to be
   *     read again; empty when every record was committed or skipped
   */
  private List<ConsumerRecord<String, byte[]>> commit(
      List<ConsumerRecord<String, byte[]>> records,
      Map<ConsumerRecord<String, byte[]>, EvaluationVerdict> verdicts) {
    if (records.isEmpty()) {
      return List.of();
    }
    List<ProducerRecord<String, EvaluationVerdict>> outputs = new ArrayList<>();
    List<EvaluationVerdict> sent = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      EvaluationVerdict verdict = verdicts.get(record);
      if (verdict != null) {
        outputs.add(
            new ProducerRecord<>(topics.verdicts().name(), verdict.getAdapterKey(), verdict));
        sent.add(verdict);
      }
    }
    CommitResult result = committer.commit(outputs, records);
    if (result.isCommitted()) {
      sent.forEach(this::committed);
      return List.of();
    }
    if (result.refusal().isEmpty()) {
      log.warn("Committing {} verdict(s) failed; their candidates will be read again", sent.size());
      return records;
    }
    if (records.size() > 1) {
      log.warn("{}; committing the {} verdicts one at a time", result.refusal().get(), sent.size());
      for (int i = 0; i < records.size(); i++) {
        if (!commit(List.of(records.get(i)), verdicts).isEmpty()) {
          return records.subList(i, records.size());
        }
      }
      return List.of();
    }
    return skipUnwritable(records.get(0), verdicts.get(records.get(0)), result.refusal().get());
  }

  /**
   * Commits past {@code record}, whose verdict Kafka refuses.
   *
   * @return {@code record} when that aborts too, to be read again; otherwise empty
   */
  private List<ConsumerRecord<String, byte[]>> skipUnwritable(
      ConsumerRecord<String, byte[]> record, EvaluationVerdict verdict, String refusal) {
    log.error(
        "Skipping candidate {} at {}: its verdict cannot be written ({})",
        verdict == null ? "-" : RecordIds.shown(verdict.getCandidate().getCandidateId()),
        where(record),
        refusal);
    if (!committer.commit(List.of(), List.of(record)).isCommitted()) {
      return List.of(record);
    }
    metrics.unwritable();
    return List.of();
  }

  private void committed(EvaluationVerdict verdict) {
    metrics.committed(verdict);
    for (Consumer<EvaluationVerdict> verdictListener : verdictListeners) {
      try {
        verdictListener.accept(verdict);
      } catch (RuntimeException e) {
        log.warn("A verdict listener failed", e);
      }
    }
  }

  /**
   * Whether a candidate waits for the schema registry: from the first read that found it
   * unavailable until one succeeds, every partition stays paused, so no more candidates are read
   * into memory meanwhile.
   */
  private boolean holdingForRegistry() {
    return registryWait.failures() > 0;
  }

  /**
   * Seeks every partition of {@code records} the batch still owns back to its first one and drops
   * what waits there.
   */
  private void rewind(List<ConsumerRecord<String, byte[]>> records) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      // a partition that moved meanwhile is read again from its committed offset anyway
      if (batchPartitions.owns(partition, consumer.assignment())) {
        first.merge(partition, record.offset(), Math::min);
      }
    }
    waiting.removeIf(r -> first.containsKey(new TopicPartition(r.topic(), r.partition())));
    first.forEach(consumer::seek);
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      drop(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      drop(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (current != null || holdingForRegistry()) {
        consumer.pause(partitions);
      }
      log.info("Evaluator assigned {}", partitions);
    }

    private void drop(Collection<TopicPartition> partitions) {
      batchPartitions.moved(partitions);
      waiting.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
    }
  }

  private static String where(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  private void awaitScoringThread(java.util.concurrent.Callable<Void> task) {
    try {
      scoring.submit(task).get();
    } catch (ExecutionException e) {
      throw new EvaluatorException(
          "The scoring thread cannot start: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EvaluatorException("Interrupted while starting the scoring thread", e);
    }
  }

  private void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FatalException("interrupted", e);
    }
  }

  /**
   * Why the evaluator is not ready while {@code topic} cannot be read to its end: one line of at
   * most {@value FailureText#MAX_LENGTH} characters ({@link FailureText}); the log has the rest.
   */
  static String releasesUnreadable(String topic, RuntimeException e) {
    return FailureText.describe("Cannot read " + topic + " to its end:", e);
  }

  /**
   * Why the evaluator stopped when Kafka refuses this instance for good, as {@link FailureText}
   * words it.
   */
  static String stoppedByKafka(FatalKafkaException e) {
    return FailureText.describe("the evaluator loop stopped:", e);
  }

  private void fail(String message, Throwable cause) {
    failure = message;
    readiness = Readiness.notReady("stopped: " + message);
    log.error("Evaluator stopped consuming: {}", message, cause);
  }

  /** Stops consuming, stops the batch in progress, closes the clients and the models. */
  @Override
  public void close() {
    if (loop != null) {
      loop.stopRequested();
    }
    running = false;
    if (loop != null) {
      LoopStop.await(loop, stopped, Duration.ofSeconds(120), consumer::wakeup);
    }
    readiness = Readiness.notReady("stopped");
    // A batch still scoring is stopped at its next pass, not waited for: the loop has ended, so its
    // verdicts would never be committed (the next instance reads its candidates again), and a large
    // batch outlasts the pod's grace period.
    Running batch = current;
    if (batch != null && batch.outcome().cancel(true)) {
      log.info("Stopped evaluating {} candidate(s); they are read again", batch.records().size());
    }
    scoring.submit(evaluators::close);
    scoring.shutdown();
    try {
      if (!scoring.awaitTermination(120, TimeUnit.SECONDS)) {
        log.warn("Scoring did not stop within 120 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (releases != null) {
      releases.close();
    }
    if (clientMeters != null) {
      clientMeters.close();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
    if (consumer != null) {
      // Leave the group on a clean stop, so the partitions move at once.
      consumer.close(
          CloseOptions.timeout(Duration.ofSeconds(10))
              .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
  }

  /** Ends the loop: nothing more can be done safely in this instance. */
  private static final class FatalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FatalException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
