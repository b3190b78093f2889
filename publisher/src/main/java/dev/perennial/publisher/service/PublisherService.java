package dev.perennial.publisher.service;

import dev.perennial.core.PerennialException;
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
import dev.perennial.core.store.AbandonedWriteSweeper;
import dev.perennial.core.store.ArtifactStoreOutageException;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.PublisherException;
import dev.perennial.publisher.alias.AliasChangeRefusedException;
import dev.perennial.publisher.alias.AliasCommand;
import dev.perennial.publisher.alias.AliasCommandProcessor;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.publish.VerdictProcessor;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.RegistryRebuild;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.retract.ErasureJobProcessor;
import dev.perennial.publisher.retract.GivenUpJobProcessor;
import dev.perennial.publisher.retract.RetractCommand;
import dev.perennial.publisher.retract.RetractCommandProcessor;
import dev.perennial.publisher.retract.RetractionDeadlines;
import dev.perennial.publisher.retract.RetractionRefusedException;
import dev.perennial.publisher.retract.RetractionSchedule;
import dev.perennial.publisher.retract.ScheduledRetraction;
import dev.perennial.publisher.retract.UnreadableJob;
import dev.perennial.publisher.retract.WeightPurge;
import dev.perennial.publisher.sign.IntegrityChecks;
import dev.perennial.publisher.sign.ManifestScreen;
import dev.perennial.publisher.sign.ReleaseVerifier;
import dev.perennial.publisher.sign.Verification;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.TrainingJob;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher: the single writer of {@code releases.v1}, of the release area and of its own
 * {@code audit.v1} events.
 *
 * <p>At start it publishes its public key, provisions its topics, fences any earlier instance
 * ({@code initTransactions} with the transactional id {@code <topic prefix>publisher}) and rebuilds
 * its state from the release area and {@code releases.v1}. Then one thread consumes {@code
 * verdicts.v1}, {@code training-jobs.v1} and {@code job-outcomes.v1} (the jobs the worker gave up:
 * an ERASURE job's retraction then waits no longer, {@link GivenUpJobProcessor}) and, for each
 * record, writes the release folder first (durable before anything refers to it), then the
 * decision's release and audit records together with the record's consumer offset in one Kafka
 * transaction, and only then applies the decision to its state. The same thread runs the operators'
 * alias moves ({@link #submit}) and retractions ({@link #retract}), and the retractions whose wait
 * for a retrained release is over ({@link RetractionDeadlines}, kept across restarts in the release
 * area's {@link RetractionSchedule}), so every change to a key goes through one place in one order.
 * It also retries the weight purges that failed ({@link WeightPurge#retryDue}): until they succeed,
 * readiness names the releases whose erased data's weights are still on disk. Beside it, an {@link
 * AbandonedWriteSweeper} deletes the artifact store's writes that killed processes left unfinished.
 *
 * <p>A decision that fails (the release area cannot be written, Kafka times out) is aborted and
 * tried again, up to {@value #MAX_ATTEMPTS} times. Then, when the failure is the key's own (the
 * decision failed while a probe write to the release area succeeds), the key is quarantined ({@link
 * KeyQuarantine}): that record and the key's later ones are skipped with an audit event, and the
 * other keys go on; an ERASURE job among them is kept in the {@link RetractionSchedule} first
 * ({@link ErasureJobProcessor#hold}) and carried out once the key is no longer quarantined (a
 * restart), so no erasure is skipped with them. A retraction whose records Kafka refuses for what
 * they are quarantines its key the same way and stays scheduled. Otherwise (the area or Kafka fails
 * for everyone, or the artifact store has an outage: it takes no write, or holds nothing at all
 * because its volume is not mounted, which is never a key's fault nor a reason to refuse) the
 * service stops consuming and has failed rather than skip a release: its records are delivered
 * again after a restart. One poll's records are handled for at most half of {@code
 * max.poll.interval.ms} ({@link #pollBudget}); the rest are read again after the next poll, so
 * retried failures never keep the loop from polling in time. While the schema registry is
 * unavailable ({@link ReadFailure#OUTAGE}) nothing is skipped or committed past the record: it and
 * the records after it are read again after a pause ({@link RegistryWait}, doubling up to {@code
 * MAX_BACKOFF}) for as long as that lasts, without counting attempts, and readiness is DOWN. During
 * the pause the loop keeps polling with every partition paused (and runs the alias moves and
 * retractions, which fail while they cannot write), so the publisher stays in its consumer group
 * whatever {@code max.poll.interval.ms} is. A record that is no verdict, job or given-up job
 * ({@link ReadFailure}: corrupt, unknown schema) is skipped with an audit event; but a training job
 * under an adapter key may be an ERASURE job, so it is kept in the {@link RetractionSchedule} and
 * quarantines its key, across restarts, until an operator removes it ({@link #keepUnreadableJob}).
 * At start, a key whose latest {@code releases.v1} record cannot be read is quarantined the same
 * way ({@link ReleaseLogReplay}), and a registry outage is waited out.
 *
 * <p>Each time it reads manifests from the release area (at start, and after a failed transaction)
 * it checks them against their signatures with the pinned keys ({@link ManifestScreen}): a release
 * whose manifest does not verify is quarantined, named in readiness; the weight purge goes by what
 * its folder holds and the read API lists it as quarantined, so nothing acts on what that manifest
 * claims.
 */
public final class PublisherService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PublisherService.class);

  static final int MAX_ATTEMPTS = 5;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEADLINE_RETRY = Duration.ofSeconds(10);

  /** How long a stop waits for the loop to finish its record or alias move ({@link #close}). */
  private static final Duration STOP_PATIENCE = Duration.ofSeconds(20);

  private static final Duration CLIENT_CLOSE = Duration.ofSeconds(5);

  /**
   * The topics the publisher reads and writes, which it creates when missing (a fresh cluster comes
   * up whichever stage starts first): those its ACLs name ({@link StageAcls#publisher}).
   */
  public static final List<PerennialTopic> TOPICS =
      StageAcls.readsAndWrites(StageAcls.PUBLISHER_READS, StageAcls.PUBLISHER_WRITES);

  private final PublisherConfig config;
  private final Topics topics;
  private final ReleaseArea area;
  private final LocalArtifactStore store;
  private final VerdictProcessor verdicts;
  private final ErasureJobProcessor erasureJobs;
  private final GivenUpJobProcessor givenUpJobs;
  private final RetractionSchedule schedule;
  private final RetractionDeadlines deadlines;
  private long deadlinesPausedUntil = System.nanoTime();
  private final WeightPurge purge;
  private final AliasCommandProcessor aliasCommands;
  private final RetractCommandProcessor retractCommands;
  private final PublisherMetrics metrics;
  private final String actor;
  private final BlockingQueue<PendingCommand> commands = new LinkedBlockingQueue<>();

  /**
   * Why operators' commands are refused (set once a stop begins or the loop ends); guarded by
   * commands.
   */
  private String refusing;

  private final CountDownLatch stopAsked = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Consumer<Decision>> listeners = new CopyOnWriteArrayList<>();
  private final KeyQuarantine quarantine = new KeyQuarantine();
  private final RegistryWait registryWait =
      new RegistryWait(FIRST_BACKOFF, MAX_BACKOFF, Clock.systemUTC());
  private final IntegrityChecks integrity;
  private final ManifestScreen screen;
  private volatile List<String> integrityFailures = List.of();

  private volatile ReleaseRegistry registry = ReleaseRegistry.empty();
  private volatile Readiness readiness = Readiness.notReady("starting");
  private volatile boolean running = true;

  private KafkaProducer<String, byte[]> producer;
  private AbandonedWriteSweeper sweeper;
  private TransactionalCommitter<String, byte[]> committer;
  private volatile String failure;
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaClientMeters clientMeters;
  private final MeterRegistry meters;
  private LoopThread loop;

  /** How long the loop handles one poll's records before it polls again ({@link #pollBudget}). */
  private Duration pollBudget;

  /**
   * An operator's command waiting for the loop.
   *
   * @param what what it is, in words for its errors ("alias move", "retraction")
   * @param decide its decision on the registry as it is when the loop takes it
   */
  private record PendingCommand(
      String what,
      Function<ReleaseRegistry, Decision> decide,
      CompletableFuture<Decision> result) {}

  private PublisherService(PublisherConfig config, MeterRegistry meters, Clock clock) {
    this.config = config;
    this.meters = meters;
    this.topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    this.area = new ReleaseArea(config.releasePath());
    this.actor = config.instanceId();
    this.store = new LocalArtifactStore(config.artifactStorePath());
    ReleaseVerifier pinned = ReleaseVerifier.withPinnedKeys(config.pinnedKeys());
    this.verdicts =
        new VerdictProcessor(
            area, store, config.signingKey(), pinned, config::policy, actor, clock);
    this.schedule = new RetractionSchedule(area.root());
    this.erasureJobs =
        new ErasureJobProcessor(config::policy, schedule, config.retractionMaxWait(), actor, clock);
    this.givenUpJobs = new GivenUpJobProcessor(schedule, actor, clock);
    this.deadlines = new RetractionDeadlines(schedule, config.retractionMaxWait(), actor, clock);
    this.purge = new WeightPurge(area, store, config.signingKey(), clock);
    this.aliasCommands = new AliasCommandProcessor(clock);
    this.retractCommands = new RetractCommandProcessor(clock);
    this.integrity = new IntegrityChecks(pinned);
    this.screen = new ManifestScreen(pinned);
    this.metrics = new PublisherMetrics(meters, () -> registry);
    metrics.purges(purge);
    metrics.unreadableRetractions(schedule);
  }

  /**
   * Starts the publisher and returns once its state is rebuilt and it consumes.
   *
   * @param meters where its meters go (the service's {@code ServiceMetrics} registry)
   */
  public static PublisherService start(PublisherConfig config, MeterRegistry meters) {
    return start(config, meters, Clock.systemUTC());
  }

  static PublisherService start(PublisherConfig config, MeterRegistry meters, Clock clock) {
    PublisherService service = new PublisherService(config, meters, clock);
    try {
      service.startUp();
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    return service;
  }

  private void startUp() {
    area.publishKey(config.signingKey());
    // the one publisher of a deployment clears what killed writers of every stage left in the store
    sweeper = AbandonedWriteSweeper.start(store, config.abandonedWriteAge());
    TopicProvisioner.provision(config, actor + "-admin", TOPICS);

    producer =
        new KafkaProducer<>(
            KafkaClients.transactionalProducer(config, actor),
            new StringSerializer(),
            new ByteArraySerializer());
    // Fences an earlier instance and settles its open transaction, so the read below sees it all.
    producer.initTransactions();

    ReleaseLogReplay.Result releases =
        ReleaseLog.readLatest(config.clientProperties(), topics.releases(), START_TIMEOUT);
    metrics.skippedReleaseRecords(releases.skipped());
    releases
        .unreadable()
        .forEach(
            (key, reason) -> {
              log.error("Quarantining {}: {}", RecordIds.shown(key), reason);
              quarantine.add(key, reason);
            });
    RegistryRebuild.Result rebuilt = RegistryRebuild.rebuild(area.scan(true), releases.latest());
    rebuilt.notes().forEach(note -> log.warn("Release area: {}", note));
    rebuilt
        .quarantined()
        .forEach(
            (key, reason) -> {
              log.error("Quarantining {}: {}", key, reason);
              quarantine.add(key.toString(), reason);
            });
    registry = screen.screen(rebuilt.registry());
    // a crash between a retraction's commit and its purge left weights behind: purge them now
    purge.completeRetracted(registry);
    // the retractions that wait for a retrained release, as the last instance left them
    schedule.load();
    schedule
        .pending()
        .forEach(
            scheduled ->
                log.info(
                    "The retraction of {} {} (erasure request {}) waits for job {} until {}",
                    scheduled.key(),
                    scheduled.versions(),
                    scheduled.erasureRequestId(),
                    scheduled.jobId(),
                    deadlines.deadline(scheduled)));
    schedule
        .unreadable()
        .forEach(
            (file, job) -> {
              log.error("Quarantining {}: {} (kept in {})", job.key(), job.why(), file);
              quarantine.add(job.key().toString(), job.why());
            });
    schedule
        .givenUp()
        .forEach(
            givenUp ->
                log.info(
                    "ERASURE job {} of {} was given up before it was read: what it names is"
                        + " retracted at once when it is read",
                    givenUp.jobId(),
                    givenUp.key()));
    log.info(
        "Publisher state rebuilt: {} adapter keys, {} published versions, release area {}",
        registry.keys().size(),
        registry.releaseCount(),
        area.root());
    integrityFailures = verifyServed();

    Map<String, Object> consumerProperties = KafkaClients.consumer(config, actor);
    consumerProperties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    pollBudget = pollBudget(consumerProperties);
    consumer =
        new KafkaConsumer<>(
            consumerProperties, new StringDeserializer(), new ByteArrayDeserializer());
    clientMeters = KafkaClientMeters.bind(meters, consumer, producer);
    committer = new TransactionalCommitter<>(producer, consumer);
    consumer.subscribe(
        List.of(
            topics.verdicts().name(), topics.trainingJobs().name(), topics.jobOutcomes().name()),
        new PauseWhileWaiting());

    loop = LoopThread.start("perennial-publisher", this::run);
    readiness = Readiness.ready(describeState());
  }

  /**
   * Calls {@code listener} with every committed decision (on the publisher's thread, so keep it
   * short): a local run prints progress with it, tests wait on it.
   */
  public void onDecision(Consumer<Decision> listener) {
    listeners.add(listener);
  }

  /** The current state of every key (a snapshot; replaced after each committed decision). */
  public ReleaseRegistry registry() {
    return registry;
  }

  public ReleaseArea area() {
    return area;
  }

  public Readiness readiness() {
    Optional<String> failed = failure();
    if (failed.isPresent()) {
      return Readiness.notReady("stopped: " + failed.get());
    }
    Readiness own = readiness;
    if (!own.ready()) {
      return own;
    }
    // still ready (it serves and publishes), but an operator sees erased data's weights on disk
    SortedMap<String, WeightPurge.Pending> unpurged = purge.pending();
    if (!unpurged.isEmpty()) {
      own =
          Readiness.ready(
              own.detail()
                  + ", weights of retracted releases not purged yet (retried): "
                  + unpurged.keySet());
    }
    return topics.registry().outage().map(SchemaRegistryClient.Outage::readiness).orElse(own);
  }

  /**
   * Checks every release an alias points at against its signed manifest (pinned keys only): what
   * fails is named in the log and readiness, and the API and alias moves refuse it.
   */
  private List<String> verifyServed() {
    List<String> failures = new ArrayList<>();
    for (KeyState state : registry.keys().values()) {
      new TreeSet<>(
              state.baseAliases().values().stream()
                  .flatMap(aliases -> aliases.values().stream())
                  .toList())
          .forEach(
              version ->
                  state
                      .release(version)
                      .map(integrity::check)
                      .filter(verification -> !verification.ok())
                      .ifPresent(
                          verification -> {
                            String failure =
                                state.key() + " v" + version + ": " + verification.problems();
                            log.error("A served release fails verification: {}", failure);
                            failures.add(failure);
                          }));
    }
    log.info(
        "Verified the served releases against their signed manifests: {} fail", failures.size());
    return List.copyOf(failures);
  }

  /** Checks releases against their signed manifests for the API (cached while unchanged). */
  public IntegrityChecks integrity() {
    return integrity;
  }

  /** The served releases that failed verification at start, each with its problems. */
  public List<String> integrityFailures() {
    return integrityFailures;
  }

  /** The quarantined keys (their records' keys as {@link RecordIds#shown} shows them), with why. */
  public SortedMap<String, String> quarantined() {
    return quarantine.snapshot();
  }

  /** Why the loop stopped on its own (gave up, or died of anything), or empty. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure).or(() -> loop == null ? Optional.empty() : loop.failure());
  }

  /**
   * Moves an alias through the single writer and waits until its records are committed.
   *
   * @throws AliasChangeRefusedException when the move is not allowed, or the key is quarantined
   *     (its state is not known, and the move's record would replace the key's record)
   * @throws PublisherException when the publisher is stopped, busy or cannot write
   */
  public Decision submit(AliasCommand command) {
    return carryOut(
        "alias move",
        current -> {
          refuseAliasMoveUnderQuarantine(command.key());
          requireIntact(command);
          return aliasCommands.process(current, command);
        });
  }

  /**
   * Retracts a release for an operator through the single writer and waits until its records are
   * committed; its weights are purged then, as an erasure's retraction's are.
   *
   * @throws RetractionRefusedException when the key or version is unknown, the version is retracted
   *     already, or the key is quarantined (its state is not known, as for an erasure's retraction,
   *     which is held until the key is back)
   * @throws PublisherException when the publisher is stopped, busy or cannot write
   */
  public Decision retract(RetractCommand command) {
    return carryOut(
        "retraction",
        current -> {
          refuseRetractionUnderQuarantine(command.key());
          return retractCommands.process(current, command);
        });
  }

  private void refuseAliasMoveUnderQuarantine(AdapterKey key) {
    Optional<String> why = quarantine.reason(key.toString());
    if (why.isPresent()) {
      throw new AliasChangeRefusedException(
          AliasChangeRefusedException.Reason.KEY_QUARANTINED,
          underQuarantine(key, why.get(), "no alias moves under it", ""));
    }
  }

  private void refuseRetractionUnderQuarantine(AdapterKey key) {
    Optional<String> why = quarantine.reason(key.toString());
    if (why.isPresent()) {
      throw new RetractionRefusedException(
          RetractionRefusedException.Reason.KEY_QUARANTINED,
          underQuarantine(
              key,
              why.get(),
              "nothing is retracted under it",
              ", as an erasure's retraction is held"));
    }
  }

  /** An operator's refusal under a quarantined key: what is refused, and until when. */
  private static String underQuarantine(AdapterKey key, String why, String refused, String note) {
    return key
        + " is quarantined ("
        + why
        + "): "
        + refused
        + " until the key is back (fix the cause, restart the publisher)"
        + note;
  }

  private Decision carryOut(String what, Function<ReleaseRegistry, Decision> decide) {
    PendingCommand pending = new PendingCommand(what, decide, new CompletableFuture<>());
    synchronized (commands) {
      if (refusing != null) {
        throw new PublisherException(refusing);
      }
      commands.add(pending);
    }
    try {
      return pending.result().get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new PublisherException("The " + what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new PublisherException(
          "The publisher did not carry out the " + what + " within " + COMMAND_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublisherException("Interrupted while waiting for the " + what, e);
    }
  }

  private void run() {
    try {
      while (running) {
        if (registryWait.waiting()) {
          consumer.pause(consumer.assignment());
        } else {
          consumer.resume(consumer.paused());
        }
        handle(consumer.poll(POLL));
        runCommands();
        retractOverdue();
        purge.retryDue(registry);
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
      refuseCommands(
          failure == null ? "The publisher stopped" : "The publisher stopped: " + failure);
      stopped.countDown();
    }
  }

  /**
   * Refuses the alias moves asked for from now on and those still queued, with {@code why} (the
   * first reason given stays); one the loop has taken is carried out.
   */
  private void refuseCommands(String why) {
    synchronized (commands) {
      if (refusing == null) {
        refusing = why;
      }
      PendingCommand pending;
      while ((pending = commands.poll()) != null) {
        pending.result().completeExceptionally(new PublisherException(refusing));
      }
    }
  }

  /**
   * Handles the polled records in order. When one waits for the schema registry, it and the records
   * after it are read again once the pause is over: each of their partitions goes back to its first
   * unhandled offset (the handled ones are committed).
   */
  private void handle(ConsumerRecords<String, byte[]> records) {
    List<ConsumerRecord<String, byte[]>> polled = new ArrayList<>();
    records.forEach(polled::add);
    long started = System.nanoTime();
    for (int i = 0; i < polled.size() && running; i++) {
      if (i > 0 && System.nanoTime() - started > pollBudget.toNanos()) {
        // the records before took long (retried failures): poll before the group misses us
        readAgain(polled.subList(i, polled.size()));
        return;
      }
      // a partition assigned while waiting is paused before it is fetched: nothing arrives here
      if (registryWait.waiting() || !handleWithRetries(polled.get(i))) {
        readAgain(polled.subList(i, polled.size()));
        return;
      }
    }
  }

  /**
   * Half the consumer's {@code max.poll.interval.ms}: once one poll's records have taken that long
   * (each failure is tried {@value #MAX_ATTEMPTS} times, about 3 s of pauses, so 50 failing records
   * of distinct keys take 150 s and more), the rest are read again after the next poll. The loop
   * thus polls in time and stays in its group unless one record's own tries (3 s of pauses and
   * their work) outlast the other half.
   */
  static Duration pollBudget(Map<String, Object> consumerProperties) {
    Object interval =
        consumerProperties.getOrDefault(
            ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
            ConsumerConfig.configDef()
                .defaultValues()
                .get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG));
    int millis =
        (Integer)
            ConfigDef.parseType(
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, interval, ConfigDef.Type.INT);
    return Duration.ofMillis(millis / 2);
  }

  /** Seeks each partition of {@code records} back to the first of them. */
  private void readAgain(List<ConsumerRecord<String, byte[]>> records) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      first.merge(
          new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
    }
    first.forEach(consumer::seek);
  }

  /**
   * Handles one record: decides, commits, and retries a failure; false when the schema registry is
   * unavailable, after starting a pause ({@link RegistryWait}) for the loop to poll through.
   */
  private boolean handleWithRetries(ConsumerRecord<String, byte[]> record) {
    int attempt = 0;
    while (running) {
      RuntimeException failure;
      boolean aborted = false;
      Optional<String> refusal = Optional.empty();
      try {
        CommitResult result = commit(decide(record), List.of(record));
        if (result.isCommitted()) {
          registryWait.answered();
          return true;
        }
        refusal = result.refusal();
        failure = new PublisherException(refusal.orElse("the transaction was aborted"));
        aborted = true;
      } catch (FatalKafkaException e) {
        throw e;
      } catch (SerializationException | PerennialException e) {
        failure = e;
      }
      // A folder written before the failure is durable: let the next attempt see it.
      registry = screen.screen(RegistryRebuild.withFolders(registry, area.scan(false)));
      String where = record.topic() + "-" + record.partition() + "@" + record.offset();
      if (ReadFailure.isOutage(failure)) {
        Duration pause = registryWait.begin();
        log.warn(
            "The schema registry is unavailable; {} waits, retry {} in {} ms (still polling): {}",
            where,
            registryWait.failures(),
            pause.toMillis(),
            failure.toString());
        return false;
      }
      attempt++;
      if (refusal.isPresent()) {
        // Kafka refuses what this record's decision writes, however often it is tried
        quarantine(record, where, attempt, failure);
        return true;
      }
      if (attempt >= MAX_ATTEMPTS
          && !aborted
          && !ArtifactStoreOutageException.isCause(failure)
          && areaWorks()) {
        quarantine(record, where, attempt, failure);
        return true;
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new FatalException(
            FailureText.describe(
                "cannot handle " + where + " after " + attempt + " attempts:", failure),
            failure);
      }
      Duration backoff = backoff(attempt);
      log.warn(
          "Handling {} failed, retry {} of {} in {} ms: {}",
          where,
          attempt,
          MAX_ATTEMPTS - 1,
          backoff.toMillis(),
          failure.toString());
      sleep(backoff);
    }
    return true; // stopping: nothing more is handled, the record is read again after a restart
  }

  private Decision decide(ConsumerRecord<String, byte[]> record) {
    Optional<String> quarantined = quarantine.reason(keyOf(record));
    if (quarantined.isPresent()) {
      Kept kept = keep(record);
      return quarantined(
          record,
          AuditEvents.RECORD_QUARANTINED,
          "skipped: " + shownKey(record) + " is quarantined (" + quarantined.get() + ")",
          kept);
    }
    if (record.topic().equals(topics.verdicts().name())) {
      EvaluationVerdict verdict;
      try {
        verdict = valueOf(topics.verdicts(), record);
      } catch (SerializationException e) {
        return unreadable(record, requireBadRecord(e));
      }
      if (verdict == null) {
        return unreadable(record, new SerializationException("a tombstone, not a verdict"));
      }
      return verdicts.process(registry, verdict);
    }
    if (record.topic().equals(topics.jobOutcomes().name())) {
      JobGivenUp givenUp;
      try {
        givenUp = valueOf(topics.jobOutcomes(), record);
      } catch (SerializationException e) {
        return unreadable(record, requireBadRecord(e));
      }
      return givenUp == null
          ? Decision.ignored(record.key())
          : givenUpJobs.process(registry, givenUp);
    }
    TrainingJob job;
    try {
      job = valueOf(topics.trainingJobs(), record);
    } catch (SerializationException e) {
      Optional<UnreadableJob> kept = keepUnreadableJob(record, requireBadRecord(e));
      return kept.isEmpty()
          ? unreadable(record, e)
          : quarantined(
              record,
              AuditEvents.KEY_QUARANTINED,
              kept.get().why(),
              new Kept(Optional.empty(), kept));
    }
    return job == null ? Decision.ignored(record.key()) : erasureJobs.process(registry, job);
  }

  /**
   * Keeps a {@code training-jobs.v1} record that cannot be read under an adapter key in the {@link
   * RetractionSchedule}, durable before its offset is committed, and quarantines its key: it may
   * have been an ERASURE job, whose retraction is lost once its offset is committed, so nothing
   * more is released under the key until an operator removes the file (after a restart too). Empty
   * under a key that is no adapter key: nothing is released under such a key anyway.
   *
   * @throws PublisherException when it cannot be kept (the record is then tried again)
   */
  private Optional<UnreadableJob> keepUnreadableJob(
      ConsumerRecord<String, byte[]> record, SerializationException e) {
    Optional<AdapterKey> key = AdapterKey.tryParse(record.key());
    if (key.isEmpty()) {
      return Optional.empty();
    }
    UnreadableJob kept =
        schedule.keepUnreadable(
            new UnreadableJob(
                key.get(),
                record.topic(),
                record.partition(),
                record.offset(),
                e.getMessage(),
                Instant.now()));
    log.error("Quarantining {}: {} (kept in {})", key.get(), kept.why(), schedule.file(kept), e);
    // the file is the quarantine (a restart reads it): the key is quarantined from now on
    quarantine.add(keyOf(record), kept.why());
    readiness = Readiness.ready(describeState());
    return Optional.of(kept);
  }

  /** The record's value as {@code topic}'s serde reads it ({@code null}: a tombstone). */
  private static <T> T valueOf(Topic<String, T> topic, ConsumerRecord<String, byte[]> record) {
    return topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
  }

  /**
   * The exception, when the record itself is bad ({@link ReadFailure}: corrupt, unknown schema):
   * such a record is skipped with an audit event. When the registry is unavailable, the exception
   * is thrown again instead, so the record is retried, never skipped.
   */
  private static SerializationException requireBadRecord(SerializationException e) {
    if (!ReadFailure.of(e).badRecord()) {
      throw e;
    }
    return e;
  }

  /** Whether a probe file can be written to the release area (then a failure is one key's own). */
  private boolean areaWorks() {
    try {
      area.probe();
      return true;
    } catch (PublisherException e) {
      log.error("The release area fails for every key: {}", e.getMessage());
      return false;
    }
  }

  /**
   * Quarantines the record's key: the record is skipped with an audit event in one transaction with
   * its offset, and the key's later records are skipped too.
   */
  private void quarantine(
      ConsumerRecord<String, byte[]> record, String where, int attempts, RuntimeException failure) {
    String reason =
        FailureText.describe(
            "cannot handle " + where + " after " + attempts + " attempts:", failure);
    log.error(
        "Quarantining {} (its later records are skipped, audited): {}",
        shownKey(record),
        reason,
        failure);
    Kept kept;
    try {
      kept = keep(record);
    } catch (RuntimeException e) {
      // its offset is not committed: the erasure is read again after a restart, never dropped
      throw new FatalException(
          "cannot keep the erasure of " + shownKey(record) + " while quarantining it", e);
    }
    if (!commit(quarantined(record, AuditEvents.KEY_QUARANTINED, reason, kept), List.of(record))
        .isCommitted()) {
      throw new FatalException("cannot commit the quarantine of " + shownKey(record), failure);
    }
    quarantine.add(keyOf(record), reason);
    readiness = Readiness.ready(describeState());
  }

  /**
   * The audit of a record skipped because its key is quarantined; {@code kept} is what was kept of
   * it ({@link #keep}: an ERASURE job's retraction, or the training job that cannot be read), which
   * the reason says first (it is cut at {@value FailureText#MAX_LENGTH} characters).
   */
  private Decision quarantined(
      ConsumerRecord<String, byte[]> record, String action, String why, Kept kept) {
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    Map<String, String> details = positionDetails(record);
    String reason = why;
    Optional<ScheduledRetraction> held = kept.erasure();
    if (kept.unreadable().isPresent()) {
      UnreadableJob unreadable = kept.unreadable().get();
      details.put("unreadableJobKept", schedule.file(unreadable).getFileName().toString());
      if (!reason.contains(unreadable.why())) {
        reason = unreadable.why() + "; " + why;
      }
    }
    if (held.isPresent()) {
      details.put("erasureHeld", held.get().jobId());
      details.put("affectedVersions", held.get().versions().toString());
      reason =
          "ERASURE job "
              + held.get().jobId()
              + " of a quarantined key is kept: "
              + held.get().versions()
              + (held.get().held()
                  ? " are retracted once the key is no longer quarantined (a restart); "
                  : " wait for its retrained release as scheduled, once the key is no longer"
                      + " quarantined (a restart); ")
              + why;
    }
    AuditEvent audit =
        AuditEvents.event(
            AuditEvents.derivedId(where, action),
            shownKey(record),
            AuditStage.PUBLISHER,
            action,
            actor,
            FailureText.oneLine(reason),
            details,
            Instant.now());
    return new Decision(
        Outcome.QUARANTINED, shownKey(record), Optional.empty(), List.of(), List.of(audit));
  }

  /**
   * What a record of a quarantined key leaves kept, durable before its offset is committed, so that
   * skipping it drops no erasure: the ERASURE job it carries ({@link ErasureJobProcessor#hold}), or
   * the training job that cannot be read ({@link #keepUnreadableJob}, as the key's own quarantine
   * may be lifted by a restart); nothing for any other record.
   *
   * @throws SerializationException while the schema registry is unavailable: read again, not kept
   */
  private Kept keep(ConsumerRecord<String, byte[]> record) {
    if (!record.topic().equals(topics.trainingJobs().name())) {
      return Kept.NOTHING;
    }
    TrainingJob job;
    try {
      job = valueOf(topics.trainingJobs(), record);
    } catch (SerializationException e) {
      return new Kept(Optional.empty(), keepUnreadableJob(record, requireBadRecord(e)));
    }
    return job == null ? Kept.NOTHING : new Kept(erasureJobs.hold(job), Optional.empty());
  }

  /**
   * What a skipped record left kept ({@link #keep}).
   *
   * @param erasure the ERASURE job's retraction, held for the key's return
   * @param unreadable the training job that could not be read, quarantining its key
   */
  private record Kept(Optional<ScheduledRetraction> erasure, Optional<UnreadableJob> unreadable) {
    static final Kept NOTHING = new Kept(Optional.empty(), Optional.empty());
  }

  /** The record's key as sent: what the quarantine is looked up by, never shown. */
  private static String keyOf(ConsumerRecord<String, byte[]> record) {
    return record.key() == null ? "" : record.key();
  }

  /**
   * The record's key as audit events (their {@code adapterKey} and record key), reasons and log
   * lines show it: a key that is no id ({@link RecordIds}: a line break, a megabyte) was written by
   * no stage and is not repeated.
   */
  private static String shownKey(ConsumerRecord<String, byte[]> record) {
    return record.key() == null ? "" : RecordIds.shown(record.key());
  }

  /** An audit event's details naming the record's position, to which more may be added. */
  private static Map<String, String> positionDetails(ConsumerRecord<String, byte[]> record) {
    Map<String, String> details = new TreeMap<>();
    details.put("topic", record.topic());
    details.put("partition", Integer.toString(record.partition()));
    details.put("offset", Long.toString(record.offset()));
    return details;
  }

  private Decision unreadable(ConsumerRecord<String, byte[]> record, SerializationException e) {
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    log.error("Skipping unreadable record {} (audited): {}", where, e.getMessage());
    Map<String, String> details = positionDetails(record);
    String key = shownKey(record);
    AuditEvent audit =
        AuditEvents.event(
            AuditEvents.derivedId(where, AuditEvents.RECORD_UNREADABLE),
            key,
            AuditStage.PUBLISHER,
            AuditEvents.RECORD_UNREADABLE,
            actor,
            "cannot read " + where + ": " + e.getMessage(),
            details,
            Instant.now());
    return new Decision(Outcome.UNREADABLE, key, Optional.empty(), List.of(), List.of(audit));
  }

  private void runCommands() {
    PendingCommand pending;
    while (running && (pending = commands.poll()) != null) {
      try {
        Decision decision = pending.decide().apply(registry);
        CommitResult result = commit(decision, List.of());
        if (result.isCommitted()) {
          pending.result().complete(decision);
        } else {
          pending
              .result()
              .completeExceptionally(
                  new PublisherException(
                      "Cannot write: " + result.refusal().orElse("the transaction failed")));
        }
      } catch (FatalKafkaException e) {
        pending
            .result()
            .completeExceptionally(
                new PublisherException(FailureText.describe("Cannot write:", e), e));
        throw e;
      } catch (SerializationException e) {
        pending.result().completeExceptionally(new PublisherException("Cannot write: " + e, e));
      } catch (RuntimeException e) {
        pending.result().completeExceptionally(e);
      }
    }
  }

  /**
   * Retracts the releases of one retraction whose wait for a retrained release is over, if any, in
   * a transaction of its own. A failure is logged and tried again after a pause; the schedule stays
   * until its releases are retracted. One whose records Kafka refuses quarantines its key ({@link
   * #quarantineRetraction}): no pause, the next key's retraction goes on.
   */
  private void retractOverdue() {
    if (System.nanoTime() - deadlinesPausedUntil < 0) {
      return;
    }
    String problem;
    try {
      Optional<Decision> overdue =
          deadlines.next(registry, key -> quarantine.reason(key).isPresent());
      if (overdue.isEmpty()) {
        return;
      }
      CommitResult result = commit(overdue.get(), List.of());
      if (result.isCommitted()) {
        return;
      }
      if (result.refusal().isPresent()) {
        quarantineRetraction(overdue.get(), result.refusal().get());
        return;
      }
      problem = "the transaction was aborted";
    } catch (FatalKafkaException e) {
      throw e;
    } catch (SerializationException | PerennialException e) {
      problem = e.toString();
    }
    log.warn(
        "Retracting releases whose wait for a replacement is over failed, retry in {} s: {}",
        DEADLINE_RETRY.toSeconds(),
        problem);
    deadlinesPausedUntil = System.nanoTime() + DEADLINE_RETRY.toNanos();
  }

  /**
   * Quarantines the key of a retraction whose records Kafka refuses for what they are: however
   * often it is tried it cannot commit, so it stays scheduled for the next start (the erasure is
   * not lost), readiness names the key, an audit event and an ERROR line say why, and the other
   * keys' retractions are no longer held up behind it.
   */
  private void quarantineRetraction(Decision retraction, String refusal) {
    String key = retraction.adapterKey();
    List<Integer> versions =
        retraction.releases().stream().map(AdapterRelease::getVersion).toList();
    String reason =
        FailureText.oneLine(
            "cannot retract "
                + versions
                + " (kept scheduled for the next start, erased data still served): "
                + refusal);
    log.error("Quarantining {}: {}", RecordIds.shown(key), reason);
    quarantine.add(key, reason);
    readiness = Readiness.ready(describeState());
    Map<String, String> details = new TreeMap<>();
    details.put("versions", versions.toString());
    AuditEvent audit =
        AuditEvents.event(
            AuditEvents.derivedId(key, versions.toString(), AuditEvents.KEY_QUARANTINED),
            RecordIds.shown(key),
            AuditStage.PUBLISHER,
            AuditEvents.KEY_QUARANTINED,
            actor,
            reason,
            details,
            Instant.now());
    Decision audited =
        new Decision(Outcome.QUARANTINED, key, Optional.empty(), List.of(), List.of(audit));
    if (!commit(audited, List.of()).isCommitted()) {
      log.error("The quarantine of {} could not be audited (readiness names it)", key);
    }
  }

  /** Refuses an alias move onto a release whose files fail their signed manifest. */
  private void requireIntact(AliasCommand command) {
    Optional<StoredRelease> target =
        registry.find(command.key()).flatMap(state -> state.release(command.version()));
    if (target.isEmpty()) {
      return; // the move itself names what is missing
    }
    Verification verification = integrity.check(target.get());
    if (!verification.ok()) {
      throw new AliasChangeRefusedException(
          AliasChangeRefusedException.Reason.FAILS_VERIFICATION,
          command.key()
              + " v"
              + command.version()
              + " fails verification, no alias moves onto it: "
              + String.join("; ", verification.problems()));
    }
  }

  /**
   * Writes the decision's records (and the offset after the consumed record, if any) in one
   * transaction, then applies it; false when the transaction was aborted.
   *
   * @throws SerializationException when a record cannot be serialized (nothing was sent)
   */
  private CommitResult commit(Decision decision, List<ConsumerRecord<String, byte[]>> consumed) {
    List<ProducerRecord<String, byte[]>> outputs = new ArrayList<>();
    for (AdapterRelease release : decision.releases()) {
      byte[] value =
          topics.releases().valueSerde().serializer().serialize(topics.releases().name(), release);
      outputs.add(new ProducerRecord<>(topics.releases().name(), release.getAdapterKey(), value));
    }
    for (AuditEvent audit : decision.audits()) {
      byte[] value =
          topics.audit().valueSerde().serializer().serialize(topics.audit().name(), audit);
      outputs.add(new ProducerRecord<>(topics.audit().name(), decision.adapterKey(), value));
    }
    CommitResult result = committer.commit(outputs, consumed);
    if (!result.isCommitted()) {
      return result;
    }
    decision.state().ifPresent(this::apply);
    if (decision.outcome() == Outcome.QUARANTINED) {
      readiness = Readiness.ready(describeState());
    }
    // the retraction is durable now: delete the weights it names (a crash here: see startUp)
    purge.purgeRetracted(registry, decision.releases());
    metrics.record(decision);
    for (Consumer<Decision> listener : listeners) {
      try {
        listener.accept(decision);
      } catch (RuntimeException e) {
        log.warn("A decision listener failed", e);
      }
    }
    if (decision.outcome() != Outcome.IGNORED) {
      log.info(
          "{} {}: {}",
          decision.outcome(),
          RecordIds.shown(decision.adapterKey()),
          decision.audits().isEmpty() ? "" : decision.audits().get(0).getReason());
    }
    return result;
  }

  private void apply(KeyState state) {
    registry = registry.with(state);
    readiness = Readiness.ready(describeState());
  }

  private String describeState() {
    ReleaseRegistry current = registry;
    return current.keys().size()
        + " adapter keys, "
        + current.releaseCount()
        + " releases"
        + (quarantine.size() == 0 ? "" : ", quarantined: " + quarantine.snapshot().keySet())
        + heldErasures()
        + (schedule.unreadable().isEmpty()
            ? ""
            : ", training jobs that cannot be read, their keys quarantined until the file is"
                + " removed: "
                + schedule.unreadable().entrySet().stream()
                    .map(kept -> kept.getValue().key() + " " + kept.getKey())
                    .toList())
        + (schedule.problems().isEmpty()
            ? ""
            : ", kept retractions that cannot be read (not carried out; restore or remove them): "
                + schedule.problems())
        + (current.quarantined().isEmpty()
            ? ""
            : ", quarantined releases (manifest does not verify): " + quarantinedReleases(current))
        + (integrityFailures.isEmpty()
            ? ""
            : ", failing verification: " + integrityFailures.size() + " served releases");
  }

  /** The erasures that wait for a quarantined key, as readiness names them. */
  private String heldErasures() {
    List<String> held =
        schedule.pending().stream()
            .filter(scheduled -> quarantine.reason(scheduled.key().toString()).isPresent())
            .map(scheduled -> scheduled.key() + " " + scheduled.versions())
            .toList();
    return held.isEmpty()
        ? ""
        : ", erasures waiting for a quarantined key (retracted once it is back): " + held;
  }

  private static List<String> quarantinedReleases(ReleaseRegistry registry) {
    List<String> releases = new ArrayList<>();
    registry
        .quarantined()
        .forEach((key, versions) -> versions.keySet().forEach(v -> releases.add(key + " v" + v)));
    return releases;
  }

  /**
   * Why the publisher stopped when Kafka refuses this instance for good, as {@link FailureText}
   * words it.
   */
  static String stoppedByKafka(FatalKafkaException e) {
    return FailureText.describe("the publisher loop stopped:", e);
  }

  private void fail(String message, Throwable cause) {
    failure = message;
    readiness = Readiness.notReady("stopped: " + message);
    log.error("Publisher stopped consuming: {}", message, cause);
  }

  private static Duration backoff(int attempt) {
    long millis = FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 10);
    return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
  }

  /** Pauses before a retry; a stop ends the pause at once (the loop then ends). */
  private void sleep(Duration duration) {
    try {
      stopAsked.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FatalException("interrupted", e);
    }
  }

  /**
   * Refuses alias moves at once (queued ones too), stops consuming, waits for the loop to finish
   * its record, closes the clients. 40 s at most: {@link #STOP_PATIENCE} for the record or move in
   * progress (a retry pause ends at once), 10 s after waking the loop ({@link LoopStop}), {@link
   * #CLIENT_CLOSE} for each client; so a stop fits the chart's {@code
   * publisher.terminationGracePeriodSeconds} (60 s) with 20 s left for the HTTP servers to stop and
   * the process to exit. A transaction left open is aborted by the next instance, which fences this
   * one at its start.
   */
  @Override
  public void close() {
    refuseCommands(
        "The publisher is stopping: it takes no alias move or retraction; ask again once it has"
            + " restarted");
    if (loop != null) {
      loop.stopRequested();
    }
    running = false;
    stopAsked.countDown();
    if (loop != null) {
      LoopStop.await(loop, stopped, STOP_PATIENCE, consumer::wakeup);
    }
    readiness = Readiness.notReady("stopped");
    if (clientMeters != null) {
      clientMeters.close();
    }
    if (consumer != null) {
      consumer.close(CLIENT_CLOSE);
    }
    if (producer != null) {
      producer.close(CLIENT_CLOSE);
    }
    if (sweeper != null) {
      sweeper.close();
    }
  }

  /**
   * Pauses the partitions the group assigns while the schema registry is waited for, before they
   * are fetched; the loop resumes them with the others once the pause is over.
   */
  private final class PauseWhileWaiting implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (registryWait.waiting()) {
        consumer.pause(partitions);
      }
    }
  }

  /** Ends the loop: nothing more can be done safely in this instance. */
  private static final class FatalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FatalException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The PEM of the public key that checks this publisher's signatures. */
  public String publicKeyPem() {
    return config.signingKey().publicKeyPem();
  }
}
