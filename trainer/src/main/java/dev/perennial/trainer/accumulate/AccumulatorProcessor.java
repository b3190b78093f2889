package dev.perennial.trainer.accumulate;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.crypto.UndecryptableException;
import dev.perennial.core.ids.RecordIds;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.ArtifactStoreOutageException;
import dev.perennial.core.store.ArtifactStoreUnavailableException;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyAbsentException;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerEvent.CandidateArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ErasureArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ExampleArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.InsufficientEvidence;
import dev.perennial.trainer.accumulate.TrainerEvent.JobGivenUp;
import dev.perennial.trainer.accumulate.TrainerEvent.RebaseRefused;
import dev.perennial.trainer.accumulate.TrainerEvent.ReleaseArrived;
import dev.perennial.trainer.config.TriggerSettings;
import dev.perennial.trainer.erasure.AffectedVersions;
import dev.perennial.trainer.erasure.CandidatePurgeAudit;
import dev.perennial.trainer.erasure.OrphanAdapterSweeper;
import dev.perennial.trainer.erasure.OrphanShardSweeper;
import dev.perennial.trainer.erasure.ShardRewriter;
import dev.perennial.trainer.erasure.UnreleasedWeights;
import dev.perennial.trainer.lineage.JobIds;
import dev.perennial.trainer.shard.ExampleContent;
import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import dev.perennial.trainer.shard.SourcePosition;
import dev.perennial.trainer.shard.SourcedExample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accumulator's one stateful step, for the tenants of one task: keeps each adapter key's
 * pending examples, seals them into shards and a {@link TrainingJob} when a trigger fires, keeps
 * the index of stored shards and jobs, learns which release came from which job, and carries out
 * erasures.
 *
 * <ul>
 *   <li>MIN_EXAMPLES and MIN_TOKENS are checked as each example arrives (so a re-run after a crash
 *       seals exactly the same examples); MAX_WAIT by a wall-clock punctuator.
 *   <li>Pending examples stay as ingest encrypted them; a seal decrypts them ({@link
 *       ExampleDecryptor}: the tenant's own, with keys read to the end of {@code subject-keys.v1}
 *       first, so an erased subject's examples are dropped, not sealed) and writes one training
 *       shard and, when any pending example is held out, one held-out shard; the job lists them,
 *       the shards of earlier jobs whose candidates had insufficient evidence ({@link Rollovers}:
 *       each carried exactly once), up to {@code replayMaxShards} earlier training shards of the
 *       key to replay from, and every held-out shard of the key (its held-out pool).
 *   <li>An erasure forgets the subject's cached key, drops the subject's pending examples and
 *       rewrites every shard holding its examples in every adapter key of the tenant; each key
 *       whose training data changed gets an ERASURE job over all its current shards, listing the
 *       releases that held the data. A release of a job whose data was erased, or trained on top of
 *       such a release, that shows up later gets an ERASURE job of its own.
 *   <li>Adapters a worker stored that no candidate names (killed before its commit, the job given
 *       up) are deleted once their job is settled ({@link OrphanAdapterSweeper}), on every erasure,
 *       candidate and given-up job of the tenant.
 *   <li>A base announced on {@code bases.v1} (a global store, so every task sees it) that succeeds
 *       another ({@link Rebases}): each key with a stable release on the old base gets exactly one
 *       REBASE job over all its current shards (erasures have already rewritten them), naming that
 *       release and both bases. Keys are checked when the announcement is seen (on the wall-clock
 *       punctuation) and whenever a key's releases change, so a key that gets its first stable
 *       release on the old base later is re-based too. A key already with a stable release on the
 *       new base needs none. When the evaluator refuses the carried-over candidate of such a job,
 *       the key gets one more REBASE job asking to distil (once per announcement of the new base).
 *       When it cannot decide the candidate (insufficient evidence: the job already held the key's
 *       whole held-out pool), the key stays on the old base and gets another REBASE job of the same
 *       method once seals have grown its held-out pool to {@code rebase.retry.growth} times the
 *       shards that job was judged on. Announcing the base again (a newer {@code announcedAt})
 *       starts over every key whose last try was refused, undecided or given up by the worker
 *       ({@code job-outcomes.v1}), carrying over first; a try still in flight is left to finish
 *       first. A key whose old base gets a newer stable release than the one its last REBASE job
 *       moved (workers still on the old base kept training it, or an erasure's retraining replaced
 *       it) is re-based again, moving the newer one, once that job is decided: the new base never
 *       silently lags the old.
 *   <li>An adapter an operator imported for a key ({@code imports.v1}, a global store) gets exactly
 *       one IMPORT job per import id, over all the key's current shards (as a REBASE job): the
 *       worker continues the imported adapter on them and the evaluator gates the candidate as any
 *       other (undecided, it is refused: nothing is left to roll into). A key with no data yet gets
 *       the job when its first job is sealed. Keys are checked on the wall-clock punctuation and
 *       after each seal.
 * </ul>
 */
public final class AccumulatorProcessor
    implements Processor<String, TrainerEvent, String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(AccumulatorProcessor.class);

  private final AccumulatorSettings settings;
  private final ArtifactStore artifacts;
  private final ExampleDecryptor decryptor;
  private final Topic<String, BaseAnnouncement> basesTopic;
  private final Topic<String, AdapterImport> importsTopic;
  private final HeldOutSplit heldOutSplit;
  private final ShardRewriter rewriter;
  private final OrphanShardSweeper sweeper;
  private final OrphanAdapterSweeper adapterSweeper;
  private final JobFit jobFit;
  private final Counter examplesAccepted;
  private final Counter examplesSkipped;
  private final Counter examplesErased;
  private final Counter examplesUndecryptable;
  private final Counter examplesUnknownKey;
  private final Map<JobTrigger, Counter> jobsSealed;
  private final Counter erasures;
  private final Counter candidatesSeen;
  private final Counter releasesSeen;
  private final Counter insufficientSeen;
  private final Counter candidatesPurged;
  private final Counter orphanAdaptersDeleted;

  private final Set<String> misfiledImports = new HashSet<>();

  private ProcessorContext<String, SpecificRecord> context;
  private AccumulatorStores state;
  private Rollovers rollovers;
  private Rebases rebases;

  public AccumulatorProcessor(
      AccumulatorSettings settings,
      ArtifactStore artifacts,
      ExampleDecryptor decryptor,
      Topic<String, BaseAnnouncement> basesTopic,
      Topic<String, AdapterImport> importsTopic,
      MeterRegistry meters) {
    this.settings = settings;
    this.artifacts = artifacts;
    this.decryptor = decryptor;
    this.basesTopic = basesTopic;
    this.importsTopic = importsTopic;
    this.heldOutSplit = new HeldOutSplit(settings.heldOutFraction());
    this.rewriter = new ShardRewriter(artifacts);
    this.sweeper = new OrphanShardSweeper(artifacts);
    this.adapterSweeper = new OrphanAdapterSweeper(artifacts);
    this.jobFit = new JobFit(settings.maxEventBytes(), meters);
    this.examplesAccepted = counter(meters, "perennial.trainer.examples", "outcome", "accepted");
    this.examplesSkipped = counter(meters, "perennial.trainer.examples", "outcome", "skipped");
    this.examplesErased = counter(meters, "perennial.trainer.examples", "outcome", "erased");
    this.examplesUndecryptable =
        counter(meters, "perennial.trainer.examples", "outcome", "undecryptable");
    this.examplesUnknownKey =
        counter(meters, "perennial.trainer.examples", "outcome", "unknown-key");
    this.jobsSealed = new EnumMap<>(JobTrigger.class);
    for (JobTrigger trigger : JobTrigger.values()) {
      jobsSealed.put(trigger, counter(meters, "perennial.trainer.jobs", "trigger", trigger.name()));
    }
    this.erasures = counter(meters, "perennial.trainer.erasures", "outcome", "done");
    this.candidatesSeen = counter(meters, "perennial.trainer.lineage.events", "kind", "candidate");
    this.releasesSeen = counter(meters, "perennial.trainer.lineage.events", "kind", "release");
    this.insufficientSeen =
        counter(meters, "perennial.trainer.lineage.events", "kind", "insufficient-evidence");
    this.candidatesPurged =
        counter(meters, "perennial.trainer.erasures", "outcome", "candidate-weights-purged");
    this.orphanAdaptersDeleted =
        counter(meters, "perennial.trainer.orphan.adapters", "outcome", "deleted");
  }

  private static Counter counter(MeterRegistry meters, String name, String tag, String value) {
    return Counter.builder(name).tag(tag, value).register(meters);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.state = AccumulatorStores.of(context, basesTopic, importsTopic);
    this.rollovers = new Rollovers(state);
    this.rebases =
        new Rebases(
            state, settings.rebaseRetryGrowth(), jobsSealed.get(JobTrigger.REBASE), this::emit);
    context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::sealExpired);
  }

  @Override
  public void process(Record<String, TrainerEvent> record) {
    TrainerEvent event = record.value();
    if (event instanceof ExampleArrived arrived) {
      onExample(arrived.example(), record.timestamp());
    } else if (event instanceof ErasureArrived erasure) {
      onErasure(erasure.request(), record.timestamp());
    } else if (event instanceof CandidateArrived candidate) {
      onCandidate(candidate, record.timestamp());
      candidatesSeen.increment();
    } else if (event instanceof ReleaseArrived release) {
      onRelease(release, record.timestamp());
      releasesSeen.increment();
      // the record tells the key's whole state: its stables replace what was known
      state.putStables(new KeyStables(release.adapterKey(), release.stables()));
      rebases.plan(state.stables(release.adapterKey()), record.timestamp());
    } else if (event instanceof InsufficientEvidence insufficient) {
      rollovers.onInsufficientEvidence(insufficient);
      insufficientSeen.increment();
    } else if (event instanceof RebaseRefused refused) {
      rebases.onRefused(refused, record.timestamp());
    } else if (event instanceof JobGivenUp givenUp) {
      rebases.onGivenUp(givenUp);
      if (givenUp.tenant() != null) {
        // no candidate will come of the job: what a worker stored for it is named by nothing
        sweepOrphanAdapters(givenUp.tenant());
      }
    }
  }

  /**
   * Writes a job as it fits the producer ({@link JobFit}): one the producer refused would fail the
   * task on every restart. A seal fits its job itself, to record what the job was written with.
   */
  private void emit(Record<String, TrainingJob> job) {
    context.forward(job.withValue(jobFit.fitted(job.key(), job.value())));
  }

  private void onCandidate(CandidateArrived candidate, long timestamp) {
    CandidateEntry known = state.candidate(candidate.adapterKey(), candidate.candidateId());
    CandidateEntry entry =
        new CandidateEntry(
            candidate.candidateId(),
            candidate.jobId(),
            candidate.parentVersion(),
            candidate.movedVersion(),
            candidate.weightBlobs(),
            known == null ? null : known.weightsPurgedBy());
    state.putCandidate(candidate.adapterKey(), entry);
    if (candidate.movedVersion() != null) {
      rebases.onCandidate(candidate);
    }
    if (taintOf(candidate.adapterKey(), entry) != null) {
      // a candidate of a job an erasure already superseded (or on top of an erased release)
      purgeUnreleased(candidate.tenant(), timestamp);
    }
    // the job is settled: another adapter a worker stored for it is named by nothing
    sweepOrphanAdapters(candidate.tenant());
  }

  private void onExample(SourcedExample sourced, long timestamp) {
    TrainingExample example = sourced.example();
    List<String> problems = ExampleContent.problems(example);
    if (!problems.isEmpty()) {
      examplesSkipped.increment();
      log.warn(
          "Skipping example {} at {}: {}",
          RecordIds.shown(example.getExampleId()),
          sourced.position(),
          problems);
      return;
    }
    if (state.isPending(sourced)) {
      log.debug("Example at {} is already pending", sourced.position());
      return;
    }
    state.addPending(sourced);
    examplesAccepted.increment();
    String key = example.getAdapterKey();
    KeyAccumulation accumulation =
        heldOutSplit.isHeldOut(example)
            ? state.accumulation(key).withHeldOutExample()
            : state
                .accumulation(key)
                .withTrainExample(ExampleContent.tokens(example), context.currentSystemTimeMs());
    state.putAccumulation(accumulation);

    TriggerSettings triggers = settings.triggers().apply(example.getTenant());
    if (accumulation.trainCount() >= triggers.minExamples()) {
      seal(key, JobTrigger.MIN_EXAMPLES, timestamp);
    } else if (accumulation.trainTokens() >= triggers.minTokens()) {
      seal(key, JobTrigger.MIN_TOKENS, timestamp);
    }
  }

  /** Seals every key whose first pending training example has waited long enough. */
  void sealExpired(long now) {
    for (KeyStables stables : state.allStables()) {
      rebases.plan(stables, now);
    }
    for (KeyAccumulation accumulation : state.allAccumulations()) {
      planImport(accumulation.adapterKey(), now);
      if (accumulation.trainCount() == 0 || accumulation.firstPendingAtMs() == null) {
        continue;
      }
      String tenant = AdapterKey.tenantOf(accumulation.adapterKey()).orElse(null);
      long waited = now - accumulation.firstPendingAtMs();
      if (waited >= settings.triggers().apply(tenant).maxWait().toMillis()) {
        seal(accumulation.adapterKey(), JobTrigger.MAX_WAIT, now);
      }
    }
  }

  private void seal(String adapterKey, JobTrigger trigger, long timestamp) {
    List<SourcedExample> pending = decryptPending(adapterKey);
    List<SourcedExample> train = new ArrayList<>();
    List<SourcedExample> heldOut = new ArrayList<>();
    for (SourcedExample example : pending) {
      (heldOutSplit.isHeldOut(example.example()) ? heldOut : train).add(example);
    }
    if (train.isEmpty()) {
      return;
    }
    String tenant = train.get(0).example().getTenant();
    KeyAccumulation accumulation = state.accumulation(adapterKey);
    List<KeyValue<String, JobEntry>> carried = rollovers.pending(adapterKey);

    requireStoreOfIndex(adapterKey);
    Shard trainShard = new Shard(tenant, adapterKey, ShardSplit.TRAIN, null, train);
    Digest trainDigest = ShardWriter.write(artifacts, trainShard);
    Shard heldOutShard =
        heldOut.isEmpty()
            ? null
            : new Shard(tenant, adapterKey, ShardSplit.HELD_OUT, null, heldOut);
    Digest heldOutDigest = heldOutShard == null ? null : ShardWriter.write(artifacts, heldOutShard);

    // The job trains on its own shard and on the carried jobs' (as erasures left them).
    Set<String> trainDigests = new LinkedHashSet<>(List.of(trainDigest.hex()));
    Set<String> heldOutDigests = new LinkedHashSet<>();
    if (heldOutDigest != null) {
      heldOutDigests.add(heldOutDigest.hex());
    }
    for (KeyValue<String, JobEntry> job : carried) {
      trainDigests.addAll(job.value.trainShards());
      heldOutDigests.addAll(job.value.heldOutShards());
    }
    List<ShardEntry> replay =
        replayShards(adapterKey).stream()
            .filter(entry -> !trainDigests.contains(entry.digest()))
            .toList();

    long jobSeq = accumulation.nextJobSeq();
    List<String> parts = new ArrayList<>(trainDigests);
    parts.addAll(heldOutDigests);
    String jobId = JobIds.jobId(adapterKey, jobSeq, trigger.name(), parts);

    long shardSeq = accumulation.nextShardSeq();
    state.putShard(adapterKey, shardSeq++, ShardEntry.of(trainDigest.hex(), trainShard, jobId));
    if (heldOutShard != null) {
      state.putShard(
          adapterKey, shardSeq++, ShardEntry.of(heldOutDigest.hex(), heldOutShard, jobId));
    }
    List<String> carriedJobs = Rollovers.carriedIds(carried);
    rollovers.carriedInto(carried, jobId);
    pending.forEach(state::removePending);
    state.putAccumulation(
        accumulation
            .withPending(0, 0, 0, null)
            .withNextShardSeq(shardSeq)
            .withNextJobSeq(jobSeq + 1));

    Map<String, ShardEntry> index = shardIndex(adapterKey);
    TrainingJob job =
        TrainingJob.newBuilder()
            .setJobId(jobId)
            .setAdapterKey(adapterKey)
            .setTenant(tenant)
            .setTrigger(trigger)
            .setShards(refs(index, trainDigests))
            .setHeldOutShards(refs(index, heldOutDigests))
            .setReplayShards(replay.stream().map(ShardEntry::toShardRef).toList())
            .setErasure(null)
            .setHeldOutPool(heldOutPool(index))
            .setCarriedJobs(carriedJobs)
            .setCreatedAt(Instant.ofEpochMilli(timestamp))
            .build();
    // as written: the replay shards left out to fit are none of the job's data (erasures ask)
    TrainingJob fitted = jobFit.fitted(adapterKey, job);
    state.putJob(
        adapterKey,
        jobSeq,
        JobEntry.sealed(
            jobId,
            trigger,
            List.copyOf(trainDigests),
            List.copyOf(heldOutDigests),
            fitted.getReplayShards().stream().map(ShardRef::getDigest).toList(),
            carriedJobs));
    jobsSealed.get(trigger).increment();
    log.info(
        "Sealed job {} ({}): {} training and {} held-out examples, {} replay shards{}",
        jobId,
        trigger,
        train.size(),
        heldOut.size(),
        fitted.getReplayShards().size(),
        carried.isEmpty() ? "" : ", carrying the data of " + String.join(", ", carriedJobs));
    context.forward(new Record<>(adapterKey, fitted, timestamp));
    if (heldOutShard != null) {
      // a rebase left undecided waits for exactly this: more held-out evidence
      rebases.plan(state.stables(adapterKey), timestamp);
    }
    // an import that waited for the key's first data
    planImport(adapterKey, timestamp);
  }

  /**
   * Checks, before a seal writes, that the store holds what this task's index names: a seal is the
   * one write that can found a store (a rewrite writes only after reading the old shard, which a
   * store holding nothing refuses). A shard of the index missing from a store that holds nothing at
   * all means the store is not the one the shards went to (its volume not mounted): sealing into it
   * would found an empty folder that no other stage reads, so this stops the seal with an {@link
   * ArtifactStoreOutageException}, which fails the accumulator and leaves the examples pending. A
   * task that never sealed (a fresh install) founds the store with its first seal.
   */
  private void requireStoreOfIndex(String adapterKey) {
    Optional<ShardEntry> sealed = state.anyShard();
    if (sealed.isEmpty()) {
      return;
    }
    try {
      // a miss in a store that holds nothing throws; a shard an erasure deleted is just gone
      artifacts.isGone(Digest.parse(sealed.get().digest()));
    } catch (ArtifactStoreUnavailableException e) {
      throw new ArtifactStoreOutageException(
          "Not sealing the pending examples of "
              + adapterKey
              + ": the accumulator's state names shards sealed before (shard "
              + sealed.get().digest()
              + " of job "
              + sealed.get().jobId()
              + "), but "
              + e.getMessage()
              + " Sealing would found that empty folder, and no other stage would find the shards."
              + " Mount the store's volume and restart the accumulator; the examples stay pending",
          e);
    }
  }

  /**
   * The key's pending examples in the clear. Those whose subject's key was erased since they
   * arrived leave the pending store, counted ({@code outcome="erased"}); those whose content does
   * not open (changed or moved bytes, another tenant's) leave it too, counted ({@code
   * outcome="undecryptable"}) and logged; so do those whose key the key log, read to its settled
   * end, neither holds nor erased ({@link SubjectKeyAbsentException}: forged, or an erased
   * subject's whose tombstone compaction removed), counted ({@code outcome="unknown-key"}) and
   * logged: the key never comes, and waiting would stop the task for good. An example whose key is
   * missing, not erased, while a transaction on the key log is still open ({@link
   * dev.perennial.schemas.privacy.SubjectKeyMissingException}), or wrapped by a master key this
   * process lacks ({@link dev.perennial.core.crypto.MasterKeyMissingException}) is never dropped:
   * the exception stops the seal, and with it the task's transaction, so the examples stay pending
   * (the accumulator retries the first and fails on the second, saying why).
   */
  private List<SourcedExample> decryptPending(String adapterKey) {
    String tenant = AdapterKey.tenantOf(adapterKey).orElse(null);
    decryptor.refresh();
    List<SourcedExample> plain = new ArrayList<>();
    Set<SourcePosition> erased = new HashSet<>();
    Set<SourcePosition> undecryptable = new HashSet<>();
    Set<SourcePosition> unknownKey = new HashSet<>();
    for (SourcedExample example : state.pending(adapterKey)) {
      try {
        Optional<TrainingExample> decrypted = decryptor.decrypt(example.example(), tenant);
        if (decrypted.isPresent()) {
          plain.add(new SourcedExample(example.position(), decrypted.get()));
        } else {
          erased.add(example.position());
        }
      } catch (UndecryptableException | IllegalArgumentException e) {
        log.warn("Dropping the pending example at {}: {}", example.position(), e.getMessage());
        undecryptable.add(example.position());
      } catch (SubjectKeyAbsentException e) {
        log.warn("Dropping the pending example at {}: {}", example.position(), e.getMessage());
        unknownKey.add(example.position());
      }
    }
    if (!erased.isEmpty()) {
      int dropped = dropPending(adapterKey, example -> erased.contains(example.position()));
      examplesErased.increment(dropped);
      log.info(
          "Dropped {} pending examples of {} whose subjects' keys are erased", dropped, adapterKey);
    }
    if (!undecryptable.isEmpty()) {
      examplesUndecryptable.increment(
          dropPending(adapterKey, example -> undecryptable.contains(example.position())));
    }
    if (!unknownKey.isEmpty()) {
      examplesUnknownKey.increment(
          dropPending(adapterKey, example -> unknownKey.contains(example.position())));
    }
    return plain;
  }

  /** The key's indexed shards by digest. */
  private Map<String, ShardEntry> shardIndex(String adapterKey) {
    Map<String, ShardEntry> index = new LinkedHashMap<>();
    state.shards(adapterKey).forEach(entry -> index.put(entry.value.digest(), entry.value));
    return index;
  }

  /**
   * The shards' references; a digest the index no longer holds (emptied by an erasure) is left out.
   */
  private static List<ShardRef> refs(Map<String, ShardEntry> index, Collection<String> digests) {
    return digests.stream()
        .filter(index::containsKey)
        .map(digest -> index.get(digest).toShardRef())
        .toList();
  }

  /** Every held-out shard of the key: its held-out pool. */
  private static List<ShardRef> heldOutPool(Map<String, ShardEntry> index) {
    return index.values().stream()
        .filter(entry -> entry.split() == ShardSplit.HELD_OUT)
        .map(ShardEntry::toShardRef)
        .toList();
  }

  /** Up to replayMaxShards earlier training shards, spread evenly, first and latest included. */
  private List<ShardEntry> replayShards(String adapterKey) {
    List<ShardEntry> earlier =
        state.shards(adapterKey).stream()
            .map(entry -> entry.value)
            .filter(entry -> entry.split() == ShardSplit.TRAIN)
            .toList();
    return spread(earlier, settings.replayMaxShards());
  }

  /** Up to {@code max} of {@code items}, spread evenly, the first and the last included. */
  public static <T> List<T> spread(List<T> items, int max) {
    if (items.size() <= max) {
      return items;
    }
    if (max == 0) {
      return List.of();
    }
    if (max == 1) {
      return List.of(items.get(items.size() - 1));
    }
    List<T> chosen = new ArrayList<>(max);
    for (int i = 0; i < max; i++) {
      chosen.add(items.get((int) Math.round(i * (items.size() - 1) / (double) (max - 1))));
    }
    return chosen;
  }

  private void onErasure(ErasureRequest request, long timestamp) {
    String tenant = request.getTenant();
    String subject = request.getSubjectPseudonym();
    decryptor.forget(tenant, subject);
    // Log lines, jobs and stored entries name the request, never the subject's pseudonym.
    ErasureMark mark = new ErasureMark(request.getRequestId());
    Set<String> indexed = new HashSet<>();
    List<String> keys = state.adapterKeysOf(tenant);
    for (String adapterKey : keys) {
      int droppedPending =
          dropPending(
              adapterKey, example -> example.example().getSubjectPseudonym().equals(subject));
      examplesErased.increment(droppedPending);
      ShardRewriter.Outcome outcome =
          rewriter.rewrite(state, tenant, adapterKey, subject, mark.requestId());
      Set<String> affectedJobs = updateJobs(adapterKey, outcome, mark);
      SortedSet<Integer> versions =
          AffectedVersions.of(
              affectedJobs, state.candidates(adapterKey), state.releases(adapterKey));
      for (ReleaseEntry release : state.releases(adapterKey)) {
        if (versions.contains(release.version()) && release.erasedBy() == null) {
          state.putRelease(adapterKey, release.erasedBy(mark));
        }
      }
      if (retrainsAffected(adapterKey, affectedJobs)) {
        // An earlier ERASURE job trained on data this erasure changed: the worker skips it (its
        // shard is gone) or its candidate is purged, so this job's release is the one left to
        // replace every release holding erased data, those the earlier job named included.
        for (ReleaseEntry release : state.releases(adapterKey)) {
          if (release.erasedBy() != null) {
            versions.add(release.version());
          }
        }
      }
      state.shards(adapterKey).forEach(entry -> indexed.add(entry.value.digest()));
      log.info(
          "Erasure {} in {}: {} pending and {} stored examples removed, {} shards changed, jobs {}"
              + " and releases {} held the data",
          mark.requestId(),
          adapterKey,
          droppedPending,
          outcome.removedExamples(),
          outcome.replaced().size(),
          affectedJobs,
          versions);
      if (!affectedJobs.isEmpty()) {
        emitErasureJob(adapterKey, tenant, mark, List.copyOf(versions), timestamp);
      }
    }
    int orphans = sweeper.sweep(tenant, subject, mark.requestId(), indexed);
    purgeUnreleased(tenant, timestamp);
    sweepOrphanAdapters(tenant);
    erasures.increment();
    log.info(
        "Erasure {} done for tenant {} ({} adapter keys, {} orphaned shards deleted)",
        mark.requestId(),
        tenant,
        keys.size(),
        orphans);
  }

  /** Whether one of {@code affectedJobs} is an ERASURE job of the key. */
  private boolean retrainsAffected(String adapterKey, Set<String> affectedJobs) {
    return state.jobs(adapterKey).stream()
        .map(stored -> stored.value)
        .anyMatch(job -> job.trigger() == JobTrigger.ERASURE && affectedJobs.contains(job.jobId()));
  }

  /** Removes the key's pending examples that {@code drop} names; returns how many. */
  private int dropPending(String adapterKey, Predicate<SourcedExample> drop) {
    List<SourcedExample> pending = state.pending(adapterKey);
    int dropped = 0;
    int train = 0;
    long tokens = 0;
    int heldOut = 0;
    for (SourcedExample example : pending) {
      if (drop.test(example)) {
        state.removePending(example);
        dropped++;
      } else if (heldOutSplit.isHeldOut(example.example())) {
        heldOut++;
      } else {
        train++;
        tokens += ExampleContent.tokens(example.example());
      }
    }
    if (dropped > 0) {
      KeyAccumulation accumulation = state.accumulation(adapterKey);
      state.putAccumulation(
          accumulation.withPending(train, tokens, heldOut, accumulation.firstPendingAtMs()));
    }
    return dropped;
  }

  /**
   * Points the key's jobs at the rewritten shards; returns the jobs whose training data changed.
   */
  private Set<String> updateJobs(
      String adapterKey, ShardRewriter.Outcome outcome, ErasureMark mark) {
    Set<String> affected = new HashSet<>();
    if (outcome.replaced().isEmpty()) {
      return affected;
    }
    for (KeyValue<String, JobEntry> stored : state.jobs(adapterKey)) {
      JobEntry job = stored.value;
      boolean trainedOnIt =
          job.trainShards().stream().anyMatch(outcome.trainShardsTouched()::contains)
              || job.replayShards().stream().anyMatch(outcome.trainShardsTouched()::contains);
      JobEntry updated =
          job.withShards(
              replace(job.trainShards(), outcome.replaced()),
              replace(job.heldOutShards(), outcome.replaced()),
              replace(job.replayShards(), outcome.replaced()));
      if (trainedOnIt) {
        affected.add(job.jobId());
        if (updated.supersededBy() == null) {
          updated = updated.supersededBy(mark);
        }
      }
      if (!updated.equals(job)) {
        state.putJob(stored.key, updated);
      }
    }
    return affected;
  }

  private static List<String> replace(List<String> digests, Map<String, String> replaced) {
    List<String> result = new ArrayList<>();
    for (String digest : digests) {
      if (!replaced.containsKey(digest)) {
        result.add(digest);
      } else if (replaced.get(digest) != null) {
        result.add(replaced.get(digest));
      }
    }
    return result;
  }

  private void onRelease(ReleaseArrived release, long timestamp) {
    String adapterKey = release.adapterKey();
    ReleaseEntry known = state.release(adapterKey, release.version());
    if (known != null) {
      if (known.weightBlobs() == null && release.weightBlobs() != null) {
        // learnt before blobs were recorded: a later record of the version names them, and the
        // purges that waited for them can go ahead
        state.putRelease(adapterKey, known.withWeightBlobs(release.weightBlobs()));
        purgeUnreleased(release.tenant(), timestamp);
      }
      return;
    }
    ReleaseEntry entry =
        new ReleaseEntry(release.version(), release.candidateId(), null, release.weightBlobs());
    ErasureMark taint = taintOf(adapterKey, state.candidate(adapterKey, release.candidateId()));
    if (taint == null) {
      state.putRelease(adapterKey, entry);
      return;
    }
    state.putRelease(adapterKey, entry.erasedBy(taint));
    // candidates trained on top of it hold the erased data too
    purgeUnreleased(release.tenant(), timestamp);
    log.warn(
        "Release {} of {} holds data erased by {}; emitting an ERASURE job for it",
        release.version(),
        adapterKey,
        taint.requestId());
    emitErasureJob(
        adapterKey,
        AdapterKey.tenantOf(adapterKey).orElse(null),
        taint,
        List.of(release.version()),
        timestamp);
  }

  /**
   * The erasure whose data a candidate holds (its job's, its parent release's or, for a REBASE
   * candidate, the release it moved), or null.
   */
  private ErasureMark taintOf(String adapterKey, CandidateEntry candidate) {
    if (candidate == null) {
      return null;
    }
    JobEntry job = state.job(adapterKey, candidate.jobId());
    if (job != null && job.supersededBy() != null) {
      return job.supersededBy();
    }
    for (Integer version : Arrays.asList(candidate.parentVersion(), candidate.movedVersion())) {
      ReleaseEntry release = version == null ? null : state.release(adapterKey, version);
      if (release != null && release.erasedBy() != null) {
        return release.erasedBy();
      }
    }
    return null;
  }

  /**
   * Deletes the weight blobs of the tenant's candidates that hold erased data and were never
   * released ({@link UnreleasedWeights}), marks them purged and says so on {@code audit.v1}. A
   * re-run after a crash deletes the same blobs again (they are gone: nothing happens) and emits
   * the same event id.
   */
  private void purgeUnreleased(String tenant, long timestamp) {
    List<UnreleasedWeights.KeyLineage> keys = new ArrayList<>();
    for (String adapterKey : state.adapterKeysOf(tenant)) {
      keys.add(
          new UnreleasedWeights.KeyLineage(
              adapterKey, state.candidates(adapterKey), state.releases(adapterKey)));
    }
    UnreleasedWeights.Plan plan = UnreleasedWeights.plan(keys, this::taintOf);
    if (!plan.waiting().isEmpty()) {
      log.warn(
          "Not purging the weights of candidates {} yet: the blobs of releases {} are unknown (learnt"
              + " before they were recorded; a later record of those versions names them)",
          plan.waiting(),
          plan.unknownReleases());
    }
    for (UnreleasedWeights.Purge purge : plan.purges()) {
      purge.delete().forEach(blob -> artifacts.delete(Digest.parse(blob)));
      CandidateEntry candidate = purge.candidate();
      state.putCandidate(purge.adapterKey(), candidate.weightsPurgedBy(purge.mark().requestId()));
      candidatesPurged.increment();
      log.info(
          "Purged the weights of {} (never released, trained on data erased by {}): blobs {}, kept"
              + " as shared {}",
          candidate.candidateId(),
          purge.mark().requestId(),
          purge.delete(),
          purge.shared());
      context.forward(
          new Record<>(
              purge.adapterKey(),
              CandidatePurgeAudit.event(purge, settings.actor(), Instant.ofEpochMilli(timestamp)),
              timestamp));
    }
  }

  /**
   * Deletes the adapters a worker stored for settled jobs of the tenant that no candidate names
   * ({@link OrphanAdapterSweeper}), keeping every blob a candidate or release of the tenant holds;
   * nothing while a release's blobs are unknown.
   */
  private void sweepOrphanAdapters(String tenant) {
    List<UnreleasedWeights.KeyLineage> keys = new ArrayList<>();
    for (String adapterKey : state.adapterKeysOf(tenant)) {
      keys.add(
          new UnreleasedWeights.KeyLineage(
              adapterKey, state.candidates(adapterKey), state.releases(adapterKey)));
    }
    Optional<Set<String>> held = UnreleasedWeights.heldBlobs(keys);
    if (held.isEmpty()) {
      // on every candidate: UnreleasedWeights' purge warns when it waits for the same blobs
      log.debug(
          "Not deleting adapters of {} that no candidate names yet: the blobs of a release are"
              + " unknown (learnt before they were recorded; a later record of it names them)",
          tenant);
      return;
    }
    orphanAdaptersDeleted.increment(adapterSweeper.sweep(tenant, this::settled, held.get()).size());
  }

  /** Whether the job's outcome is known: its candidate seen, or the worker gave it up. */
  private boolean settled(String adapterKey, String jobId) {
    if (state.candidate(adapterKey, JobIds.candidateId(jobId)) != null) {
      return true;
    }
    JobEntry job = state.job(adapterKey, jobId);
    return job != null && job.givenUp();
  }

  /**
   * One IMPORT job for the key's latest import, unless a job of it was emitted already or the key
   * has no training shard yet (then its first seal plans it).
   */
  private void planImport(String adapterKey, long timestamp) {
    Optional<AdapterImport> imported = state.adapterImport(adapterKey);
    if (imported.isEmpty() || importJobEmitted(adapterKey, imported.get().getImportId())) {
      return;
    }
    if (!adapterKey.equals(imported.get().getAdapterKey())) {
      // the punctuation comes back every second: say it once per import
      if (misfiledImports.add(imported.get().getImportId())) {
        log.warn(
            "Ignoring import {} keyed {} on imports.v1: it names adapter key {}",
            RecordIds.shown(imported.get().getImportId()),
            RecordIds.shown(adapterKey),
            RecordIds.shown(imported.get().getAdapterKey()));
      }
      return;
    }
    List<ShardEntry> train = state.currentShards(adapterKey, ShardSplit.TRAIN);
    if (train.isEmpty()) {
      return;
    }
    emitImportJob(
        imported.get(), train, state.currentShards(adapterKey, ShardSplit.HELD_OUT), timestamp);
  }

  private boolean importJobEmitted(String adapterKey, String importId) {
    return state.jobs(adapterKey).stream()
        .anyMatch(
            job ->
                job.value.trigger() == JobTrigger.IMPORT && importId.equals(job.value.importId()));
  }

  private void emitImportJob(
      AdapterImport imported, List<ShardEntry> train, List<ShardEntry> heldOut, long timestamp) {
    String adapterKey = imported.getAdapterKey();
    KeyAccumulation accumulation = state.accumulation(adapterKey);
    long jobSeq = accumulation.nextJobSeq();
    List<String> parts = new ArrayList<>(List.of(imported.getImportId()));
    train.forEach(entry -> parts.add(entry.digest()));
    heldOut.forEach(entry -> parts.add(entry.digest()));
    String jobId = JobIds.jobId(adapterKey, jobSeq, JobTrigger.IMPORT.name(), parts);
    state.putJob(
        adapterKey,
        jobSeq,
        JobEntry.imported(
            jobId,
            train.stream().map(ShardEntry::digest).toList(),
            heldOut.stream().map(ShardEntry::digest).toList(),
            imported.getImportId()));
    state.putAccumulation(accumulation.withNextJobSeq(jobSeq + 1));
    List<ShardRef> heldOutRefs = heldOut.stream().map(ShardEntry::toShardRef).toList();
    TrainingJob job =
        TrainingJob.newBuilder()
            .setJobId(jobId)
            .setAdapterKey(adapterKey)
            .setTenant(AdapterKey.tenantOf(adapterKey).orElseThrow())
            .setTrigger(JobTrigger.IMPORT)
            .setShards(train.stream().map(ShardEntry::toShardRef).toList())
            .setHeldOutShards(heldOutRefs)
            .setReplayShards(List.of())
            .setHeldOutPool(heldOutRefs)
            .setAdapterImport(imported)
            .setCreatedAt(Instant.ofEpochMilli(timestamp))
            .build();
    jobsSealed.get(JobTrigger.IMPORT).increment();
    log.info(
        "Emitted IMPORT job {}: {} continues the adapter imported from {} ({}), over {} training"
            + " and {} held-out shards",
        jobId,
        adapterKey,
        imported.getSource(),
        imported.getImportId(),
        train.size(),
        heldOut.size());
    emit(new Record<>(adapterKey, job, timestamp));
  }

  /** A job retraining the key from scratch on all its current shards. */
  private void emitErasureJob(
      String adapterKey, String tenant, ErasureMark mark, List<Integer> versions, long timestamp) {
    List<ShardEntry> train = state.currentShards(adapterKey, ShardSplit.TRAIN);
    List<ShardEntry> heldOut = state.currentShards(adapterKey, ShardSplit.HELD_OUT);
    KeyAccumulation accumulation = state.accumulation(adapterKey);
    List<KeyValue<String, JobEntry>> carried = rollovers.pending(adapterKey);
    long jobSeq = accumulation.nextJobSeq();
    List<String> parts = new ArrayList<>(List.of(mark.requestId()));
    train.forEach(entry -> parts.add(entry.digest()));
    heldOut.forEach(entry -> parts.add(entry.digest()));
    String jobId = JobIds.jobId(adapterKey, jobSeq, JobTrigger.ERASURE.name(), parts);
    // It trains on all of the key's data: whatever was to roll into the next job is in it.
    List<String> carriedJobs = Rollovers.carriedIds(carried);
    state.putJob(
        adapterKey,
        jobSeq,
        JobEntry.sealed(
            jobId,
            JobTrigger.ERASURE,
            train.stream().map(ShardEntry::digest).toList(),
            heldOut.stream().map(ShardEntry::digest).toList(),
            List.of(),
            carriedJobs));
    rollovers.carriedInto(carried, jobId);
    state.putAccumulation(accumulation.withNextJobSeq(jobSeq + 1));
    List<ShardRef> trainRefs = train.stream().map(ShardEntry::toShardRef).toList();
    TrainingJob job =
        TrainingJob.newBuilder()
            .setJobId(jobId)
            .setAdapterKey(adapterKey)
            .setTenant(tenant)
            .setTrigger(JobTrigger.ERASURE)
            .setShards(trainRefs)
            .setHeldOutShards(heldOut.stream().map(ShardEntry::toShardRef).toList())
            .setReplayShards(List.of())
            .setHeldOutPool(heldOut.stream().map(ShardEntry::toShardRef).toList())
            .setCarriedJobs(carriedJobs)
            .setErasure(
                ErasureDetails.newBuilder()
                    .setRequestId(mark.requestId())
                    .setAffectedVersions(versions)
                    .build())
            .setCreatedAt(Instant.ofEpochMilli(timestamp))
            .build();
    jobsSealed.get(JobTrigger.ERASURE).increment();
    log.info(
        "Emitted ERASURE job {} over {} training and {} held-out shards; releases {} held erased"
            + " data",
        jobId,
        train.size(),
        heldOut.size(),
        versions);
    emit(new Record<>(adapterKey, job, timestamp));
  }
}
