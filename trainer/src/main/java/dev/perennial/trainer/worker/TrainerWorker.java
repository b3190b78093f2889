package dev.perennial.trainer.worker;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.ids.RecordIds;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.kafka.TransactionalCommitter;
import dev.perennial.core.metrics.KafkaClientMeters;
import dev.perennial.core.service.LoopThread;
import dev.perennial.core.service.RegistryWait;
import dev.perennial.core.service.Service;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.ArtifactStoreOutageException;
import dev.perennial.core.store.ArtifactStoreUnavailableException;
import dev.perennial.core.store.ArtifactStoreWriteException;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.train.StepListener;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.release.ReleaseView;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.SearchedRecipe;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.RecordBudget;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.plasticity.PlasticityMeters;
import dev.perennial.trainer.search.WarmStart;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker: consumes {@code training-jobs.v1} and turns each job into one candidate on {@code
 * candidates.v1}, one job at a time.
 *
 * <ul>
 *   <li>Training runs on a thread of its own while this loop keeps polling with every partition
 *       paused: heartbeats and poll intervals stay fine however long a job takes, so a long job
 *       never causes a rebalance.
 *   <li>Jobs of different partitions (hence adapter keys) are served in turn ({@link
 *       FairJobQueue}).
 *   <li>The candidate is sent and the job's offset committed in one transaction, after the
 *       adapter's files are in the artifact store. A worker that dies mid-job leaves no candidate;
 *       the job is read again and, the candidate id deriving from the job id, yields the one
 *       candidate. A restarted worker with the same {@code perennial.trainer.worker.id} fences its
 *       former self.
 *   <li>A job whose training fails is tried {@code perennial.trainer.worker.job.attempts} times,
 *       then skipped with an error; a job that can never succeed ({@link JobSkippedException}) is
 *       skipped at once. Either way it is counted, and its offset is committed in one transaction
 *       with a {@link JobGivenUp} on {@code job-outcomes.v1}, from which the accumulator learns
 *       that no candidate will come (a given-up REBASE job settles). An outage of the artifact
 *       store ({@link ArtifactStoreOutageException}: it takes no write, {@link
 *       ArtifactStoreWriteException}, or holds nothing at all, its volume not mounted, {@link
 *       ArtifactStoreUnavailableException}, never read as SHARD_GONE), or {@code releases.v1} that
 *       cannot be read, is no job's fault: the worker stops (it has failed) and leaves the job
 *       uncommitted. A record that cannot be read as a job ({@link ReadFailure}: corrupt, unknown
 *       schema) is counted as {@code unreadable} and given up (REFUSED) in its turn under the job
 *       id it begins with; one that names no job stops the worker, uncommitted ({@link
 *       UnreadableJobs}).
 *   <li>While the schema registry is unavailable ({@link ReadFailure#OUTAGE}) nothing is skipped or
 *       committed: the job waiting to be read, or to start from its stable release, is tried again
 *       after a bounded pause ({@link RegistryWait}), during which the loop keeps polling with
 *       every partition paused, and readiness is DOWN.
 *   <li>A job whose transaction aborts (the registry unavailable while the candidate is written, a
 *       rebalance under way), trained, failed or skipped, is held ({@link PendingCommit}) and its
 *       transaction tried again after a bounded pause, never read and trained again, while its
 *       partition stays with this worker; no other job starts meanwhile ({@link JobCommits}).
 * </ul>
 */
public final class TrainerWorker implements Service {

  private static final Logger log = LoggerFactory.getLogger(TrainerWorker.class);

  /** The producer keys {@link KafkaClients#transactionalProducer} sets whatever is configured. */
  private static final Set<String> TRANSACTIONAL_KEYS =
      Set.of(
          ProducerConfig.CLIENT_ID_CONFIG,
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
          ProducerConfig.ACKS_CONFIG,
          ProducerConfig.TRANSACTIONAL_ID_CONFIG);

  private static final Duration POLL = Duration.ofMillis(200);
  private static final int MAX_WAITING_PER_PARTITION = 16;
  private static final Duration FIRST_OUTAGE_PAUSE = Duration.ofMillis(500);
  private static final Duration MAX_OUTAGE_PAUSE = Duration.ofSeconds(10);

  /**
   * The topics a worker reads and writes, which it creates when missing (a fresh cluster comes up
   * whichever stage starts first): those its ACLs name ({@link StageAcls#trainerWorker}).
   */
  public static final List<PerennialTopic> TOPICS =
      StageAcls.readsAndWrites(StageAcls.TRAINER_WORKER_READS, StageAcls.TRAINER_WORKER_WRITES);

  private final Topic<String, TrainingJob> jobs;
  private final Topic<String, AdapterCandidate> candidates;
  private final KafkaConsumer<String, TrainingJob> consumer;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final SchemaRegistryClient registry;
  private final RegistryWait registryWait =
      new RegistryWait(FIRST_OUTAGE_PAUSE, MAX_OUTAGE_PAUSE, Clock.systemUTC());
  private final KafkaClientMeters clientMeters;
  private final ReleaseView releases;
  private final String releasesTopic;
  private final CandidateDecisions decisions;
  private final JobTrainer trainer;
  private final TrainingProgress progress;
  private final int attempts;
  private final RecordBudget budget;
  private final MeterRegistry meters;
  private final PlasticityMeters plasticity;
  private final FairJobQueue<String, TrainingJob> queue = new FairJobQueue<>();
  private final UnreadableJobs unreadable = new UnreadableJobs();
  private final PendingCommit pending =
      new PendingCommit(FIRST_OUTAGE_PAUSE, MAX_OUTAGE_PAUSE, Clock.systemUTC());
  private final JobCommits commits;
  private final Map<String, Integer> failures = new HashMap<>();
  private final Map<String, String> recentSkips = Collections.synchronizedMap(new RecentSkips());
  private final ExecutorService training =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "trainer-worker-training");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch stopped = new CountDownLatch(1);

  private final AtomicBoolean looping = new AtomicBoolean();

  private volatile Running current;
  private volatile boolean started;
  private volatile LoopThread loop;

  /** The job in training: its record, the training's outcome, and whether to drop it. */
  private record Running(
      ConsumerRecord<String, TrainingJob> record,
      Future<TrainedJob> outcome,
      AtomicBoolean cancelled) {
    TopicPartition partition() {
      return new TopicPartition(record.topic(), record.partition());
    }
  }

  private TrainerWorker(
      TrainerConfig config,
      Topics topics,
      ArtifactStore store,
      JobTrainer trainer,
      MeterRegistry meters,
      PrintWriter console) {
    this.jobs = topics.trainingJobs();
    this.candidates = topics.candidates();
    this.trainer = trainer;
    this.meters = meters;
    this.plasticity = new PlasticityMeters(meters);
    this.attempts = config.workerJobAttempts();
    this.budget = RecordBudget.of(config);
    this.progress = new TrainingProgress(meters, console, config.workerProgressEverySteps());

    // transactional id and static group member id: under the topic prefix, so that installs
    // sharing a cluster keep apart (TransactionalIds)
    String workerId = config.workerId();
    String transactionalId = config.workerTransactionalId();
    TopicProvisioner.provision(config, transactionalId + "-admin", TOPICS);
    Map<String, Object> consumerProperties = KafkaClients.consumer(config, config.workerGroupId());
    consumerProperties.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    consumerProperties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    // Static membership: a restarted worker takes its partitions back at once instead of waiting
    // for the group to time its former self out.
    consumerProperties.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, transactionalId);
    this.consumer =
        new KafkaConsumer<>(
            consumerProperties, jobs.keySerde().deserializer(), jobs.valueSerde().deserializer());

    Topic<String, JobGivenUp> outcomes = topics.jobOutcomes();
    this.producer =
        new KafkaProducer<>(
            producerProperties(config),
            candidates.keySerde().serializer(),
            outputValues(candidates, outcomes));
    this.clientMeters = KafkaClientMeters.bind(meters, consumer, producer);
    this.commits =
        new JobCommits(
            new TransactionalCommitter<>(producer, consumer),
            consumer,
            store,
            candidates.name(),
            outcomes.name(),
            workerId,
            Clock.systemUTC(),
            pending,
            budget,
            meters);
    this.registry = topics.registry();
    this.releasesTopic = topics.releases().name();

    Map<String, Object> releaseProperties =
        KafkaClients.consumer(config, config.workerGroupId() + "-releases");
    releaseProperties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.releases =
        new ReleaseView(releaseProperties, topics.releases(), config.workerReleasesTimeout());
    try {
      this.decisions =
          CandidateDecisions.open(
              releaseProperties,
              topics.candidates(),
              topics.releases(),
              topics.verdicts(),
              config.workerDecisionWait(),
              Clock.systemUTC(),
              meters);
    } catch (RuntimeException e) {
      releases.close();
      clientMeters.close();
      producer.close(Duration.ZERO);
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw e;
    }
  }

  /**
   * The properties of the worker's transactional producer, read by the accumulator's (Kafka
   * Streams') rule: a {@code producer.}-prefixed client key wins over the plain one, except over
   * the keys its transactions rest on ({@link #TRANSACTIONAL_KEYS}, logged). Its {@code
   * max.request.size} is the accumulator's ({@link RecordBudget}), which sizes the jobs whose lists
   * each candidate copies.
   */
  static Map<String, Object> producerProperties(TrainerConfig config) {
    Map<String, Object> properties =
        KafkaClients.transactionalProducer(config, config.workerTransactionalId());
    properties.keySet().removeIf(key -> key.startsWith(StreamsConfig.PRODUCER_PREFIX));
    config
        .originalsWithPrefix(StreamsConfig.PRODUCER_PREFIX)
        .forEach(
            (key, value) -> {
              Object kept = properties.get(key);
              if (!TRANSACTIONAL_KEYS.contains(key)) {
                properties.put(key, value);
              } else if (!String.valueOf(kept).equals(String.valueOf(value))) {
                log.warn(
                    "Configuration sets {}{}={}, but the worker's transactions need {}; using {}",
                    StreamsConfig.PRODUCER_PREFIX,
                    key,
                    value,
                    kept,
                    kept);
              }
            });
    properties.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, RecordBudget.of(config).maxRequestSize());
    return properties;
  }

  /**
   * The values the worker writes, each with its topic's serializer: candidates ({@code
   * candidates.v1}) and given-up jobs ({@code job-outcomes.v1}), in one transactional producer so
   * either goes out with its job's offset.
   */
  private static Serializer<SpecificRecord> outputValues(
      Topic<String, AdapterCandidate> candidates, Topic<String, JobGivenUp> outcomes) {
    Serializer<AdapterCandidate> candidateValues = candidates.valueSerde().serializer();
    Serializer<JobGivenUp> outcomeValues = outcomes.valueSerde().serializer();
    return (topic, value) ->
        value instanceof JobGivenUp givenUp
            ? outcomeValues.serialize(topic, givenUp)
            : candidateValues.serialize(topic, (AdapterCandidate) value);
  }

  /**
   * A worker of {@code config}: the configured base model, recipe and artifact store.
   *
   * @param console where job progress is drawn, or null to log it
   */
  public static TrainerWorker create(
      TrainerConfig config, MeterRegistry meters, PrintWriter console) {
    Topics topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    ArtifactStore store = new LocalArtifactStore(config.artifactStorePath());
    return create(config, topics, store, meters, console);
  }

  /** A worker on the given topics and artifact store (tests observe the store). */
  public static TrainerWorker create(
      TrainerConfig config,
      Topics topics,
      ArtifactStore store,
      MeterRegistry meters,
      PrintWriter console) {
    JobTrainer trainer = JobTrainer.from(config, store, DeviceChoice.parse(config.workerDevice()));
    // before any client starts: a record too small for the candidate's own fields gives every job
    // up
    CandidateFloor.check(RecordBudget.of(config), trainer.candidateFloor());
    return new TrainerWorker(config, topics, store, trainer, meters, console);
  }

  /**
   * Runs a worker as a process of its own (the service command's lifecycle, without the command
   * line): {@code args[0]} names the properties file. Exits non-zero when the worker fails.
   */
  public static void main(String[] args) throws InterruptedException {
    TrainerConfig config =
        TrainerConfig.forWorker(ConfigLoader.load(args.length > 0 ? Path.of(args[0]) : null));
    System.exit(
        ServiceProcess.run(
            "trainer-worker",
            config,
            metrics -> {
              TrainerWorker worker = create(config, metrics.registry(), null);
              worker.start();
              return worker;
            },
            ServiceProcess.Events.logged("Trainer worker")));
  }

  @Override
  public Readiness readiness() {
    Optional<String> failure = failure();
    if (failure.isPresent()) {
      return Readiness.notReady("stopped: " + failure.get());
    }
    if (!started) {
      return Readiness.notReady("worker starting");
    }
    Optional<SchemaRegistryClient.Outage> outage = registry.outage();
    if (outage.isPresent()) {
      return outage.get().readiness();
    }
    Running job = current;
    if (job != null) {
      return Readiness.ready("training " + job.record().value().getJobId());
    }
    Optional<PendingCommit.Held> held = pending.held();
    if (held.isPresent()) {
      return Readiness.ready(
          "committing "
              + held.get().outcome().describe()
              + " again (its transaction aborted "
              + held.get().failures()
              + " time(s))");
    }
    if (decisions.catchingUp()) {
      return Readiness.ready(
          "idle; reading candidates, releases and verdicts up to date before the next job");
    }
    SortedSet<String> awaited = decisions.undecidedCandidates();
    if (!awaited.isEmpty()) {
      return Readiness.ready(
          "idle; the next jobs of their keys wait for decisions on " + String.join(", ", awaited));
    }
    return Readiness.ready("idle");
  }

  /**
   * Runs the worker loop on a thread of its own; {@link #failure()} tells how it ended, whichever
   * way (an exception, an {@link Error}, a return without a stop asked for).
   */
  public void start() {
    loop = LoopThread.start("trainer-worker", this::run);
  }

  /** Why the loop started by {@link #start()} stopped on its own, or empty. */
  @Override
  public Optional<String> failure() {
    LoopThread started = loop;
    return started == null ? Optional.empty() : started.failure();
  }

  /** Runs the worker loop on this thread until {@link #close()}. */
  public void run() {
    if (!looping.compareAndSet(false, true)) {
      throw new IllegalStateException("The worker runs already");
    }
    try {
      producer.initTransactions();
      consumer.subscribe(List.of(jobs.name()), new Rebalance());
      started = true;
      log.info(
          "Trainer worker consumes {} on base {}; its max.request.size of {} lets a job take {}"
              + " bytes",
          jobs.name(),
          trainer.base(),
          budget.maxRequestSize(),
          budget.jobBytes());
      while (running.get()) {
        try {
          step();
          if (registry.outage().isEmpty()) {
            registryWait.answered();
          }
        } catch (RuntimeException e) {
          if (!ReadFailure.isOutage(e)) {
            throw e;
          }
          waitForRegistry(e);
        }
        throttle();
      }
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } finally {
      shutDown();
    }
  }

  /**
   * Reads new jobs, finishes the job in training if it is done, tries a held job's transaction
   * again once its pause is over, starts the next job when none is in training or held and the
   * schema registry is not waited for.
   */
  private void step() {
    poll().forEach(queue::add);
    Running job = current;
    if (job != null && job.outcome().isDone()) {
      finish(job);
    }
    commits.retryDue().ifPresent(this::committed);
    if (!busy()) {
      decisions.refresh();
      startNext();
    }
  }

  /**
   * New jobs: a record that cannot be read comes back as its job's stand-in ({@link
   * UnreadableJobs}); in a registry outage the consumer stays at the record, which is read again.
   */
  private List<ConsumerRecord<String, TrainingJob>> poll() {
    List<ConsumerRecord<String, TrainingJob>> read = new ArrayList<>();
    try {
      consumer.poll(POLL).forEach(read::add);
    } catch (RecordDeserializationException e) {
      ReadFailure failure = ReadFailure.ofPolled(consumer, e);
      count("unreadable");
      read.add(unreadable.standIn(e, failure));
      consumer.seek(e.topicPartition(), e.offset() + 1);
    }
    return read;
  }

  /**
   * Reads and starts no job for a pause while the schema registry is unavailable ({@link
   * RegistryWait}); the loop goes on polling meanwhile, every partition paused.
   */
  private void waitForRegistry(Throwable outage) {
    Duration pause = registryWait.begin();
    log.warn(
        "The schema registry is unavailable; retry {} in {} ms: {}",
        registryWait.failures(),
        pause.toMillis(),
        outage.toString());
  }

  private void startNext() {
    ConsumerRecord<String, TrainingJob> record = queue.next(this::mayStart);
    if (record == null) {
      return;
    }
    TrainingJob job = record.value();
    if (job == null) {
      log.warn(
          "Skipping the empty record at {}-{}@{}",
          record.topic(),
          record.partition(),
          record.offset());
      commit(new JobOutcome.Empty(record));
      return;
    }
    Optional<String> cannotBeRead = unreadable.take(record);
    if (cannotBeRead.isPresent()) {
      skip(record, JobSkippedException.Reason.REFUSED, cannotBeRead.get());
      return;
    }
    Optional<String> tooLarge = JobBudgetCheck.tooLarge(record, budget);
    if (tooLarge.isPresent()) {
      // the two stages' settings disagree: every such job would be trained and given up
      throw new TrainerException(tooLarge.get());
    }
    JobBudgetCheck.overJobShare(record, budget).ifPresent(log::warn);
    consumer.pause(consumer.assignment());
    AtomicBoolean cancelled = new AtomicBoolean();
    StepListener listener =
        progress
            .forJob(job.getJobId())
            .andThen(
                step -> {
                  if (cancelled.get()) {
                    throw new JobCancelledException(job.getJobId());
                  }
                });
    Future<TrainedJob> outcome =
        training.submit(
            () -> {
              refreshReleases();
              // a REBASE job moves the stable release on the base it re-bases from
              String onBase =
                  job.getRebase() == null
                      ? trainer.base().digest()
                      : job.getRebase().getFromBase().getDigest();
              Optional<StableRelease> stable = releases.stable(job.getAdapterKey(), onBase);
              Optional<String> waits =
                  RebaseWait.reason(
                      job,
                      onBase,
                      stable,
                      releases.stableOnOtherBases(job.getAdapterKey(), onBase));
              if (waits.isPresent()) {
                throw new JobSkippedException(
                    JobSkippedException.Reason.AWAITS_REBASE, waits.get(), null);
              }
              return trainer.train(
                  job,
                  stable,
                  stableLineage(releases.latest(job.getAdapterKey()), stable),
                  searchPriors(releases.all(), job.getAdapterKey(), onBase),
                  listener);
            });
    current = new Running(record, outcome, cancelled);
  }

  /**
   * Reads {@code releases.v1} up to its end for a job (on the training thread). A failure other
   * than a registry outage is the topic's or the broker's, never the job's.
   */
  private void refreshReleases() {
    try {
      releases.refresh();
    } catch (RuntimeException e) {
      if (ReadFailure.isOutage(e)) {
        throw e;
      }
      throw new ReleasesUnreadableException(releasesTopic, e);
    }
  }

  /** {@code releases.v1} cannot be read: the topic gone, no ACL, the broker not answering. */
  static final class ReleasesUnreadableException extends TrainerException {
    private static final long serialVersionUID = 1L;

    ReleasesUnreadableException(String topic, Throwable cause) {
      super("cannot read " + topic + " to its end (" + cause + ")", cause);
    }
  }

  /**
   * The lineage of the stable release, as releases.v1 carries it: only the latest release's record
   * has it, so a stable alias on an older version (a rollback) has none here, and its monitor's
   * verdict on a refresh is not read.
   */
  static Optional<Lineage> stableLineage(
      Optional<AdapterRelease> latest, Optional<StableRelease> stable) {
    if (latest.isEmpty() || stable.isEmpty()) {
      return Optional.empty();
    }
    AdapterRelease release = latest.get();
    return release.getVersion() == stable.get().version()
        ? Optional.ofNullable(release.getLineage())
        : Optional.empty();
  }

  /**
   * The recipe search's priors for a key: evidence from keys that searched, one vote per key. A
   * key's vote is the searched recipe of its stable release on the same base, and only where that
   * release's own search chose it (origin {@code search}) and releases.v1's latest record is that
   * release (its lineage is the stable one's, see {@link #stableLineage}). A recipe a key copied
   * (origin {@code prior}, {@code key} or {@code configured}) is no evidence: counted, one winner
   * copied by many keys would outvote the keys that searched. Recipe settings only: no tenant's
   * data crosses. Most recent first.
   */
  static List<SearchedRecipe> searchPriors(
      Map<String, AdapterRelease> latest, String adapterKey, String baseDigest) {
    return latest.values().stream()
        .filter(r -> !r.getAdapterKey().equals(adapterKey))
        .filter(
            r ->
                stableLineage(Optional.of(r), StableRelease.of(r, baseDigest))
                    .map(Lineage::getSearchedRecipe)
                    .filter(s -> WarmStart.Origin.SEARCH.label().equals(s.getOrigin()))
                    .isPresent())
        .sorted(Comparator.comparing(AdapterRelease::getOccurredAt).reversed())
        .map(r -> r.getLineage().getSearchedRecipe())
        .toList();
  }

  private boolean mayStart(ConsumerRecord<String, TrainingJob> record) {
    return record.value() == null
        || unreadable.isStandIn(record)
        || decisions.mayStart(record.value().getAdapterKey());
  }

  private void finish(Running job) {
    ConsumerRecord<String, TrainingJob> record = job.record();
    String jobId = record.value().getJobId();
    current = null;
    progress.idle();
    try {
      TrainedJob trained = job.outcome().get();
      if (job.cancelled().get()) {
        log.info("Dropping the candidate of {}: its partition moved to another worker", jobId);
        return;
      }
      commit(new JobOutcome.Trained(record, trained));
    } catch (ExecutionException e) {
      onFailure(job, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainerException("Interrupted while finishing " + jobId, e);
    } finally {
      resume();
    }
  }

  /** Commits {@code outcome} with its job's offset ({@link JobCommits}). */
  private void commit(JobOutcome outcome) {
    commits.commit(outcome).ifPresent(this::committed);
  }

  /** Counts and logs an outcome once its transaction committed. */
  private void committed(JobOutcome outcome) {
    if (outcome.record().value() != null) {
      // a trained job whose candidate Kafka refused is committed as failed: forget its attempts too
      failures.remove(outcome.record().value().getJobId());
    }
    if (outcome instanceof JobOutcome.Trained trained) {
      committed(trained.job().candidate());
    } else if (outcome instanceof JobOutcome.Failed) {
      count("failed");
    } else if (outcome instanceof JobOutcome.Skipped skipped) {
      recentSkips.put(outcome.record().value().getJobId(), skipped.reason() + ": " + skipped.why());
      count("skipped");
    }
  }

  private void committed(AdapterCandidate candidate) {
    count("candidate");
    plasticity.record(candidate);
    decisions.awaiting(candidate.getAdapterKey(), candidate.getCandidateId());
    log.info(
        "Candidate {} of {}: {} examples, loss {} -> {}, {} ms",
        candidate.getCandidateId(),
        candidate.getAdapterKey(),
        candidate.getExampleCount(),
        candidate.getMetrics().getInitialLoss(),
        candidate.getMetrics().getFinalLoss(),
        candidate.getTotalMillis());
  }

  private void onFailure(Running job, Throwable cause) {
    ConsumerRecord<String, TrainingJob> record = job.record();
    String jobId = record.value().getJobId();
    if (cause instanceof JobCancelledException || job.cancelled().get()) {
      log.info("Training of {} stopped: its partition moved or the worker stops", jobId);
      return;
    }
    if (cause instanceof JobSkippedException skipped) {
      skip(record, skipped.reason(), skipped.getMessage());
      return;
    }
    if (ReadFailure.isOutage(cause)) {
      // The stable release could not be read: not the job's fault, and no attempt of it.
      queue.putBack(record);
      waitForRegistry(cause);
      return;
    }
    if (cause instanceof ReleasesUnreadableException
        || ArtifactStoreOutageException.isCause(cause)) {
      // No job's fault, and every job would meet it: the worker stops (its liveness fails, its
      // process exits for a restart) and the job, left uncommitted, is trained again after it.
      throw new TrainerException(
          (cause instanceof ReleasesUnreadableException
                  ? cause.getMessage()
                  : "the artifact store fails (" + cause.getMessage() + ")")
              + ": job "
              + jobId
              + " stays uncommitted",
          cause);
    }
    int attempt = failures.merge(jobId, 1, Integer::sum);
    if (attempt < attempts) {
      log.warn("Training {} failed, retry {} of {}", jobId, attempt, attempts - 1, cause);
      queue.putBack(record);
      return;
    }
    log.error(
        "Training {} failed {} times; skipping it without a candidate", jobId, attempt, cause);
    failures.remove(jobId);
    commit(
        new JobOutcome.Failed(
            record,
            "training failed " + attempt + " times, last with " + cause.getClass().getName()));
  }

  private void skip(
      ConsumerRecord<String, TrainingJob> record, JobSkippedException.Reason reason, String why) {
    log.warn("Skipping job {} ({}): {}", RecordIds.shown(record.value().getJobId()), reason, why);
    commit(new JobOutcome.Skipped(record, reason, why));
  }

  /** Why this worker skipped the job, among its last few hundred skips. */
  public Optional<String> skipReason(String jobId) {
    return Optional.ofNullable(recentSkips.get(jobId));
  }

  /** The last skips, oldest forgotten first: enough to explain a run, bounded for a service. */
  private static final class RecentSkips extends LinkedHashMap<String, String> {
    private static final long serialVersionUID = 1L;
    private static final int KEPT = 256;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > KEPT;
    }
  }

  private void count(String outcome) {
    Counter.builder("perennial.trainer.worker.jobs")
        .tag("outcome", outcome)
        .register(meters)
        .increment();
  }

  private void resume() {
    consumer.resume(consumer.paused());
    throttle();
  }

  /**
   * Stops fetching partitions with enough jobs waiting; pauses everything while a job trains or
   * waits to commit, or the schema registry is waited for.
   */
  private void throttle() {
    if (busy()) {
      consumer.pause(consumer.assignment());
      return;
    }
    for (TopicPartition partition : consumer.assignment()) {
      if (queue.waiting(partition) >= MAX_WAITING_PER_PARTITION) {
        consumer.pause(List.of(partition));
      } else if (consumer.paused().contains(partition)) {
        consumer.resume(List.of(partition));
      }
    }
  }

  /**
   * Whether a job is in training, a job's outcome waits to commit or the schema registry is waited
   * for: no job is read or started.
   */
  private boolean busy() {
    return current != null || !pending.isEmpty() || registryWait.waiting();
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      lose(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      lose(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (busy()) {
        consumer.pause(partitions);
      }
      if (!partitions.isEmpty()) {
        // keys taken over from another worker may await a decision it was waiting for
        decisions.partitionsAssigned();
      }
      log.info("Worker assigned {}", partitions);
    }

    private void lose(Collection<TopicPartition> partitions) {
      queue.drop(partitions);
      unreadable.drop(partitions);
      Running job = current;
      if (job != null && partitions.contains(job.partition())) {
        job.cancelled().set(true);
      }
      pending
          .drop(partitions)
          .ifPresent(
              held ->
                  log.info(
                      "Dropping {}: its partition moved to another worker",
                      held.outcome().describe()));
    }
  }

  @Override
  public void close() {
    LoopThread started = loop;
    if (started != null) {
      started.stopRequested();
    }
    if (running.compareAndSet(true, false)) {
      if (looping.compareAndSet(false, true)) {
        shutDown(); // never ran
        return;
      }
      consumer.wakeup();
    }
    try {
      if (!stopped.await(60, TimeUnit.SECONDS)) {
        log.warn("The worker did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void shutDown() {
    try {
      Running job = current;
      if (job != null) {
        job.cancelled().set(true);
      }
      training.shutdown();
      if (!training.awaitTermination(60, TimeUnit.SECONDS)) {
        log.warn("Training did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      releases.close();
      clientMeters.close();
      decisions.close();
      producer.close(Duration.ofSeconds(5));
      // Leave the group on a clean stop, so the partitions move at once (static members stay by
      // default).
      consumer.close(
          CloseOptions.timeout(Duration.ofSeconds(5))
              .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      // logged before close() is released: once it returns the process may exit at once
      log.info("Trainer worker stopped");
      stopped.countDown();
    }
  }

  /** Thrown from the step listener to stop a job that is no longer this worker's. */
  static final class JobCancelledException extends TrainerException {
    private static final long serialVersionUID = 1L;

    JobCancelledException(String jobId) {
      super("Training of " + jobId + " cancelled");
    }
  }
}
