package dev.perennial.trainer.accumulate;

import dev.perennial.core.ids.RecordIds;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.release.MovedRelease;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.BaseAliases;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.schemas.verdict.Outcomes;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.accumulate.TrainerEvent.CandidateArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ErasureArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.InsufficientEvidence;
import dev.perennial.trainer.accumulate.TrainerEvent.RebaseRefused;
import dev.perennial.trainer.accumulate.TrainerEvent.ReleaseArrived;
import dev.perennial.trainer.erasure.CandidateWeights;
import dev.perennial.trainer.erasure.ErasureRequestIds;
import dev.perennial.trainer.lineage.JobIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accumulator's topology: {@code examples.v1}, {@code erasures.v1}, {@code candidates.v1},
 * {@code releases.v1}, the verdicts of {@code verdicts.v1} that matter to it (insufficient
 * evidence, a refused REBASE candidate) and the jobs the worker gave up on ({@code
 * job-outcomes.v1}) become {@link TrainerEvent}s, are re-keyed by tenant into one repartition topic
 * ({@value #EVENTS_BY_TENANT}) and meet in the {@link AccumulatorProcessor}, whose jobs go to
 * {@code training-jobs.v1} and whose audit events (the weights of unreleased candidates it purged
 * after an erasure) go to {@code audit.v1}, both keyed by adapter key. Examples stay encrypted
 * through the repartition topic and the pending store; the processor decrypts them when it seals
 * them into shards.
 */
public final class AccumulatorTopology {

  /** Name of the repartition step (its topic is {@code <application.id>-<name>-repartition}). */
  public static final String EVENTS_BY_TENANT = "trainer-events-by-tenant";

  private static final Logger log = LoggerFactory.getLogger(AccumulatorTopology.class);

  private AccumulatorTopology() {}

  public static void build(
      StreamsBuilder builder,
      Topics topics,
      AccumulatorSettings settings,
      ArtifactStore artifacts,
      ExampleDecryptor decryptor,
      MeterRegistry meters) {
    Topic<String, TrainingExample> examplesTopic = topics.examples();
    KStream<String, TrainerEvent> examples =
        builder.stream(
                examplesTopic.name(),
                Consumed.with(examplesTopic.keySerde(), examplesTopic.valueSerde())
                    .withName("trainer-examples-source"))
            .processValues(
                () -> new ExampleCapture(meters), Named.as("trainer-capture-example-position"));

    Topic<String, ErasureRequest> erasuresTopic = topics.erasures();
    KStream<String, TrainerEvent> erasures =
        builder.stream(
                erasuresTopic.name(),
                Consumed.with(erasuresTopic.keySerde(), Serdes.ByteArray())
                    .withName("trainer-erasures-source"))
            // read as bytes: an unreadable value under a subject's key still erases the subject
            .processValues(
                () -> new ErasureDecoder(erasuresTopic, meters), Named.as("trainer-erasures-read"))
            // its ids name the erasure in logs, state, jobs and audit events: ids, or skipped
            // (the decoder left such a request only where neither it nor its key names a subject)
            .filter(
                (key, request) ->
                    ErasureRequestIds.accept(
                        request, () -> countSkipped("perennial.trainer.erasures", meters)),
                Named.as("trainer-erasures-with-ids"))
            .mapValues(
                request -> (TrainerEvent) new ErasureArrived(request),
                Named.as("trainer-erasure-events"));

    Topic<String, AdapterCandidate> candidatesTopic = topics.candidates();
    KStream<String, TrainerEvent> candidates =
        builder.stream(
                candidatesTopic.name(),
                Consumed.with(candidatesTopic.keySerde(), candidatesTopic.valueSerde())
                    .withName("trainer-candidates-source"))
            .filter((key, candidate) -> candidate != null, Named.as("trainer-candidates-present"))
            .mapValues(AccumulatorTopology::candidateEvent, Named.as("trainer-candidate-events"));

    Topic<String, AdapterRelease> releasesTopic = topics.releases();
    KStream<String, TrainerEvent> releases =
        builder.stream(
                releasesTopic.name(),
                Consumed.with(releasesTopic.keySerde(), releasesTopic.valueSerde())
                    .withName("trainer-releases-source"))
            // A tombstone removes an adapter key from the compacted topic; nothing to learn.
            .filter((key, release) -> release != null, Named.as("trainer-releases-present"))
            .mapValues(AccumulatorTopology::releaseEvent, Named.as("trainer-release-events"));

    Topic<String, EvaluationVerdict> verdictsTopic = topics.verdicts();
    KStream<String, TrainerEvent> insufficient =
        builder.stream(
                verdictsTopic.name(),
                Consumed.with(verdictsTopic.keySerde(), verdictsTopic.valueSerde())
                    .withName("trainer-verdicts-source"))
            // Only verdicts whose job's data rolls into the key's next job matter here, and those
            // refusing a REBASE candidate (a carried-over one is distilled instead).
            .filter(
                (key, verdict) ->
                    verdict != null
                        && (Outcomes.isInsufficientEvidence(verdict) || refusesRebase(verdict)),
                Named.as("trainer-verdicts-insufficient"))
            .mapValues(AccumulatorTopology::verdictEvent, Named.as("trainer-insufficient-events"));

    Topic<String, JobGivenUp> outcomesTopic = topics.jobOutcomes();
    KStream<String, TrainerEvent> givenUp =
        builder.stream(
                outcomesTopic.name(),
                Consumed.with(outcomesTopic.keySerde(), outcomesTopic.valueSerde())
                    .withName("trainer-job-outcomes-source"))
            .filter((key, outcome) -> outcome != null, Named.as("trainer-job-outcomes-present"))
            .mapValues(AccumulatorTopology::givenUpEvent, Named.as("trainer-given-up-events"));

    // Every task reads every announced base (a new base concerns every tenant's keys) and every
    // import (planned by the task that holds the key's data). Both values are read as bytes,
    // deliberately: the global thread cannot be replaced, so a registry outage there would stop
    // the accumulator; the stream threads decode them (GlobalStoreReader).
    Topic<String, BaseAnnouncement> basesTopic = topics.bases();
    builder.addGlobalStore(
        AccumulatorStores.basesStore(Stores::persistentKeyValueStore),
        basesTopic.name(),
        Consumed.with(basesTopic.keySerde(), Serdes.ByteArray()).withName("trainer-bases-source"),
        () -> new GlobalStoreUpdater(AccumulatorStores.BASES));
    Topic<String, AdapterImport> importsTopic = topics.imports();
    builder.addGlobalStore(
        AccumulatorStores.importsStore(Stores::persistentKeyValueStore),
        importsTopic.name(),
        Consumed.with(importsTopic.keySerde(), Serdes.ByteArray())
            .withName("trainer-imports-source"),
        () -> new GlobalStoreUpdater(AccumulatorStores.IMPORTS));

    Topic<String, TrainingJob> jobsTopic = topics.trainingJobs();
    Topic<String, AuditEvent> auditTopic = topics.audit();
    KStream<String, SpecificRecord> out =
        examples
            .merge(erasures, Named.as("trainer-merge-erasures"))
            .merge(candidates, Named.as("trainer-merge-candidates"))
            .merge(releases, Named.as("trainer-merge-releases"))
            .merge(insufficient, Named.as("trainer-merge-insufficient"))
            .merge(givenUp, Named.as("trainer-merge-given-up"))
            .filter(
                (key, event) -> hasValidTenant(key, event, meters),
                Named.as("trainer-events-with-tenant"))
            // Nothing the accumulator reads is in its input records' headers, and nothing bounds
            // their size: carried into the repartition topic, headers larger than the producer's
            // request size would fail the task's transaction on every restart.
            .processValues(WithoutHeaders::new, Named.as("trainer-events-without-headers"))
            // Encoded once for the repartition topic: measured here, sent as it is.
            .mapValues(EncodedEvent::of, Named.as("trainer-events-encoded"))
            .filter(
                (key, encoded) -> fitsRepartition(encoded, settings.maxEventBytes(), meters),
                Named.as("trainer-events-that-fit"))
            // Re-key by tenant: an erasure reaches every adapter key of its tenant, so all of a
            // tenant's state lives in one task (and an erasure is one transaction).
            .selectKey(
                (key, encoded) -> encoded.event().tenant(), Named.as("trainer-key-by-tenant"))
            .repartition(
                Repartitioned.with(Serdes.String(), EncodedEvent.SERDE).withName(EVENTS_BY_TENANT))
            .mapValues(
                encoded -> encoded == null ? null : encoded.event(),
                Named.as("trainer-events-decoded"))
            .process(
                new AccumulatorSupplier(
                    settings, artifacts, decryptor, basesTopic, importsTopic, meters),
                Named.as("trainer-accumulator"));
    // The processor's output is its jobs (each fitted to the producer there, JobFit) and the
    // audit events of the weights it purged.
    out.filter((key, value) -> value instanceof TrainingJob, Named.as("trainer-jobs-only"))
        .mapValues(value -> (TrainingJob) value, Named.as("trainer-jobs-typed"))
        .to(
            jobsTopic.name(),
            Produced.with(jobsTopic.keySerde(), jobsTopic.valueSerde())
                .withName("trainer-jobs-sink"));
    out.filter((key, value) -> value instanceof AuditEvent, Named.as("trainer-audit-only"))
        .mapValues(value -> (AuditEvent) value, Named.as("trainer-audit-typed"))
        .to(
            auditTopic.name(),
            Produced.with(auditTopic.keySerde(), auditTopic.valueSerde())
                .withName("trainer-audit-sink"));
  }

  private static TrainerEvent candidateEvent(AdapterCandidate candidate) {
    return new CandidateArrived(
        candidate.getAdapterKey(),
        candidate.getCandidateId(),
        candidate.getJobId(),
        candidate.getParentVersion(),
        movedVersion(candidate),
        CandidateWeights.of(candidate.getLocation(), candidate.getFileDigests()));
  }

  /** The version of the old base's release a REBASE candidate moved. */
  static Integer movedVersion(AdapterCandidate candidate) {
    LineageRelease moved =
        candidate.getTrigger() == JobTrigger.REBASE
            ? MovedRelease.of(candidate.getLineage())
            : null;
    return moved == null ? null : moved.getVersion();
  }

  private static TrainerEvent verdictEvent(EvaluationVerdict verdict) {
    if (refusesRebase(verdict)) {
      return new RebaseRefused(
          verdict.getAdapterKey(),
          verdict.getCandidate().getCandidateId(),
          verdict.getCandidate().getJobId());
    }
    return new InsufficientEvidence(
        verdict.getAdapterKey(),
        verdict.getCandidate().getCandidateId(),
        verdict.getCandidate().getJobId());
  }

  private static TrainerEvent givenUpEvent(JobGivenUp outcome) {
    String how =
        outcome.getSkipReason() == null
            ? outcome.getOutcome().name()
            : outcome.getOutcome() + " " + outcome.getSkipReason();
    return new TrainerEvent.JobGivenUp(outcome.getAdapterKey(), outcome.getJobId(), how);
  }

  /** A FAILED verdict on a REBASE candidate (carried over or distilled). */
  static boolean refusesRebase(EvaluationVerdict verdict) {
    return Outcomes.of(verdict) == EvaluationOutcome.FAILED
        && verdict.getCandidate().getTrigger() == JobTrigger.REBASE;
  }

  private static TrainerEvent releaseEvent(AdapterRelease release) {
    return new ReleaseArrived(
        release.getAdapterKey(),
        release.getVersion(),
        release.getCandidateId(),
        stables(release),
        CandidateWeights.of(release.getLocation(), release.getFileDigests()));
  }

  /** The key's stable release on every base, as the release record tells it. */
  static List<StableOnBase> stables(AdapterRelease release) {
    List<StableOnBase> stables = new ArrayList<>();
    if (release.getBaseAliases().isEmpty()) {
      // written before aliases were per base: one base, the aliased release's
      StableRelease.of(release)
          .ifPresent(
              stable ->
                  stables.add(
                      onBase(
                          stable,
                          stable.trainedOn(release.getBaseModelDigest())
                              ? release.getBaseModelName()
                              : "")));
      return stables;
    }
    for (BaseAliases base : release.getBaseAliases()) {
      StableRelease.of(release, base.getBaseModelDigest())
          .ifPresent(stable -> stables.add(onBase(stable, base.getBaseModelName())));
    }
    return stables;
  }

  private static StableOnBase onBase(StableRelease stable, String baseName) {
    return new StableOnBase(
        StableRelease.normalized(stable.baseModelDigest()),
        baseName,
        stable.version(),
        stable.location(),
        stable.manifestDigest());
  }

  /**
   * Whether the event's tenant is a valid tenant name ({@link AdapterKey#isValidName}): it keys the
   * repartition topic, the accumulator's state and the shards an erasure rewrites. Any other (none,
   * {@code ../x}, a huge name, control characters) is skipped with a warning that does not repeat
   * it (nor an id or key that is no id, {@link RecordIds}), an erasure counted as {@code
   * perennial.trainer.erasures{outcome=skipped}}, an example as {@code
   * perennial.trainer.examples{outcome=skipped}}, any other event as {@code
   * perennial.trainer.events.skipped{kind=...}}. None of these is about a job of the accumulator
   * (every job's key is a valid adapter key).
   */
  static boolean hasValidTenant(String key, TrainerEvent event, MeterRegistry meters) {
    Optional<String> problem = AdapterKey.nameProblem(event.tenant());
    if (problem.isEmpty()) {
      return true;
    }
    if (event instanceof TrainerEvent.ErasureArrived erasure) {
      countSkipped("perennial.trainer.erasures", meters);
      // erasures.v1 is keyed tenant/pseudonym: an erasure is named by its request, not its key
      log.warn(
          "Skipping ErasureArrived (request {}): its tenant {}",
          RecordIds.shown(erasure.request().getRequestId()),
          problem.get());
      return false;
    }
    if (event instanceof TrainerEvent.ExampleArrived arrived) {
      countSkipped("perennial.trainer.examples", meters);
      log.warn(
          "Skipping example {} at {}: its tenant {}",
          RecordIds.shown(arrived.example().example().getExampleId()),
          arrived.example().position(),
          problem.get());
      return false;
    }
    countSkippedEvent(event, meters);
    log.warn(
        "Skipping {} (key {}): its tenant {}",
        event.getClass().getSimpleName(),
        RecordIds.shown(key),
        problem.get());
    return false;
  }

  /**
   * Keeps a global store as its compacted topic says ({@code bases.v1}, {@code imports.v1}): a
   * tombstone removes a key.
   */
  private static final class GlobalStoreUpdater implements Processor<String, byte[], Void, Void> {

    private final String storeName;
    private KeyValueStore<String, byte[]> store;

    GlobalStoreUpdater(String storeName) {
      this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.key() == null) {
        return;
      }
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
    }
  }

  /**
   * Whether the event, encoded for the repartition topic, is small enough for the producer to
   * write. A larger one (a compressed batch takes records of megabytes) is skipped with a warning,
   * an example counted as skipped ({@code perennial.trainer.examples{outcome=skipped}}): a send the
   * producer refuses would fail the task's transaction, on the same record after every restart. But
   * for an erasure, a candidate or a release: the accumulator learns of one only from its event, so
   * a skipped one would never be erased, retracted or purged by an erasure of a subject it holds.
   * Each carries only what the accumulator reads (its weight blobs among them), so none can be made
   * smaller: the accumulator stops instead ({@link TrainerException}, naming what to raise), as
   * {@link JobFit} does for a job. So does a verdict or a give-up ({@link #plannedJob}) of a job
   * the accumulator may have planned: each carries only ids, and losing one leaves the job in
   * flight for good. One naming a job id the accumulator never makes is about none of its jobs:
   * skipped, counted as {@code perennial.trainer.events.skipped{kind=...}}.
   */
  static boolean fitsRepartition(EncodedEvent encoded, long maxEventBytes, MeterRegistry meters) {
    TrainerEvent event = encoded.event();
    // the record's key is the tenant: an erasure request names any it likes
    int size = encoded.bytes().length + event.tenant().getBytes(StandardCharsets.UTF_8).length;
    if (size <= maxEventBytes) {
      return true;
    }
    Optional<String> erasureNeeds = erasureNeeds(event);
    if (erasureNeeds.isPresent()) {
      throw new TrainerException(
          erasureNeeds.get()
              + " takes "
              + size
              + " bytes, more than the "
              + maxEventBytes
              + " the repartition topic takes: the accumulator stops rather than skip it (an"
              + " erasure must reach every candidate and release of its subject). Raise"
              + " max.request.size (and the repartition topic's max.message.bytes)");
    }
    Optional<String> job = plannedJob(event);
    if (job.isPresent()) {
      throw new TrainerException(
          event.getClass().getSimpleName()
              + " of job "
              + RecordIds.shown(job.get())
              + " takes "
              + size
              + " bytes, more than the "
              + maxEventBytes
              + " the repartition topic takes: the accumulator stops rather than skip it (the job"
              + " would stay in flight for good). Raise max.request.size (and the repartition"
              + " topic's max.message.bytes)");
    }
    if (event instanceof TrainerEvent.ExampleArrived arrived) {
      countSkipped("perennial.trainer.examples", meters);
      log.warn(
          "Skipping example {} at {}: {} bytes, more than the {} the repartition topic takes",
          RecordIds.shown(arrived.example().example().getExampleId()),
          arrived.example().position(),
          size,
          maxEventBytes);
    } else {
      countSkippedEvent(event, meters);
      log.warn(
          "Skipping {} of tenant {}: {} bytes, more than the {} the repartition topic takes, and"
              + " it names no job the accumulator makes",
          event.getClass().getSimpleName(),
          event.tenant(),
          size,
          maxEventBytes);
    }
    return false;
  }

  /** The event named for a log line, when an erasure depends on it; empty for any other. */
  private static Optional<String> erasureNeeds(TrainerEvent event) {
    if (event instanceof ErasureArrived erasure) {
      return Optional.of("ErasureArrived " + RecordIds.shown(erasure.request().getRequestId()));
    }
    if (event instanceof CandidateArrived candidate) {
      return Optional.of(
          "CandidateArrived "
              + RecordIds.shown(candidate.candidateId())
              + " of "
              + RecordIds.shown(candidate.adapterKey()));
    }
    if (event instanceof ReleaseArrived release) {
      return Optional.of(
          "ReleaseArrived version "
              + release.version()
              + " of "
              + RecordIds.shown(release.adapterKey()));
    }
    return Optional.empty();
  }

  /**
   * The job a verdict or a give-up is about, when its ids are those the accumulator and the worker
   * make ({@link JobIds}): a job id of the event's key, and that job's candidate id. Empty for any
   * other event, and for one naming ids no job of the accumulator has.
   */
  private static Optional<String> plannedJob(TrainerEvent event) {
    String adapterKey;
    String jobId;
    String candidateId;
    if (event instanceof TrainerEvent.JobGivenUp givenUp) {
      adapterKey = givenUp.adapterKey();
      jobId = givenUp.jobId();
      candidateId = JobIds.candidateId(jobId);
    } else if (event instanceof InsufficientEvidence insufficient) {
      adapterKey = insufficient.adapterKey();
      jobId = insufficient.jobId();
      candidateId = insufficient.candidateId();
    } else if (event instanceof RebaseRefused refused) {
      adapterKey = refused.adapterKey();
      jobId = refused.jobId();
      candidateId = refused.candidateId();
    } else {
      return Optional.empty();
    }
    boolean planned =
        JobIds.isJobIdOf(adapterKey, jobId) && JobIds.candidateId(jobId).equals(candidateId);
    return planned ? Optional.of(jobId) : Optional.empty();
  }

  /**
   * Counts a skipped event that is neither an example nor an erasure (each counted by its own
   * meter): {@code perennial.trainer.events.skipped{kind=<event>}}.
   */
  private static void countSkippedEvent(TrainerEvent event, MeterRegistry meters) {
    Counter.builder("perennial.trainer.events.skipped")
        .tag("kind", event.getClass().getSimpleName())
        .register(meters)
        .increment();
  }

  /** Counts an event skipped before the repartition topic: {@code meter{outcome=skipped}}. */
  private static void countSkipped(String meter, MeterRegistry meters) {
    Counter.builder(meter).tag("outcome", "skipped").register(meters).increment();
  }

  /**
   * An event with its encoding for the repartition topic ({@link TrainerEventSerde}), made once:
   * {@link #fitsRepartition} measures it and the repartition sends it as it is. The topic's bytes
   * are {@link TrainerEventSerde}'s; reading them decodes the event as before.
   */
  record EncodedEvent(TrainerEvent event, byte[] bytes) {

    static final Serde<EncodedEvent> SERDE =
        Serdes.serdeFrom(
            (topic, encoded) -> encoded == null ? null : encoded.bytes(),
            (topic, bytes) ->
                bytes == null ? null : new EncodedEvent(TrainerEventSerde.decode(bytes), bytes));

    static EncodedEvent of(TrainerEvent event) {
      return new EncodedEvent(event, TrainerEventSerde.encode(event));
    }
  }

  /** Forwards each event without the headers of the record it was read from. */
  private static final class WithoutHeaders
      implements FixedKeyProcessor<String, TrainerEvent, TrainerEvent> {

    private FixedKeyProcessorContext<String, TrainerEvent> context;

    @Override
    public void init(FixedKeyProcessorContext<String, TrainerEvent> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, TrainerEvent> record) {
      context.forward(record.withHeaders(new RecordHeaders()));
    }
  }

  /** The processor with its stores, so the topology connects them. */
  private record AccumulatorSupplier(
      AccumulatorSettings settings,
      ArtifactStore artifacts,
      ExampleDecryptor decryptor,
      Topic<String, BaseAnnouncement> basesTopic,
      Topic<String, AdapterImport> importsTopic,
      MeterRegistry meters)
      implements ProcessorSupplier<String, TrainerEvent, String, SpecificRecord> {

    @Override
    public Processor<String, TrainerEvent, String, SpecificRecord> get() {
      return new AccumulatorProcessor(
          settings, artifacts, decryptor, basesTopic, importsTopic, meters);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
      return AccumulatorStores.builders();
    }
  }
}
