package dev.perennial.trainer.accumulate;

import static dev.perennial.trainer.testing.Examples.at;
import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.crypto.MasterKeyMissingException;
import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.LogCapture;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.train.StepListener;
import dev.perennial.schemas.privacy.ExampleCrypto;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyMap;
import dev.perennial.schemas.privacy.SubjectKeyMissingException;
import dev.perennial.schemas.privacy.SubjectKeyRecords;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerEvent.CandidateArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ErasureArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ExampleArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.InsufficientEvidence;
import dev.perennial.trainer.accumulate.TrainerEvent.JobGivenUp;
import dev.perennial.trainer.accumulate.TrainerEvent.RebaseRefused;
import dev.perennial.trainer.accumulate.TrainerEvent.ReleaseArrived;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.config.TriggerSettings;
import dev.perennial.trainer.erasure.CandidateWeights;
import dev.perennial.trainer.lineage.JobIds;
import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardReader;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import dev.perennial.trainer.shard.SourcedExample;
import dev.perennial.trainer.testing.IngestKeys;
import dev.perennial.trainer.testing.RecordingArtifactStore;
import dev.perennial.trainer.testing.TestConfigs;
import dev.perennial.trainer.worker.JobTrainer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accumulator's processor alone: triggers, sealing, the punctuator and erasures. */
class AccumulatorProcessorTest {

  private static final TriggerSettings DEFAULTS =
      new TriggerSettings(100, 100_000, Duration.ofSeconds(5));
  private static final Map<String, TriggerSettings> TENANTS =
      Map.of(
          "acme", new TriggerSettings(3, 100_000, Duration.ofMinutes(10)),
          "globex", new TriggerSettings(100, 40, Duration.ofMinutes(10)));

  @TempDir Path folder;

  private LocalArtifactStore artifacts;
  private MockProcessorContext<String, SpecificRecord> context;
  private AccumulatorProcessor processor;
  private SubjectKeyMap keys;
  private ExampleDecryptor decryptor;
  private IngestKeys ingest;
  private SimpleMeterRegistry meters;
  private AccumulatorSettings settings;
  private long offset;
  private KeyValueStore<String, byte[]> bases;
  private KeyValueStore<String, byte[]> imports;

  /**
   * The global stores' topics, their records in Avro's single-object encoding (the registry serde
   * needs a registry).
   */
  private static final Topic<String, BaseAnnouncement> BASES =
      new Topic<>(
          "perennial.bases.v1",
          Serdes.String(),
          singleObject(BaseAnnouncement.getEncoder(), BaseAnnouncement.getDecoder()));

  private static final Topic<String, AdapterImport> IMPORTS =
      new Topic<>(
          "perennial.imports.v1",
          Serdes.String(),
          singleObject(AdapterImport.getEncoder(), AdapterImport.getDecoder()));

  private static <T> Serde<T> singleObject(
      BinaryMessageEncoder<T> encoder, BinaryMessageDecoder<T> decoder) {
    return Serdes.serdeFrom(
        (topic, value) -> {
          try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        },
        (topic, bytes) -> {
          try {
            return decoder.decode(ByteBuffer.wrap(bytes));
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static final String OLD = "ab".repeat(32);
  private static final String NEW = "cd".repeat(32);

  private void start(double heldOutFraction) {
    artifacts = new LocalArtifactStore(folder.resolve("artifacts"));
    context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(1_000);
    for (StoreBuilder<?> builder : AccumulatorStores.builders(Stores::inMemoryKeyValueStore)) {
      StateStore store = builder.withLoggingDisabled().build();
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
    }
    bases = AccumulatorStores.basesStore(Stores::inMemoryKeyValueStore).build();
    bases.init(context.getStateStoreContext(), bases);
    context.addStateStore(bases);
    imports = AccumulatorStores.importsStore(Stores::inMemoryKeyValueStore).build();
    imports.init(context.getStateStoreContext(), imports);
    context.addStateStore(imports);
    settings =
        new AccumulatorSettings(
            tenant -> TENANTS.getOrDefault(tenant, DEFAULTS),
            heldOutFraction,
            2,
            TrainerConfig.REBASE_RETRY_GROWTH_DEFAULT,
            Duration.ofSeconds(1),
            "trainer-test",
            1024 * 1024);
    keys = new SubjectKeyMap(TestConfig.masterKeys());
    ingest = new IngestKeys(keys, Instant.EPOCH);
    meters = new SimpleMeterRegistry();
    decryptor = new ExampleDecryptor(keys);
    processor = new AccumulatorProcessor(settings, artifacts, decryptor, BASES, IMPORTS, meters);
    processor.init(context);
  }

  /** Puts {@code value} into a global store as the global thread does: as the topic's bytes. */
  private static <V> void put(
      KeyValueStore<String, byte[]> store, Topic<String, V> topic, String key, V value) {
    store.put(key, topic.valueSerde().serializer().serialize(topic.name(), value));
  }

  private SourcedExample send(TrainingExample example) {
    SourcedExample sourced = at(0, offset++, example);
    processor.process(
        new Record<>(example.getTenant(), new ExampleArrived(sourced), 1_000 + offset));
    return sourced;
  }

  private List<TrainingJob> jobs() {
    List<TrainingJob> jobs = new ArrayList<>();
    context.forwarded().stream()
        .map(forward -> forward.record().value())
        .filter(TrainingJob.class::isInstance)
        .forEach(value -> jobs.add((TrainingJob) value));
    return jobs;
  }

  private List<AuditEvent> audits() {
    return context.forwarded().stream()
        .map(forward -> forward.record().value())
        .filter(AuditEvent.class::isInstance)
        .map(AuditEvent.class::cast)
        .toList();
  }

  private Shard shard(TrainingJob job, ShardRef ref) {
    return ShardReader.read(artifacts, Digest.parse(ref.getDigest()), job.getTenant(), null);
  }

  @Test
  void theMinimumNumberOfExamplesSealsAJobWithOneShardOfExactlyThoseExamples() {
    start(0.0);
    SourcedExample first = send(text("acme/support", "p-1", "The Zix lamp is teal."));
    SourcedExample second = send(text("acme/support", "p-2", "The Zix lamp costs 9 dollars."));
    assertThat(jobs()).isEmpty();
    SourcedExample third = send(text("acme/support", "p-1", "The Zix lamp is made in Quorn."));

    assertThat(jobs())
        .singleElement()
        .satisfies(
            job -> {
              assertThat(job.getTrigger()).isEqualTo(JobTrigger.MIN_EXAMPLES);
              assertThat(job.getAdapterKey()).isEqualTo("acme/support");
              assertThat(job.getJobId()).startsWith("acme/support@1-");
              assertThat(job.getShards()).hasSize(1);
              assertThat(job.getHeldOutShards()).isEmpty();
              assertThat(job.getReplayShards()).isEmpty();
              ShardRef ref = job.getShards().get(0);
              assertThat(ref.getExampleCount()).isEqualTo(3);
              assertThat(ref.getOffsetRanges())
                  .singleElement()
                  .satisfies(
                      range ->
                          assertThat(range.getToOffset() - range.getFromOffset()).isEqualTo(3));
              assertThat(shard(job, ref).examples()).containsExactly(first, second, third);
            });
    assertThat(context.forwarded().get(0).record().key()).isEqualTo("acme/support");
  }

  @Test
  void theMinimumNumberOfTokensSealsATenantsJobWithItsOwnThreshold() {
    start(0.0);
    send(text("globex/support", "p-1", "Twenty bytes of text"));
    assertThat(jobs()).isEmpty();
    send(text("globex/support", "p-1", "Twenty more bytes..."));

    assertThat(jobs())
        .singleElement()
        .satisfies(
            job -> {
              assertThat(job.getTrigger()).isEqualTo(JobTrigger.MIN_TOKENS);
              assertThat(job.getShards().get(0).getTokenCount()).isEqualTo(40);
            });
  }

  @Test
  void thePunctuatorSealsWhateverWaitedLongerThanTheMaximumWait() {
    start(0.0);
    context.setCurrentSystemTimeMs(10_000);
    send(text("initech/sales", "p-1", "One lonely example."));
    var punctuator = context.scheduledPunctuators().get(0);
    assertThat(punctuator.getInterval()).isEqualTo(Duration.ofSeconds(1));

    punctuator.getPunctuator().punctuate(14_999);
    assertThat(jobs()).isEmpty();
    punctuator.getPunctuator().punctuate(15_000);

    assertThat(jobs())
        .singleElement()
        .satisfies(
            job -> {
              assertThat(job.getTrigger()).isEqualTo(JobTrigger.MAX_WAIT);
              assertThat(job.getShards().get(0).getExampleCount()).isEqualTo(1);
              assertThat(job.getCreatedAt()).isEqualTo(Instant.ofEpochMilli(15_000));
            });
    punctuator.getPunctuator().punctuate(30_000);
    assertThat(jobs()).hasSize(1);
  }

  @Test
  void heldOutExamplesGoIntoAHeldOutShardAndDoNotCountTowardsTriggers() {
    start(0.4);
    HeldOutSplit split = new HeldOutSplit(0.4);
    List<SourcedExample> heldOut = new ArrayList<>();
    List<SourcedExample> train = new ArrayList<>();
    for (int i = 0; jobs().isEmpty(); i++) {
      SourcedExample sent = send(text("acme/support", "p-" + i, "Fact number " + i + "."));
      (split.isHeldOut(sent.example().getExampleId()) ? heldOut : train).add(sent);
    }

    assertThat(train).hasSize(3);
    assertThat(heldOut).isNotEmpty();
    TrainingJob job = jobs().get(0);
    assertThat(shard(job, job.getShards().get(0)).examples()).containsExactlyElementsOf(train);
    assertThat(job.getHeldOutShards()).hasSize(1);
    assertThat(shard(job, job.getHeldOutShards().get(0)).examples())
        .containsExactlyElementsOf(heldOut);
  }

  @Test
  void sealingTheSameExamplesAgainWritesTheSameBlobsUnderTheSameJobId() {
    List<TrainingJob> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      start(0.3);
      offset = 0;
      for (int i = 0; jobs().isEmpty(); i++) {
        send(text("acme/support", "p-" + i, "Fact number " + i + "."));
      }
      runs.add(jobs().get(0));
    }

    assertThat(runs.get(1)).isEqualTo(runs.get(0));
  }

  @Test
  void laterJobsListEarlierTrainingShardsForReplaySpreadOverTheHistory() {
    start(0.0);
    for (int i = 0; i < 12; i++) {
      send(text("acme/support", "p-1", "Fact number " + i + "."));
    }

    List<TrainingJob> jobs = jobs();
    assertThat(jobs).hasSize(4);
    assertThat(jobs.get(1).getReplayShards()).containsExactly(jobs.get(0).getShards().get(0));
    assertThat(jobs.get(3).getReplayShards())
        .as("at most 2, first and latest")
        .containsExactly(jobs.get(0).getShards().get(0), jobs.get(2).getShards().get(0));
  }

  @Test
  void examplesThatCannotBeTrainedOnAreSkipped() {
    start(0.0);
    TrainingExample empty = text("acme/support", "p-1", "x");
    empty.setText(null);
    TrainingExample foreign = text("acme/support", "p-1", "y");
    foreign.setTenant("globex");
    send(empty);
    send(foreign);
    send(text("acme/support", "p-1", "a"));
    send(text("acme/support", "p-1", "b"));

    assertThat(jobs()).isEmpty();
  }

  @Test
  void anErasureRemovesTheSubjectEverywhereInItsTenantAndRetrainsTheKeysThatTrainedOnIt() {
    start(0.0);
    SourcedExample aliceSupport1 = send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-bob", "Bob likes Quorn."));
    send(text("acme/support", "p-alice", "Alice lives in Quorn."));
    send(text("acme/sales", "p-alice", "Alice bought 3 lamps."));
    send(text("acme/sales", "p-carol", "Carol bought 2 lamps."));
    send(text("acme/sales", "p-carol", "Carol bought 5 lamps."));
    send(text("acme/other", "p-carol", "Carol owns a shop."));
    send(text("globex/support", "p-alice", "Globex's Alice is someone else entirely."));
    send(text("acme/support", "p-bob", "Bob owns a red lamp."));
    send(text("acme/support", "p-bob", "Bob owns a blue lamp."));
    send(text("acme/support", "p-bob", "Bob owns a green lamp."));
    SourcedExample pendingAlice = send(text("acme/support", "p-alice", "Alice is pending."));
    List<TrainingJob> sealed = jobs();
    assertThat(sealed)
        .extracting(TrainingJob::getAdapterKey)
        .containsExactly("acme/support", "acme/sales", "globex/support", "acme/support");
    TrainingJob supportFirst = sealed.get(0);
    TrainingJob supportSecond = sealed.get(3);
    TrainingJob globex = sealed.get(2);
    assertThat(supportSecond.getReplayShards()).containsExactly(supportFirst.getShards().get(0));
    // the worker's candidates and the publisher's releases: v1 from the first job, v2 on top of v1
    candidate("acme/support", supportFirst.getJobId(), null);
    candidate("acme/support", supportSecond.getJobId(), 1);
    release("acme/support", 1, supportFirst.getJobId());
    release("acme/support", 2, supportSecond.getJobId());
    List<Digest> before = artifacts.list();
    context.resetForwards();

    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));

    List<TrainingJob> retraining = jobs();
    assertThat(retraining)
        .extracting(TrainingJob::getAdapterKey)
        .containsExactlyInAnyOrder("acme/support", "acme/sales");
    TrainingJob support =
        retraining.stream()
            .filter(job -> job.getAdapterKey().equals("acme/support"))
            .findFirst()
            .orElseThrow();
    assertThat(support.getTrigger()).isEqualTo(JobTrigger.ERASURE);
    assertThat(support.getErasure().getAffectedVersions()).containsExactly(1, 2);
    assertThat(support.getErasure().getRequestId()).isEqualTo("erase-p-alice");
    assertThat(support.getReplayShards()).isEmpty();
    assertThat(support.getShards()).hasSize(2);
    List<SourcedExample> remaining = new ArrayList<>();
    support.getShards().forEach(ref -> remaining.addAll(shard(support, ref).examples()));
    assertThat(remaining).extracting(e -> e.example().getSubjectPseudonym()).containsOnly("p-bob");
    assertThat(remaining).hasSize(4);
    assertThat(support.getShards().get(0).getOffsetRanges()).hasSize(1);
    TrainingJob sales =
        retraining.stream()
            .filter(job -> job.getAdapterKey().equals("acme/sales"))
            .findFirst()
            .orElseThrow();
    assertThat(sales.getErasure().getAffectedVersions()).isEmpty();
    assertThat(sales.getShards().get(0).getExampleCount()).isEqualTo(2);

    // no blob of acme holds Alice any more; Globex's Alice and everything else is untouched
    for (Digest digest : artifacts.list()) {
      String content = new String(artifacts.read(digest), StandardCharsets.UTF_8);
      assertThat(content).doesNotContain("Alice owns", "Alice lives", "Alice bought");
    }
    assertThat(artifacts.list()).hasSize(before.size());
    assertThat(shard(globex, globex.getShards().get(0)).examples())
        .extracting(e -> e.example().getSubjectPseudonym())
        .containsExactly("p-alice");
    assertThat(artifacts.exists(Digest.parse(supportFirst.getShards().get(0).getDigest())))
        .isFalse();
    // the pending example left too: the next seal holds Bob's examples only
    AccumulatorStores stores = AccumulatorStores.of(context, BASES, IMPORTS);
    assertThat(stores.pending("acme/support")).doesNotContain(pendingAlice, aliceSupport1);
    assertThat(stores.accumulation("acme/support").trainCount()).isZero();
  }

  @Test
  void anErasureOfAllAKeysDataStillNamesItsReleasesInAnErasureJobWithoutShards() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-alice", "Alice likes Quorn."));
    send(text("acme/support", "p-alice", "Alice owns a red lamp."));
    TrainingJob job = jobs().get(0);
    candidate("acme/support", job.getJobId(), null);
    release("acme/support", 1, job.getJobId());
    context.resetForwards();

    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));

    // the worker skips it (NOTHING_TO_TRAIN): the publisher retracts v1 on this record alone
    assertThat(jobs())
        .singleElement()
        .satisfies(
            retrain -> {
              assertThat(retrain.getTrigger()).isEqualTo(JobTrigger.ERASURE);
              assertThat(retrain.getShards()).isEmpty();
              assertThat(retrain.getErasure().getAffectedVersions()).containsExactly(1);
            });
  }

  @Test
  void anErasureJobSupersededByALaterErasureLeavesTheReleasesItWasToReplaceToTheNextOne() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-carol", "Carol likes Quorn."));
    send(text("acme/support", "p-carol", "Carol owns a red lamp."));
    TrainingJob first = jobs().get(0);
    candidate("acme/support", first.getJobId(), null);
    release("acme/support", 1, first.getJobId());
    send(text("acme/support", "p-bob", "Bob owns a blue lamp."));
    send(text("acme/support", "p-dave", "Dave likes Quorn."));
    send(text("acme/support", "p-dave", "Dave owns a green lamp."));
    context.resetForwards();

    // Alice withdraws: v1 held her data, the ERASURE job retrains the key over both shards.
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));
    TrainingJob aliceRetrain = jobs().get(0);
    assertThat(aliceRetrain.getErasure().getAffectedVersions()).containsExactly(1);
    context.resetForwards();

    // Bob withdraws before that retrain ran: it rewrites a shard the retrain trains on, so the
    // worker skips the retrain (SHARD_GONE) and no release or verdict of it will retract v1.
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-bob")), 6_000));
    assertThat(
            aliceRetrain.getShards().stream()
                .anyMatch(ref -> !artifacts.exists(Digest.parse(ref.getDigest()))))
        .isTrue();
    TrainingJob bobRetrain = jobs().get(0);
    assertThat(bobRetrain.getTrigger()).isEqualTo(JobTrigger.ERASURE);
    assertThat(bobRetrain.getErasure().getAffectedVersions())
        .as("v1 holds Alice's data and only this retrain can still replace it")
        .containsExactly(1);
  }

  @Test
  void aBurstOfErasureRequestsReadsEachBlobsHeaderOnceNotOncePerRequest() {
    // Every erasure sweeps the store for orphaned shards. A burst of requests (an app revoking
    // thousands of subjects, or anyone writing to erasures.v1, for subjects that need not exist)
    // must not make the task read the whole store once per request.
    start(0.0);
    send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-bob", "Bob likes Quorn."));
    send(text("acme/support", "p-carol", "Carol owns a red lamp."));
    assertThat(jobs()).hasSize(1);
    // blobs no index entry names: orphaned shards of acme, another tenant's shard, adapter weights
    Digest aliceOrphan = orphan("acme", "p-alice", "Alice is orphaned.");
    Digest daveOrphan = orphan("acme", "p-dave", "Dave is orphaned.");
    Digest erinOrphan = orphan("acme", "p-erin", "Erin is orphaned.");
    Digest globexShard = orphan("globex", "p-alice", "Another tenant's Alice.");
    Digest weights = artifacts.put("adapter weights, no shard".getBytes(StandardCharsets.UTF_8));
    RecordingArtifactStore counting = new RecordingArtifactStore(artifacts);
    processor = new AccumulatorProcessor(settings, counting, decryptor, BASES, IMPORTS, meters);
    processor.init(context);

    int requests = 50;
    for (int i = 0; i < requests; i++) {
      processor.process(
          new Record<>("acme", new ErasureArrived(erasure("acme", "p-nobody-" + i)), 5_000 + i));
    }
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 6_000));
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-dave")), 6_001));

    // the privacy promise holds: no blob of acme holds an erased subject's examples
    assertThat(artifacts.exists(aliceOrphan)).isFalse();
    assertThat(artifacts.exists(daveOrphan)).isFalse();
    assertThat(artifacts.exists(erinOrphan)).isTrue();
    assertThat(artifacts.exists(globexShard)).as("another tenant's shard").isTrue();
    assertThat(artifacts.exists(weights)).isTrue();
    // and the store's headers were read in one pass, not once per request
    Map<Digest, Long> headerReads =
        counting.opened().stream()
            .collect(Collectors.groupingBy(digest -> digest, Collectors.counting()));
    assertThat(headerReads)
        .as("header reads per blob over %d erasure requests", requests + 2)
        .containsEntry(globexShard, 1L)
        .containsEntry(weights, 1L)
        .containsEntry(erinOrphan, 1L)
        .allSatisfy((digest, reads) -> assertThat(reads).isEqualTo(1L));
  }

  /** A shard of one example that no index entry names (a crashed seal leaves one). */
  private Digest orphan(String tenant, String subject, String content) {
    return ShardWriter.write(
        artifacts,
        new Shard(
            tenant,
            tenant + "/support",
            ShardSplit.TRAIN,
            null,
            List.of(at(1, offset++, text(tenant + "/support", subject, content)))));
  }

  @Test
  void anErasureNamesItsRequestNotTheSubjectInLogsJobsAndTheAccumulatorsState() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-bob", "Bob likes Quorn."));
    send(text("acme/support", "p-bob", "Bob owns a red lamp."));
    TrainingJob first = jobs().get(0);
    candidate("acme/support", first.getJobId(), null);
    release("acme/support", 1, first.getJobId());
    // a shard a crashed seal left behind, which no index entry names: the sweeper deletes it
    Digest orphan =
        ShardWriter.write(
            artifacts,
            new Shard(
                "acme",
                "acme/support",
                ShardSplit.TRAIN,
                null,
                List.of(at(1, 0, text("acme/support", "p-alice", "Alice is orphaned.")))));
    context.resetForwards();

    String logged;
    try (LogCapture logs = new LogCapture()) {
      processor.process(
          new Record<>("acme", new ErasureArrived(opaqueErasure("acme", "p-alice")), 5_000));
      logged = logs.text();
    }

    assertThat(artifacts.exists(orphan)).isFalse();
    assertThat(logged)
        .as("what the accumulator logged about the erasure")
        .contains("erasure-17", "acme")
        .doesNotContain("p-alice");
    TrainingJob retrain = jobs().get(0);
    assertThat(retrain.getErasure().getRequestId()).isEqualTo("erasure-17");
    assertThat(retrain.toString()).as("the ERASURE job").doesNotContain("p-alice");
    // the accumulator's stores are changelogged (compacted: an entry stays for good)
    AccumulatorStores stores = AccumulatorStores.of(context, BASES, IMPORTS);
    assertThat(stores.releases("acme/support"))
        .singleElement()
        .satisfies(release -> assertThat(release.erasedBy()).isNotNull());
    assertThat(stores.jobs("acme/support"))
        .filteredOn(job -> job.value.supersededBy() != null)
        .isNotEmpty();
    assertThat(changelogText(stores, "acme/support"))
        .as("the key's job and release entries as their changelogs hold them")
        .contains("erasure-17")
        .doesNotContain("p-alice");
  }

  /** The key's job and release entries in the bytes their changelog topics would hold. */
  private static String changelogText(AccumulatorStores stores, String adapterKey) {
    JsonSerde<JobEntry> jobSerde = new JsonSerde<>(JobEntry.class);
    JsonSerde<ReleaseEntry> releaseSerde = new JsonSerde<>(ReleaseEntry.class);
    StringBuilder text = new StringBuilder();
    stores
        .jobs(adapterKey)
        .forEach(
            job ->
                text.append(
                    new String(
                        jobSerde.serializer().serialize("jobs", job.value),
                        StandardCharsets.UTF_8)));
    stores
        .releases(adapterKey)
        .forEach(
            release ->
                text.append(
                    new String(
                        releaseSerde.serializer().serialize("releases", release),
                        StandardCharsets.UTF_8)));
    return text.toString();
  }

  @Test
  void aReleaseThatShowsUpAfterAnErasureOfItsDataGetsAnErasureJobOfItsOwn() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-bob", "Bob likes Quorn."));
    send(text("acme/support", "p-bob", "Bob owns a red lamp."));
    TrainingJob job = jobs().get(0);
    candidate("acme/support", job.getJobId(), null);
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));
    context.resetForwards();

    release("acme/support", 1, job.getJobId());
    release("acme/support", 1, job.getJobId());

    assertThat(jobs())
        .singleElement()
        .satisfies(
            retrain -> {
              assertThat(retrain.getTrigger()).isEqualTo(JobTrigger.ERASURE);
              assertThat(retrain.getErasure().getAffectedVersions()).containsExactly(1);
              assertThat(retrain.getShards().get(0).getExampleCount()).isEqualTo(2);
            });
  }

  @Test
  void anErasurePurgesTheWeightsOfEveryCandidateTrainedOnTheErasedDataThatWasNeverReleased() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-bob", "Bob likes Quorn."));
    send(text("acme/support", "p-bob", "Bob owns a red lamp."));
    // the second job trains on Bob alone but replays the first job's shard, which holds Alice
    send(text("acme/support", "p-bob", "Bob owns a blue lamp."));
    send(text("acme/support", "p-bob", "Bob owns a green lamp."));
    send(text("acme/support", "p-bob", "Bob owns a grey lamp."));
    send(text("acme/sales", "p-carol", "Carol bought 2 lamps."));
    send(text("acme/sales", "p-carol", "Carol bought 5 lamps."));
    send(text("acme/sales", "p-carol", "Carol bought 7 lamps."));
    List<TrainingJob> sealed = jobs();
    TrainingJob first = sealed.get(0);
    TrainingJob second = sealed.get(1);
    TrainingJob sales = sealed.get(2);
    assertThat(second.getReplayShards()).containsExactly(first.getShards().get(0));
    FolderIndex.StoredFolder released = adapter("v1 weights");
    FolderIndex.StoredFolder refused = adapter("refused weights");
    FolderIndex.StoredFolder clean = adapter("sales weights");
    candidate("acme/support", first.getJobId(), null, released);
    release("acme/support", 1, first.getJobId());
    candidate("acme/support", second.getJobId(), 1, refused);
    candidate("acme/sales", sales.getJobId(), null, clean);
    context.resetForwards();

    processor.process(
        new Record<>("acme", new ErasureArrived(opaqueErasure("acme", "p-alice")), 5_000));

    assertThat(blobsOf(refused)).noneMatch(artifacts::exists);
    // the configuration holds no trained values and every adapter here shares it
    assertThat(artifacts.exists(Digest.parse(configOf(refused)))).isTrue();
    // the release is the publisher's to retract and purge; the sales candidate holds no Alice
    assertThat(blobsOf(released)).allMatch(artifacts::exists);
    assertThat(blobsOf(clean)).allMatch(artifacts::exists);
    String candidateId = JobIds.candidateId(second.getJobId());
    // ingest names a request after the consent change, never after its subject
    assertThat(audits())
        .singleElement()
        .satisfies(
            audit -> {
              assertThat(audit.getAdapterKey()).isEqualTo("acme/support");
              assertThat(audit.getStage()).isEqualTo(AuditStage.TRAINER);
              assertThat(audit.getAction()).isEqualTo("candidate-weights-purged");
              assertThat(audit.getActor()).isEqualTo("trainer-test");
              assertThat(audit.getDetails())
                  .containsEntry("candidateId", candidateId)
                  .containsEntry("jobId", second.getJobId())
                  .containsEntry("erasureRequestId", "erasure-17")
                  .containsEntry("keptShared", "");
              assertThat(audit.getDetails().get("purgedBlobs").split(","))
                  .containsExactlyInAnyOrderElementsOf(
                      blobsOf(refused).stream().map(Digest::toString).toList());
              assertThat(audit.toString()).doesNotContain("p-alice");
            });
    assertThat(
            AccumulatorStores.of(context, BASES, IMPORTS)
                .candidate("acme/support", candidateId)
                .weightsPurgedBy())
        .isEqualTo("erasure-17");
    assertThat(
            meters
                .counter("perennial.trainer.erasures", "outcome", "candidate-weights-purged")
                .count())
        .isEqualTo(1.0);

    // the same erasure again (a re-run after a crash, or a repeated request) purges nothing twice
    context.resetForwards();
    processor.process(
        new Record<>("acme", new ErasureArrived(opaqueErasure("acme", "p-alice")), 6_000));
    assertThat(audits()).isEmpty();
  }

  @Test
  void aCandidateOfAnErasedJobOrOnTopOfAnErasedReleaseIsPurgedWhenItsLineageIsKnown() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-bob", "Bob likes Quorn."));
    send(text("acme/support", "p-bob", "Bob owns a red lamp."));
    TrainingJob first = jobs().get(0);
    // a candidate trained on top of v1, seen before v1's own record
    FolderIndex.StoredFolder onTop = adapter("on top of v1");
    String laterJob = "acme/support@7-0123456789ab";
    candidate("acme/support", laterJob, 1, onTop);
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));
    assertThat(audits()).isEmpty();

    // the worker was still training the erased job: its candidate comes after the erasure
    FolderIndex.StoredFolder late = adapter("trained while erasing");
    candidate("acme/support", first.getJobId(), null, late);
    assertThat(blobsOf(late)).noneMatch(artifacts::exists);
    assertThat(blobsOf(onTop)).allMatch(artifacts::exists);

    // ... and was released before its weights went (the publisher retracts it: an ERASURE job)
    release("acme/support", 1, first.getJobId());
    assertThat(blobsOf(onTop)).noneMatch(artifacts::exists);
    assertThat(audits())
        .extracting(audit -> audit.getDetails().get("candidateId"))
        .containsExactly(JobIds.candidateId(first.getJobId()), JobIds.candidateId(laterJob));
  }

  @Test
  void aPurgeThatWaitedForAReleasesBlobsGoesAheadOnceARecordOfThatVersionNamesThem() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-bob", "Bob likes Quorn."));
    send(text("acme/support", "p-bob", "Bob owns a red lamp."));
    TrainingJob first = jobs().get(0);
    FolderIndex.StoredFolder erased = adapter("trained on Alice");
    candidate("acme/support", first.getJobId(), null, erased);
    // v1, learnt from a record that named no blobs, of a candidate this state never saw
    FolderIndex.StoredFolder released = adapter("released long ago");
    String oldJob = "acme/support@0-0123456789ab";
    release("acme/support", 1, oldJob);

    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));
    // v1 might hold the same blobs: nothing is purged while they are unknown
    assertThat(audits()).isEmpty();
    assertThat(blobsOf(erased)).allMatch(artifacts::exists);

    // a later record of v1 names its blobs: the purge that waited goes ahead at once
    processor.process(
        new Record<>(
            "acme",
            new ReleaseArrived(
                "acme/support",
                1,
                JobIds.candidateId(oldJob),
                List.of(),
                CandidateWeights.of(released.location(), released.fileDigests())),
            6_000));
    assertThat(blobsOf(erased)).noneMatch(artifacts::exists);
    assertThat(blobsOf(released)).allMatch(artifacts::exists);
    assertThat(audits())
        .extracting(audit -> audit.getDetails().get("candidateId"))
        .containsExactly(JobIds.candidateId(first.getJobId()));
  }

  @Test
  void weightsAWorkerStoredButNeverCommittedAreDeletedByTheErasureOfASubjectWhoseDataTrainedThem() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-bob", "Bob likes Quorn."));
    send(text("acme/support", "p-bob", "Bob owns a red lamp."));
    send(text("acme/sales", "p-carol", "Carol bought 2 lamps."));
    send(text("acme/sales", "p-carol", "Carol bought 5 lamps."));
    send(text("acme/sales", "p-carol", "Carol bought 7 lamps."));
    TrainingJob support = jobs().get(0);
    TrainingJob sales = jobs().get(1);
    // the worker stores the adapter, then is killed before its transaction commits the candidate
    AdapterCandidate killed = train(support, 7);
    assertThat(weightBlobs(killed)).allMatch(artifacts::exists);
    // the job is read again and trained into other bytes (a GPU's kernels are not deterministic;
    // here another seed), which the candidate names
    AdapterCandidate retrained = train(support, 8);
    assertThat(weightBlobs(retrained)).doesNotContainAnyElementsOf(weightBlobs(killed));
    committed(retrained);
    AdapterCandidate clean = train(sales, 7);
    committed(clean);

    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));

    // no record names the killed attempt's weights, but Alice's data trained them
    assertThat(weightBlobs(killed)).noneMatch(artifacts::exists);
    assertThat(weightBlobs(retrained)).noneMatch(artifacts::exists);
    assertThat(clean.getFileDigests().values()).map(Digest::parse).allMatch(artifacts::exists);
    assertThat(artifacts.exists(Digest.parse(clean.getLocation()))).isTrue();
  }

  @Test
  void weightsOfAJobStillInFlightAreKeptByAnErasureAndDeletedOnceTheWorkerSettlesTheJob() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-bob", "Bob likes Quorn."));
    send(text("acme/support", "p-bob", "Bob owns a red lamp."));
    TrainingJob support = jobs().get(0);
    // stored by a worker that has not committed yet (or was killed and the job not yet retried)
    AdapterCandidate stored = train(support, 7);

    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));
    // whether a worker is about to commit them cannot be told yet
    assertThat(weightBlobs(stored)).allMatch(artifacts::exists);

    // the worker (the one that stored them, or the one that read the job again) finds the job's
    // shard rewritten and gives it up: no candidate will ever name them
    givenUp("acme/support", support.getJobId(), "SKIPPED");
    assertThat(weightBlobs(stored)).noneMatch(artifacts::exists);
  }

  /**
   * The worker's training of {@code job} with {@code seed}, stored into the accumulator's store.
   */
  private AdapterCandidate train(TrainingJob job, long seed) {
    Map<String, String> values = TestConfigs.tinyRecipe(folder.resolve("worker-" + seed));
    values.put(TrainerConfig.RECIPE_SEED_CONFIG, Long.toString(seed));
    JobTrainer worker = JobTrainer.from(new TrainerConfig(values), artifacts, DeviceChoice.CPU);
    return worker.train(job, Optional.empty(), StepListener.NONE).candidate();
  }

  /** The candidate on candidates.v1, as the accumulator's topology reads it. */
  private void committed(AdapterCandidate candidate) {
    processor.process(
        new Record<>(
            candidate.getTenant(),
            new CandidateArrived(
                candidate.getAdapterKey(),
                candidate.getCandidateId(),
                candidate.getJobId(),
                candidate.getParentVersion(),
                null,
                CandidateWeights.of(candidate.getLocation(), candidate.getFileDigests())),
            3_000));
  }

  /** The blobs that make a candidate's adapter readable: its folder index and trained weights. */
  private static List<Digest> weightBlobs(AdapterCandidate candidate) {
    return CandidateWeights.of(candidate.getLocation(), candidate.getFileDigests()).stream()
        .map(Digest::parse)
        .toList();
  }

  private static final byte[] CONFIG = "{\"r\": 4}".getBytes(StandardCharsets.UTF_8);

  /** An adapter folder in the store: a shared configuration and weights of its own. */
  private FolderIndex.StoredFolder adapter(String weights) {
    return FolderIndex.store(
        artifacts,
        Map.of(
            "adapter_config.json",
            CONFIG,
            "adapter_model.safetensors",
            weights.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Digest> blobsOf(FolderIndex.StoredFolder adapter) {
    return List.of(
        Digest.parse(adapter.location()),
        Digest.parse(adapter.fileDigests().get("adapter_model.safetensors")));
  }

  private static String configOf(FolderIndex.StoredFolder adapter) {
    return adapter.fileDigests().get("adapter_config.json");
  }

  private void candidate(
      String adapterKey, String jobId, Integer parent, FolderIndex.StoredFolder adapter) {
    processor.process(
        new Record<>(
            "acme",
            new CandidateArrived(
                adapterKey,
                JobIds.candidateId(jobId),
                jobId,
                parent,
                null,
                CandidateWeights.of(adapter.location(), adapter.fileDigests())),
            3_000));
  }

  @Test
  void anImportGetsExactlyOneImportJobOverTheKeysCurrentShardsWithoutTheErasedSubjectsData() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice's Zix lamp is teal."));
    send(text("acme/support", "p-bob", "The Zix lamp costs 9 dollars."));
    send(text("acme/support", "p-bob", "The Zix lamp is made in Quorn."));
    send(text("acme/support", "p-bob", "The Zix lamp weighs 2 kilograms."));
    send(text("acme/support", "p-carol", "The Zix lamp ships from Varn."));
    send(text("acme/support", "p-carol", "The Zix lamp has a blue switch."));
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));
    int before = jobs().size();

    put(imports, IMPORTS, "acme/support", adapterImport("acme/support", "import-1"));
    processor.sealExpired(10_000);
    processor.sealExpired(20_000);

    List<TrainingJob> planned = jobs().subList(before, jobs().size());
    assertThat(planned)
        .singleElement()
        .satisfies(
            job -> {
              assertThat(job.getTrigger()).isEqualTo(JobTrigger.IMPORT);
              assertThat(job.getAdapterImport().getImportId()).isEqualTo("import-1");
              assertThat(job.getAdapterImport().getSource()).isEqualTo("hf:acme/support-lora");
              assertThat(job.getShards()).hasSize(2);
              assertThat(job.getReplayShards()).isEmpty();
              assertThat(
                      job.getShards().stream().flatMap(ref -> shard(job, ref).examples().stream()))
                  .hasSize(5)
                  .allMatch(e -> !e.example().getSubjectPseudonym().equals("p-alice"));
            });
    // a new import of the key (another id) is planned once more
    put(imports, IMPORTS, "acme/support", adapterImport("acme/support", "import-2"));
    processor.sealExpired(30_000);
    processor.sealExpired(40_000);
    assertThat(jobs().stream().filter(job -> job.getTrigger() == JobTrigger.IMPORT))
        .extracting(job -> job.getAdapterImport().getImportId())
        .containsExactly("import-1", "import-2");
  }

  @Test
  void anImportForAKeyWithoutDataIsPlannedWithTheKeysFirstJob() {
    start(0.0);
    put(imports, IMPORTS, "acme/support", adapterImport("acme/support", "import-1"));
    processor.sealExpired(10_000);
    assertThat(jobs()).isEmpty();

    send(text("acme/support", "p-bob", "The Zix lamp costs 9 dollars."));
    send(text("acme/support", "p-bob", "The Zix lamp is made in Quorn."));
    send(text("acme/support", "p-bob", "The Zix lamp weighs 2 kilograms."));
    processor.sealExpired(20_000);

    assertThat(jobs())
        .extracting(TrainingJob::getTrigger)
        .containsExactly(JobTrigger.MIN_EXAMPLES, JobTrigger.IMPORT);
    assertThat(jobs().get(1).getShards()).isEqualTo(jobs().get(0).getShards());
  }

  @Test
  void anImportFiledUnderAnotherKeyThanItNamesIsIgnored() {
    start(0.0);
    send(text("acme/support", "p-bob", "The Zix lamp costs 9 dollars."));
    send(text("acme/support", "p-bob", "The Zix lamp is made in Quorn."));
    send(text("acme/support", "p-bob", "The Zix lamp weighs 2 kilograms."));

    put(imports, IMPORTS, "acme/support", adapterImport("globex/support", "import-1"));
    processor.sealExpired(10_000);
    processor.sealExpired(20_000);

    assertThat(jobs()).extracting(TrainingJob::getTrigger).containsExactly(JobTrigger.MIN_EXAMPLES);
  }

  private static AdapterImport adapterImport(String adapterKey, String importId) {
    return AdapterImport.newBuilder()
        .setImportId(importId)
        .setAdapterKey(adapterKey)
        .setLocation("sha256:" + NEW)
        .setBaseModelName("perennial-tiny")
        .setBaseModelDigest("sha256:" + OLD)
        .setSource("hf:acme/support-lora")
        .setFileDigests(Map.of())
        .setImportedBy("operator")
        .setImportedAt(Instant.ofEpochMilli(9_000))
        .build();
  }

  @Test
  void anAnnouncedBaseGetsExactlyOneRebaseJobPerKeyWithAStableReleaseOnTheOldBase() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice's Zix lamp is teal."));
    send(text("acme/support", "p-bob", "The Zix lamp costs 9 dollars."));
    send(text("acme/support", "p-bob", "The Zix lamp is made in Quorn."));
    String jobId = jobs().get(0).getJobId();
    candidate("acme/support", jobId, null);
    releaseWithStable("acme/support", 1, jobId, OLD);
    // acme/faq has a release, but its stable fell away (retracted): nothing to re-base
    releaseWithStable("acme/faq", 1, "acme/faq@1-x", null);
    // an erasure before the announcement: the rebase job must not hold the subject's data, in its
    // shards or in the release it moves (v1 learnt it: the release of its retraining moves)
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));
    String retrainId = jobs().get(jobs().size() - 1).getJobId();
    candidate("acme/support", retrainId, null);
    releaseWithStable("acme/support", 2, retrainId, OLD);
    int before = jobs().size();

    put(bases, BASES, "perennial-tiny-2", announcement());
    processor.sealExpired(10_000);
    processor.sealExpired(20_000);
    releaseWithStable("acme/support", 2, retrainId, OLD);

    List<TrainingJob> rebases =
        jobs().subList(before, jobs().size()).stream()
            .filter(job -> job.getTrigger() == JobTrigger.REBASE)
            .toList();
    assertThat(rebases).hasSize(1);
    TrainingJob rebase = rebases.get(0);
    assertThat(rebase.getAdapterKey()).isEqualTo("acme/support");
    assertThat(rebase.getRebase().getToBase().getName()).isEqualTo("perennial-tiny-2");
    assertThat(rebase.getRebase().getFromBase().getDigest()).isEqualTo("sha256:" + OLD);
    assertThat(rebase.getRebase().getSourceRelease().getVersion()).isEqualTo(2);
    assertThat(rebase.getRebase().getSourceRelease().getBaseModelLocation())
        .isEqualTo("bundled:perennial-tiny");
    assertThat(rebase.getShards()).isNotEmpty();
    for (ShardRef ref : rebase.getShards()) {
      assertThat(shard(rebase, ref).examples())
          .allMatch(e -> !e.example().getSubjectPseudonym().equals("p-alice"));
    }
    // once the key has a stable release on the new base, nothing more is planned
    releaseWithStable("acme/support", 3, rebase.getJobId(), NEW);
    processor.sealExpired(30_000);
    assertThat(jobs().stream().filter(job -> job.getTrigger() == JobTrigger.REBASE)).hasSize(1);
  }

  @Test
  void aReleaseHoldingAnErasedSubjectsDataIsNotReBasedButTheReleaseOfItsRetrainingIs() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice's Zix lamp is teal."));
    send(text("acme/support", "p-bob", "The Zix lamp costs 9 dollars."));
    send(text("acme/support", "p-bob", "The Zix lamp is made in Quorn."));
    String jobId = jobs().get(0).getJobId();
    candidate("acme/support", jobId, null);
    releaseWithStable("acme/support", 1, jobId, OLD);
    // v1 learnt Alice's example; her erasure retrains the key, and v1 stays stable until then
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));
    TrainingJob retrain = jobs().get(jobs().size() - 1);
    assertThat(retrain.getTrigger()).isEqualTo(JobTrigger.ERASURE);

    put(bases, BASES, "perennial-tiny-2", announcement());
    processor.sealExpired(10_000);
    processor.sealExpired(20_000);
    assertThat(rebaseJobs()).as("v1 holds the erased subject's data").isEmpty();

    // the retraining released as v2 on the old base: v2 is re-based
    candidate("acme/support", retrain.getJobId(), null);
    releaseWithStable("acme/support", 2, retrain.getJobId(), OLD);
    processor.sealExpired(30_000);
    assertThat(rebaseJobs()).hasSize(1);
    assertThat(rebaseJobs().get(0).getRebase().getSourceRelease().getVersion()).isEqualTo(2);
  }

  @Test
  void aCarryOverRefusedAfterAnErasureOfItsReleasesDataIsNotDistilledFromThatRelease() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice's Zix lamp is teal."));
    send(text("acme/support", "p-bob", "The Zix lamp costs 9 dollars."));
    send(text("acme/support", "p-bob", "The Zix lamp is made in Quorn."));
    String jobId = jobs().get(0).getJobId();
    candidate("acme/support", jobId, null);
    releaseWithStable("acme/support", 1, jobId, OLD);
    put(bases, BASES, "perennial-tiny-2", announcement());
    processor.sealExpired(10_000);
    TrainingJob carry = rebaseJobs().get(0);

    // Alice's erasure while the carry-over trains: its candidate fails lineage (its shards are
    // gone), but v1, which learnt her example, is the old base's stable until its retraining
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 11_000));
    refused("acme/support", carry.getJobId());
    processor.sealExpired(20_000);

    assertThat(rebaseJobs()).as("no distillation taught by v1").hasSize(1);
  }

  @Test
  void aRefusedCarryOverIsDistilledOnceAndARefusedDistillationIsNot() {
    keyReleasedOnTheOldBaseThenAnnounced();
    TrainingJob carry = jobs().get(jobs().size() - 1);
    assertThat(carry.getRebase().getDistil()).isFalse();

    refused("acme/support", carry.getJobId());
    refused("acme/support", carry.getJobId());
    TrainingJob distil = jobs().get(jobs().size() - 1);
    assertThat(distil.getTrigger()).isEqualTo(JobTrigger.REBASE);
    assertThat(distil.getJobId()).isNotEqualTo(carry.getJobId());
    assertThat(distil.getRebase().getDistil()).isTrue();
    assertThat(distil.getRebase().getToBase()).isEqualTo(carry.getRebase().getToBase());
    assertThat(distil.getRebase().getSourceRelease().getVersion()).isEqualTo(1);
    assertThat(distil.getShards()).isEqualTo(carry.getShards());

    // the distillation refused too: nothing more is planned (until the base is announced again)
    refused("acme/support", distil.getJobId());
    processor.sealExpired(20_000);
    assertThat(jobs().stream().filter(job -> job.getTrigger() == JobTrigger.REBASE)).hasSize(2);
  }

  @Test
  void anUndecidedRebaseIsPlannedAgainOnlyOnceTheKeysHeldOutPoolHasGrown() {
    start(0.4);
    TrainingJob first = sealJobs("acme/support", 1).get(0);
    assertThat(first.getHeldOutShards()).hasSize(1);
    candidate("acme/support", first.getJobId(), null);
    releaseWithStable("acme/support", 1, first.getJobId(), OLD);
    put(bases, BASES, "perennial-tiny-2", announcement());
    processor.sealExpired(10_000);
    TrainingJob rebase = jobs().get(jobs().size() - 1);
    assertThat(rebase.getTrigger()).isEqualTo(JobTrigger.REBASE);
    assertThat(rebase.getHeldOutShards()).isEqualTo(first.getHeldOutShards());

    // undecided: nothing rolls and, on the same pool, nothing is planned again
    insufficient("acme/support", rebase.getJobId());
    insufficient("acme/support", rebase.getJobId());
    processor.sealExpired(20_000);
    assertThat(jobs()).hasSize(2);

    // the key's next job adds a held-out shard: the rebase follows it, over the grown pool
    List<TrainingJob> after = sealJobs("acme/support", 3);
    TrainingJob next = after.get(2);
    assertThat(next.getTrigger()).isEqualTo(JobTrigger.MIN_EXAMPLES);
    assertThat(next.getCarriedJobs()).as("a REBASE job's data never rolls").isEmpty();
    assertThat(after).hasSize(4);
    TrainingJob again = after.get(3);
    assertThat(again.getTrigger()).isEqualTo(JobTrigger.REBASE);
    assertThat(again.getJobId()).isNotEqualTo(rebase.getJobId());
    assertThat(again.getRebase().getDistil()).isFalse();
    assertThat(again.getRebase().getToBase()).isEqualTo(rebase.getRebase().getToBase());
    assertThat(again.getHeldOutShards())
        .containsAll(first.getHeldOutShards())
        .containsAll(next.getHeldOutShards())
        .hasSize(2);

    // pending its verdict, a further seal plans nothing more
    processor.sealExpired(30_000);
    sealJobs("acme/support", 5);
    assertThat(jobs().stream().filter(job -> job.getTrigger() == JobTrigger.REBASE)).hasSize(2);
  }

  @Test
  void anUndecidedRebaseWaitsForTwiceTheHeldOutShardsItWasJudgedOn() {
    start(0.4);
    List<TrainingJob> ordinary = sealJobs("acme/support", 2);
    candidate("acme/support", ordinary.get(1).getJobId(), null);
    releaseWithStable("acme/support", 1, ordinary.get(1).getJobId(), OLD);
    put(bases, BASES, "perennial-tiny-2", announcement());
    processor.sealExpired(10_000);
    TrainingJob rebase = jobs().get(jobs().size() - 1);
    assertThat(rebase.getTrigger()).isEqualTo(JobTrigger.REBASE);
    assertThat(rebase.getHeldOutShards()).hasSize(2);
    insufficient("acme/support", rebase.getJobId());

    // a third held-out shard is not twice the two it was judged on: no new try
    assertThat(sealJobs("acme/support", 4)).hasSize(4);
    assertThat(jobs().stream().filter(job -> job.getTrigger() == JobTrigger.REBASE)).hasSize(1);

    // the fourth is: one more try, over all four
    List<TrainingJob> after = sealJobs("acme/support", 5);
    assertThat(after).hasSize(6);
    TrainingJob again = after.get(5);
    assertThat(again.getTrigger()).isEqualTo(JobTrigger.REBASE);
    assertThat(again.getHeldOutShards()).hasSize(4).containsAll(rebase.getHeldOutShards());
  }

  @Test
  void announcingTheBaseAgainRetriesAKeyWhoseDistillationWasRefusedCarryingOverFirst() {
    keyReleasedOnTheOldBaseThenAnnounced();
    TrainingJob carry = jobs().get(jobs().size() - 1);
    refused("acme/support", carry.getJobId());
    TrainingJob distil = jobs().get(jobs().size() - 1);
    assertThat(distil.getRebase().getDistil()).isTrue();
    refused("acme/support", distil.getJobId());
    processor.sealExpired(20_000);
    assertThat(rebaseJobs()).as("refused both ways: the key waits").hasSize(2);

    // the operator announces the base again: the key starts over, carrying over first
    put(bases, BASES, "perennial-tiny-2", announcement(Instant.ofEpochMilli(30_000)));
    processor.sealExpired(30_000);
    processor.sealExpired(40_000);
    assertThat(rebaseJobs()).hasSize(3);
    TrainingJob again = jobs().get(jobs().size() - 1);
    assertThat(again.getRebase().getDistil()).isFalse();
    assertThat(again.getJobId()).isNotIn(carry.getJobId(), distil.getJobId());
    assertThat(again.getRebase().getSourceRelease().getVersion()).isEqualTo(1);

    // refused again, it is distilled again: once per announcement
    refused("acme/support", again.getJobId());
    refused("acme/support", again.getJobId());
    assertThat(rebaseJobs()).hasSize(4);
    assertThat(jobs().get(jobs().size() - 1).getRebase().getDistil()).isTrue();
  }

  @Test
  void anAnnouncementRepeatedWhileARebaseIsInFlightWaitsForItsVerdict() {
    keyReleasedOnTheOldBaseThenAnnounced();
    TrainingJob rebase = jobs().get(jobs().size() - 1);

    put(bases, BASES, "perennial-tiny-2", announcement(Instant.ofEpochMilli(15_000)));
    processor.sealExpired(20_000);
    assertThat(rebaseJobs()).as("its try has no verdict yet").hasSize(1);

    // undecided on the same held-out pool: the announcement since makes it try again, once
    insufficient("acme/support", rebase.getJobId());
    processor.sealExpired(30_000);
    processor.sealExpired(40_000);
    assertThat(rebaseJobs()).hasSize(2);
    assertThat(jobs().get(jobs().size() - 1).getRebase().getDistil()).isFalse();

    // once on the new base, a further announcement plans nothing
    releaseWithStable("acme/support", 2, jobs().get(jobs().size() - 1).getJobId(), NEW);
    put(bases, BASES, "perennial-tiny-2", announcement(Instant.ofEpochMilli(50_000)));
    processor.sealExpired(50_000);
    assertThat(rebaseJobs()).hasSize(2);
  }

  @Test
  void aRebaseTheWorkerGaveUpOnIsReBasedWhenTheBaseIsAnnouncedAgainNotAtOnce() {
    keyReleasedOnTheOldBaseThenAnnounced();
    TrainingJob rebase = jobs().get(jobs().size() - 1);

    // skipped by the worker (its candidate never comes): settled, but nothing is planned at once,
    // nor a distillation as after a refused carry-over
    givenUp("acme/support", rebase.getJobId(), "SKIPPED TOKENIZER_CHANGED");
    processor.sealExpired(20_000);
    processor.sealExpired(30_000);
    assertThat(rebaseJobs()).as("no plan-skip-plan loop").hasSize(1);

    // the operator announces the base again: the key is re-based, once
    put(bases, BASES, "perennial-tiny-2", announcement(Instant.ofEpochMilli(35_000)));
    processor.sealExpired(40_000);
    processor.sealExpired(50_000);
    assertThat(rebaseJobs()).hasSize(2);
    assertThat(jobs().get(jobs().size() - 1).getRebase().getDistil()).isFalse();
  }

  @Test
  void aNewerReleaseOnTheOldBaseIsReBasedOnceTheWorkerGaveTheKeysLastRebaseUp() {
    keyReleasedOnTheOldBaseThenAnnounced();
    TrainingJob first = jobs().get(jobs().size() - 1);

    // the old base releases v2 while the rebase of v1 trains, which then fails on every attempt
    releaseWithStables("acme/support", 2, "acme/support@9-x", Map.of(OLD, 2));
    processor.sealExpired(20_000);
    assertThat(rebaseJobs()).as("the rebase of v1 is in flight").hasSize(1);
    givenUp("acme/support", first.getJobId(), "FAILED");
    givenUp("acme/support", first.getJobId(), "FAILED");
    processor.sealExpired(30_000);
    processor.sealExpired(40_000);

    assertThat(rebaseJobs()).hasSize(2);
    TrainingJob second = jobs().get(jobs().size() - 1);
    assertThat(second.getRebase().getSourceRelease().getVersion()).isEqualTo(2);
    assertThat(second.getRebase().getDistil()).isFalse();
  }

  @Test
  void aCarryOverRefusedAfterTheBaseWasAnnouncedAgainIsDistilledOnceAndThenRetried() {
    keyReleasedOnTheOldBaseThenAnnounced();
    TrainingJob carry = jobs().get(jobs().size() - 1);
    put(bases, BASES, "perennial-tiny-2", announcement(Instant.ofEpochMilli(15_000)));

    // the carry-over's own distillation follows its refusal, once however often it is told
    refused("acme/support", carry.getJobId());
    refused("acme/support", carry.getJobId());
    processor.sealExpired(20_000);
    assertThat(rebaseJobs()).hasSize(2);
    TrainingJob distil = jobs().get(jobs().size() - 1);
    assertThat(distil.getRebase().getDistil()).isTrue();

    // refused too: the newer announcement now starts the key over
    refused("acme/support", distil.getJobId());
    processor.sealExpired(30_000);
    processor.sealExpired(40_000);
    assertThat(rebaseJobs()).hasSize(3);
    assertThat(jobs().get(jobs().size() - 1).getRebase().getDistil()).isFalse();
  }

  @Test
  void aNewerReleaseOnTheOldBaseIsReBasedOnceTheKeysLastRebaseIsDecided() {
    keyReleasedOnTheOldBaseThenAnnounced();
    TrainingJob first = jobs().get(jobs().size() - 1);
    assertThat(first.getRebase().getSourceRelease().getVersion()).isEqualTo(1);

    // workers still on the old base release v2 there while the rebase of v1 is in flight
    releaseWithStables("acme/support", 2, "acme/support@9-x", Map.of(OLD, 2));
    processor.sealExpired(20_000);
    assertThat(rebaseJobs()).as("the rebase of v1 has no verdict yet").hasSize(1);

    // v1 moved as v3; v2 on the old base is newer than what moved: v2 is re-based, once
    releaseWithStables("acme/support", 3, first.getJobId(), Map.of(OLD, 2, NEW, 3));
    processor.sealExpired(30_000);
    processor.sealExpired(40_000);
    assertThat(rebaseJobs()).hasSize(2);
    TrainingJob second = jobs().get(jobs().size() - 1);
    assertThat(second.getRebase().getSourceRelease().getVersion()).isEqualTo(2);
    assertThat(second.getRebase().getDistil()).isFalse();

    // once it moved (v4 on the new base), the new base is current: nothing more
    releaseWithStables("acme/support", 4, second.getJobId(), Map.of(OLD, 2, NEW, 4));
    processor.sealExpired(50_000);
    assertThat(rebaseJobs()).hasSize(2);

    // an erasure's retraining on the old base (v5) retracted the new base's releases: moved again
    releaseWithStables("acme/support", 5, "acme/support@10-e", Map.of(OLD, 5));
    processor.sealExpired(60_000);
    assertThat(rebaseJobs()).hasSize(3);
    assertThat(jobs().get(jobs().size() - 1).getRebase().getSourceRelease().getVersion())
        .isEqualTo(5);

    // it moved as v6; the new base's own later releases need no rebase
    TrainingJob third = jobs().get(jobs().size() - 1);
    releaseWithStables("acme/support", 6, third.getJobId(), Map.of(OLD, 5, NEW, 6));
    releaseWithStables("acme/support", 7, "acme/support@11-y", Map.of(OLD, 5, NEW, 7));
    processor.sealExpired(70_000);
    assertThat(rebaseJobs()).hasSize(3);
  }

  @Test
  void aRebaseThatMovedANewerReleaseThanPlannedIsNotPlannedAgainForIt() {
    keyReleasedOnTheOldBaseThenAnnounced();
    TrainingJob planned = jobs().get(jobs().size() - 1);
    // v2 came out on the old base before the worker took the job up: the candidate moved v2
    releaseWithStables("acme/support", 2, "acme/support@9-x", Map.of(OLD, 2));
    processor.process(
        new Record<>(
            "acme",
            new CandidateArrived(
                "acme/support",
                JobIds.candidateId(planned.getJobId()),
                planned.getJobId(),
                null,
                2),
            5_000));
    releaseWithStables("acme/support", 3, planned.getJobId(), Map.of(OLD, 2, NEW, 3));
    processor.sealExpired(30_000);

    assertThat(rebaseJobs()).as("v2 is on the new base already").hasSize(1);
  }

  @Test
  void aLaggingMoveIsDistilledWhenRefusedAndRetriedWhenTheBaseIsAnnouncedAgain() {
    keyReleasedOnTheOldBaseThenAnnounced();
    TrainingJob carry = jobs().get(jobs().size() - 1);
    refused("acme/support", carry.getJobId());
    TrainingJob distil = jobs().get(jobs().size() - 1);
    assertThat(distil.getRebase().getDistil()).isTrue();
    // v1 moved by distillation as v2; then the old base released v3
    releaseWithStables("acme/support", 2, distil.getJobId(), Map.of(OLD, 1, NEW, 2));
    releaseWithStables("acme/support", 3, "acme/support@9-x", Map.of(OLD, 3, NEW, 2));
    processor.sealExpired(20_000);
    assertThat(rebaseJobs()).hasSize(3);
    TrainingJob lag = jobs().get(jobs().size() - 1);
    assertThat(lag.getRebase().getSourceRelease().getVersion()).isEqualTo(3);
    assertThat(lag.getRebase().getDistil()).isFalse();

    // its carry-over refused, v3 is distilled in turn, once however often it is told
    refused("acme/support", lag.getJobId());
    refused("acme/support", lag.getJobId());
    assertThat(rebaseJobs()).hasSize(4);
    TrainingJob lagDistil = jobs().get(jobs().size() - 1);
    assertThat(lagDistil.getRebase().getDistil()).isTrue();
    assertThat(lagDistil.getRebase().getSourceRelease().getVersion()).isEqualTo(3);

    // refused too: the new base keeps v2 until the base is announced again, then v3 moves again
    refused("acme/support", lagDistil.getJobId());
    processor.sealExpired(30_000);
    assertThat(rebaseJobs()).hasSize(4);
    put(bases, BASES, "perennial-tiny-2", announcement(Instant.ofEpochMilli(40_000)));
    processor.sealExpired(40_000);
    processor.sealExpired(50_000);
    assertThat(rebaseJobs()).hasSize(5);
    TrainingJob again = jobs().get(jobs().size() - 1);
    assertThat(again.getRebase().getDistil()).isFalse();
    assertThat(again.getRebase().getSourceRelease().getVersion()).isEqualTo(3);

    // undecided, it waits for the next announcement; moved, nothing more is planned
    insufficient("acme/support", again.getJobId());
    processor.sealExpired(60_000);
    assertThat(rebaseJobs()).hasSize(5);
    put(bases, BASES, "perennial-tiny-2", announcement(Instant.ofEpochMilli(70_000)));
    processor.sealExpired(70_000);
    assertThat(rebaseJobs()).hasSize(6);
    TrainingJob last = jobs().get(jobs().size() - 1);
    releaseWithStables("acme/support", 4, last.getJobId(), Map.of(OLD, 3, NEW, 4));
    put(bases, BASES, "perennial-tiny-2", announcement(Instant.ofEpochMilli(80_000)));
    processor.sealExpired(80_000);
    assertThat(rebaseJobs()).hasSize(6);
  }

  @Test
  void aBaseAnnouncedAsTheSuccessorOfItsOwnSuccessorMovesEachKeyBackOnceInsteadOfBackAndForth() {
    keyReleasedOnTheOldBaseThenAnnounced();
    TrainingJob forth = jobs().get(jobs().size() - 1);
    releaseWithStables("acme/support", 2, forth.getJobId(), Map.of(OLD, 1, NEW, 2));

    // the operator goes back: perennial-tiny announced as the successor of perennial-tiny-2
    put(
        bases,
        BASES,
        "perennial-tiny",
        BaseAnnouncement.newBuilder()
            .setName("perennial-tiny")
            .setDigest("sha256:" + OLD)
            .setLocation("bundled:perennial-tiny")
            .setSucceeds(
                new BaseRef("perennial-tiny-2", "sha256:" + NEW, "bundled:perennial-tiny-2"))
            .setAnnouncedBy("test")
            .setAnnouncedAt(Instant.ofEpochMilli(20_000))
            .build());
    processor.sealExpired(30_000);
    assertThat(rebaseJobs()).hasSize(2);
    TrainingJob back = jobs().get(jobs().size() - 1);
    assertThat(back.getRebase().getToBase().getDigest()).isEqualTo("sha256:" + OLD);
    assertThat(back.getRebase().getSourceRelease().getVersion()).isEqualTo(2);

    // v2 moved back as v3: the earlier announcement (the other way) does not move v3 forth again
    releaseWithStables("acme/support", 3, back.getJobId(), Map.of(OLD, 3, NEW, 2));
    processor.sealExpired(40_000);
    processor.sealExpired(50_000);
    assertThat(rebaseJobs()).hasSize(2);
  }

  /** A release of the key whose record gives its stable release on each base: digest to version. */
  private void releaseWithStables(
      String adapterKey, int version, String jobId, Map<String, Integer> stableOn) {
    List<StableOnBase> stables =
        stableOn.entrySet().stream()
            .map(
                e ->
                    new StableOnBase(
                        e.getKey(),
                        e.getKey().equals(OLD) ? "perennial-tiny" : "perennial-tiny-2",
                        e.getValue(),
                        "sha256:" + "ef".repeat(32),
                        "m" + e.getValue()))
            .toList();
    processor.process(
        new Record<>(
            "acme",
            new ReleaseArrived(adapterKey, version, JobIds.candidateId(jobId), stables),
            4_000));
  }

  /** acme/support's first job released as v1 on the old base, then perennial-tiny-2 announced. */
  private void keyReleasedOnTheOldBaseThenAnnounced() {
    start(0.0);
    send(text("acme/support", "p-bob", "The Zix lamp is teal."));
    send(text("acme/support", "p-bob", "The Zix lamp costs 9 dollars."));
    send(text("acme/support", "p-bob", "The Zix lamp is made in Quorn."));
    String jobId = jobs().get(0).getJobId();
    candidate("acme/support", jobId, null);
    releaseWithStable("acme/support", 1, jobId, OLD);
    put(bases, BASES, "perennial-tiny-2", announcement());
    processor.sealExpired(10_000);
  }

  private List<TrainingJob> rebaseJobs() {
    return jobs().stream().filter(job -> job.getTrigger() == JobTrigger.REBASE).toList();
  }

  private void givenUp(String adapterKey, String jobId, String outcome) {
    processor.process(new Record<>("acme", new JobGivenUp(adapterKey, jobId, outcome), 6_000));
  }

  private void refused(String adapterKey, String jobId) {
    processor.process(
        new Record<>(
            "acme", new RebaseRefused(adapterKey, JobIds.candidateId(jobId), jobId), 6_000));
  }

  private static BaseAnnouncement announcement() {
    return announcement(Instant.EPOCH);
  }

  private static BaseAnnouncement announcement(Instant announcedAt) {
    return BaseAnnouncement.newBuilder()
        .setName("perennial-tiny-2")
        .setDigest("sha256:" + NEW)
        .setLocation("bundled:perennial-tiny-2")
        .setSucceeds(new BaseRef("perennial-tiny", "sha256:" + OLD, "bundled:perennial-tiny"))
        .setAnnouncedBy("test")
        .setAnnouncedAt(announcedAt)
        .build();
  }

  private void releaseWithStable(String adapterKey, int version, String jobId, String base) {
    List<StableOnBase> stables =
        base == null
            ? List.of()
            : List.of(
                new StableOnBase(
                    base,
                    base.equals(OLD) ? "perennial-tiny" : "perennial-tiny-2",
                    version,
                    "sha256:" + "ef".repeat(32),
                    "m" + version));
    processor.process(
        new Record<>(
            "acme",
            new ReleaseArrived(adapterKey, version, JobIds.candidateId(jobId), stables),
            4_000));
  }

  @Test
  void aJobWithInsufficientEvidenceRollsItsDataIntoTheKeysNextJobExactlyOnce() {
    start(0.4);
    List<TrainingJob> sealed = sealJobs("acme/support", 1);
    TrainingJob first = sealed.get(0);
    assertThat(first.getHeldOutShards()).hasSize(1);
    assertThat(first.getHeldOutPool()).isEqualTo(first.getHeldOutShards());
    candidate("acme/support", first.getJobId(), null);
    insufficient("acme/support", first.getJobId());
    insufficient("acme/support", first.getJobId());

    TrainingJob second = sealJobs("acme/support", 2).get(1);
    TrainingJob third = sealJobs("acme/support", 3).get(2);

    assertThat(second.getCarriedJobs()).containsExactly(first.getJobId());
    assertThat(second.getShards()).hasSize(2).contains(first.getShards().get(0));
    assertThat(second.getHeldOutShards()).containsAll(first.getHeldOutShards());
    assertThat(second.getReplayShards()).as("carried, not replayed").isEmpty();
    assertThat(second.getHeldOutPool()).containsAll(second.getHeldOutShards());
    assertThat(third.getCarriedJobs()).as("carried once").isEmpty();
    assertThat(third.getShards()).hasSize(1);
    assertThat(third.getReplayShards()).contains(first.getShards().get(0));
    assertThat(third.getHeldOutPool())
        .containsAll(second.getHeldOutShards())
        .containsAll(third.getHeldOutShards());

    // the second job's data (which holds the first's) rolls on, naming both
    insufficient("acme/support", second.getJobId());
    TrainingJob fourth = sealJobs("acme/support", 4).get(3);
    assertThat(fourth.getCarriedJobs()).containsExactly(first.getJobId(), second.getJobId());
    assertThat(fourth.getShards()).hasSize(3).containsAll(second.getShards());
  }

  @Test
  void anInsufficientVerdictOnAReleasedCandidateRollsNothing() {
    start(0.4);
    TrainingJob first = sealJobs("acme/support", 1).get(0);
    candidate("acme/support", first.getJobId(), null);
    release("acme/support", 1, first.getJobId());
    // its candidate read again by the evaluator after the release, and judged undecided
    insufficient("acme/support", first.getJobId());

    TrainingJob second = sealJobs("acme/support", 2).get(1);

    assertThat(second.getCarriedJobs()).isEmpty();
    assertThat(second.getShards()).hasSize(1).doesNotContainAnyElementsOf(first.getShards());
  }

  @Test
  void anErasureJobTakesTheDataThatWasToRollAndAVerdictAfterItCarriesNothing() {
    start(0.0);
    send(text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(text("acme/support", "p-bob", "Bob likes Quorn."));
    send(text("acme/support", "p-bob", "Bob owns a red lamp."));
    TrainingJob first = jobs().get(0);
    send(text("acme/support", "p-bob", "Bob owns a blue lamp."));
    send(text("acme/support", "p-bob", "Bob owns a green lamp."));
    send(text("acme/support", "p-bob", "Bob owns a pink lamp."));
    TrainingJob second = jobs().get(1);
    insufficient("acme/support", first.getJobId());
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));
    TrainingJob retrain = jobs().get(2);
    insufficient("acme/support", second.getJobId());

    TrainingJob next = sealJobs("acme/support", 4).get(3);

    assertThat(retrain.getTrigger()).isEqualTo(JobTrigger.ERASURE);
    assertThat(retrain.getCarriedJobs()).containsExactly(first.getJobId());
    assertThat(next.getCarriedJobs()).as("both are in the ERASURE job already").isEmpty();
    assertThat(next.getShards()).hasSize(1);
  }

  /** Sends examples of the key until it has {@code count} jobs; returns every job so far. */
  private List<TrainingJob> sealJobs(String adapterKey, int count) {
    for (int i = 0; jobs().size() < count; i++) {
      send(text(adapterKey, "p-" + i, "Fact " + offset + " of " + adapterKey + "."));
    }
    return jobs();
  }

  private void insufficient(String adapterKey, String jobId) {
    processor.process(
        new Record<>(
            "acme", new InsufficientEvidence(adapterKey, JobIds.candidateId(jobId), jobId), 4_500));
  }

  private void candidate(String adapterKey, String jobId, Integer parent) {
    processor.process(
        new Record<>(
            "acme",
            new CandidateArrived(adapterKey, JobIds.candidateId(jobId), jobId, parent),
            3_000));
  }

  private void release(String adapterKey, int version, String jobId) {
    processor.process(
        new Record<>(
            "acme", new ReleaseArrived(adapterKey, version, JobIds.candidateId(jobId)), 4_000));
  }

  @Test
  void encryptedExamplesAreCountedWithoutTheirKeysAndSealedDecrypted() {
    start(0.0);
    TrainingExample first = text("acme/support", "p-1", "The Zix lamp is teal.");
    TrainingExample second = text("acme/support", "p-2", "The Zix lamp costs 9 dollars.");
    TrainingExample third = text("acme/support", "p-1", "The Zix lamp is made in Quorn.");
    send(encrypted(first));
    send(encrypted(second));
    send(encrypted(third));

    TrainingJob job = jobs().get(0);
    assertThat(job.getShards().get(0).getTokenCount())
        .isEqualTo(
            ("The Zix lamp is teal.The Zix lamp costs 9 dollars.The Zix lamp is made in Quorn.")
                .length());
    assertThat(shard(job, job.getShards().get(0)).trainingExamples())
        .containsExactly(first, second, third);
  }

  @Test
  void examplesWhoseSubjectsKeyWasErasedBeforeTheSealAreDroppedNotSealed() {
    start(0.0);
    send(encrypted(text("acme/support", "p-1", "The Zix lamp is teal.")));
    send(encrypted(text("acme/support", "p-2", "Bob's secret Zix fact.")));
    keys.apply(SubjectKeyRecords.recordKey("acme", "p-2"), null);
    send(encrypted(text("acme/support", "p-1", "The Zix lamp is made in Quorn.")));

    TrainingJob job = jobs().get(0);
    assertThat(job.getShards().get(0).getExampleCount()).isEqualTo(2);
    assertThat(shard(job, job.getShards().get(0)).subjects()).containsExactly("p-1");
    assertThat(meters.get("perennial.trainer.examples").tag("outcome", "erased").counter().count())
        .isEqualTo(1);
  }

  @Test
  void anExampleInTheClearThatReachesTheAccumulatorAfterItsSubjectsErasureIsDroppedNotSealed() {
    start(0.0);
    // Ingest erases Alice: her key's tombstone, in the transaction of the erasure request.
    keys.apply(SubjectKeyRecords.recordKey("acme", "p-alice"), null);
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));
    // An example an ingest before encryption wrote in the clear, before she revoked, read only
    // now: examples.v1 and erasures.v1 are read by different tasks upstream of the repartition
    // topic, so nothing orders the two.
    send(text("acme/support", "p-alice", "Alice's fact from before encryption."));
    send(encrypted(text("acme/support", "p-bob", "Bob likes Quorn.")));
    send(encrypted(text("acme/support", "p-bob", "Bob owns a red lamp.")));

    TrainingJob job = jobs().get(0);
    assertThat(shard(job, job.getShards().get(0)).subjects()).containsExactly("p-bob");
    for (Digest digest : artifacts.list()) {
      assertThat(new String(artifacts.read(digest), StandardCharsets.UTF_8))
          .doesNotContain("Alice's fact");
    }
    assertThat(examples("erased")).isEqualTo(1);
  }

  @Test
  void anErasureForgetsTheSubjectsKey() {
    start(0.0);
    send(encrypted(text("acme/support", "p-alice", "Alice's Zix fact.")));
    String keyId = ingest.made(SubjectKeyRecords.recordKey("acme", "p-alice")).record().getKeyId();
    assertThat(keys.dataKey("acme", "p-alice", keyId)).isPresent();

    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));

    assertThat(keys.dataKey("acme", "p-alice", keyId)).isEmpty();
    assertThat(examples("erased")).isEqualTo(1);
  }

  @Test
  void anErasureReachingTheAccumulatorAfterTheSubjectGrantedAgainLeavesTheNewGrantsKeyInUse() {
    start(0.0);
    String alice = SubjectKeyRecords.recordKey("acme", "p-alice");
    send(encrypted(text("acme/support", "p-alice", "Alice's fact before she revoked.")));
    // Ingest: Alice revokes (her key's tombstone, in the transaction of the erasure request),
    // grants again, and her next example gets a new key. The key log has all of it ...
    keys.apply(alice, null);
    SubjectKeyRecords.NewKey regranted =
        SubjectKeyRecords.create(TestConfig.masterKeys(), "acme", "p-alice", Instant.EPOCH);
    keys.apply(alice, regranted.record());
    // ... before the accumulator gets to the erasure request (a backlog after a restart, or a
    // lagging task upstream of the repartition topic).
    processor.process(new Record<>("acme", new ErasureArrived(erasure("acme", "p-alice")), 5_000));
    TrainingExample granted = text("acme/support", "p-alice", "Alice's fact under her new grant.");
    send(ExampleCrypto.encrypt(granted, regranted.record().getKeyId(), regranted.dataKey()));
    TrainingExample bob = text("acme/support", "p-bob", "Bob likes Quorn.");
    TrainingExample bobAgain = text("acme/support", "p-bob", "Bob owns a red lamp.");
    send(encrypted(bob));
    send(encrypted(bobAgain));

    TrainingJob job = jobs().get(0);
    assertThat(shard(job, job.getShards().get(0)).trainingExamples())
        .as("Alice consents again: what she shares under the new grant is trained on")
        .containsExactly(granted, bob, bobAgain);
    assertThat(examples("erased")).isEqualTo(1);
  }

  @Test
  void anExampleWhoseKeyIsStillInFlightWaitsForItAndIsSealedOnceItCame() {
    start(0.0);
    TrainingExample alice = text("acme/support", "p-1", "The Zix lamp is teal.");
    TrainingExample bob = text("acme/support", "p-2", "The Zix lamp costs 9 dollars.");
    TrainingExample third = text("acme/support", "p-1", "The Zix lamp is made in Quorn.");
    send(encrypted(alice));
    SubjectKeyRecords.NewKey bobsKey = newKey(bob, TestConfig.masterKeys());
    send(ExampleCrypto.encrypt(bob, bobsKey.record().getKeyId(), bobsKey.dataKey()));
    keys.inFlight(SubjectKeyRecords.recordKey("acme", "p-2"));

    // bob's key is in a transaction on the key log not decided yet: the seal stops, loudly
    Throwable failure = catchThrowable(() -> send(encrypted(third)));
    assertThat(failure)
        .isInstanceOf(SubjectKeyMissingException.class)
        .hasMessageContaining(bobsKey.record().getKeyId())
        .hasMessageNotContaining("Zix");
    assertThat(TrainerAccumulator.isOutage(new StreamsException(failure)))
        .as("waited out, not a failure")
        .isTrue();
    assertThat(decryptor.missingKeys()).isEqualTo(1);
    assertThat(jobs()).isEmpty();
    assertThat(examples("erased") + examples("undecryptable")).isZero();

    keys.apply(SubjectKeyRecords.recordKey("acme", "p-2"), bobsKey.record());
    TrainingExample fourth = text("acme/support", "p-1", "The Zix lamp weighs 2 kg.");
    send(encrypted(fourth));

    TrainingJob job = jobs().get(0);
    assertThat(shard(job, job.getShards().get(0)).trainingExamples())
        .containsExactly(alice, bob, third, fourth);
    assertThat(decryptor.missingKeys()).isZero();
  }

  @Test
  void anExampleWrappedByAMasterKeyTheAccumulatorLacksFailsItAndStaysPending() {
    start(0.0);
    TrainingExample alice = text("acme/support", "p-1", "The Zix lamp is teal.");
    MasterKeys unknown =
        MasterKeys.parse("k-new=" + Base64.getEncoder().encodeToString(new byte[32]));
    SubjectKeyRecords.NewKey alicesKey = newKey(alice, unknown);
    keys.apply(SubjectKeyRecords.recordKey("acme", "p-1"), alicesKey.record());
    send(ExampleCrypto.encrypt(alice, alicesKey.record().getKeyId(), alicesKey.dataKey()));
    send(encrypted(text("acme/support", "p-2", "The Zix lamp costs 9 dollars.")));

    Throwable failure =
        catchThrowable(
            () -> send(encrypted(text("acme/support", "p-2", "The Zix lamp is made in Quorn."))));
    assertThat(failure)
        .isInstanceOf(MasterKeyMissingException.class)
        .hasMessageContaining("master key k-new is not among the configured ones");
    assertThat(TrainerAccumulator.isOutage(new StreamsException(failure)))
        .as("a configuration error fails the accumulator")
        .isFalse();
    assertThat(jobs()).isEmpty();
    assertThat(examples("erased") + examples("undecryptable")).isZero();
    assertThat(pendingCount()).isEqualTo(3);
  }

  private double examples(String outcome) {
    return meters.get("perennial.trainer.examples").tag("outcome", outcome).counter().count();
  }

  private long pendingCount() {
    KeyValueStore<String, SourcedExample> pending =
        context.getStateStore(AccumulatorStores.PENDING);
    try (var all = pending.all()) {
      long count = 0;
      while (all.hasNext()) {
        all.next();
        count++;
      }
      return count;
    }
  }

  private static SubjectKeyRecords.NewKey newKey(TrainingExample example, MasterKeys masterKeys) {
    return SubjectKeyRecords.create(
        masterKeys, example.getTenant(), example.getSubjectPseudonym(), Instant.EPOCH);
  }

  private TrainingExample encrypted(TrainingExample example) {
    return ingest.encrypted(example);
  }

  private static ErasureRequest opaqueErasure(String tenant, String subject) {
    ErasureRequest request = erasure(tenant, subject);
    request.setRequestId("erasure-17");
    return request;
  }

  private static ErasureRequest erasure(String tenant, String subject) {
    return ErasureRequest.newBuilder()
        .setRequestId("erase-" + subject)
        .setTenant(tenant)
        .setSubjectPseudonym(subject)
        .setRevokedAt(Instant.ofEpochMilli(4_500))
        .setSource(new SourceRef("perennial.consent.v1", 0, 1L))
        .build();
  }

  @Test
  void anExampleWhoseAdapterKeyIsNoValidKeyIsSkippedAndTheMaxWaitPunctuationRuns() {
    // "acme/Support" starts with its tenant's "acme/" but is no adapter key (upper case): were it
    // pending, the punctuation would ask the production triggers for the tenant of no valid key.
    start(0.0);
    TrainerConfig config = new TrainerConfig(TestConfigs.tinyRecipe(folder));
    processor =
        new AccumulatorProcessor(
            AccumulatorSettings.from(config), artifacts, decryptor, BASES, IMPORTS, meters);
    processor.init(context);
    TrainingExample invalidKey = text("acme/support", "p-1", "The Zix lamp is teal.");
    invalidKey.setAdapterKey("acme/Support");
    send(invalidKey);

    processor.sealExpired(1_000 + Duration.ofHours(2).toMillis());

    assertThat(examples("skipped")).isEqualTo(1);
    assertThat(pendingCount()).isZero();
  }
}
