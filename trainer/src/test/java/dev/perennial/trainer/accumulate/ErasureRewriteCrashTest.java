package dev.perennial.trainer.accumulate;

import static dev.perennial.trainer.testing.Examples.at;
import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyMap;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerEvent.ErasureArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ExampleArrived;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.config.TriggerSettings;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardReader;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import dev.perennial.trainer.testing.RecordingArtifactStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accumulator killed inside an exactly-once transaction that processed erasures: its state
 * stores roll back to the last commit (their changelogs are read in committed), its input is read
 * again, but what it did to the artifact store stays. The re-run must end where one run would.
 */
class ErasureRewriteCrashTest {

  private static final Topic<String, BaseAnnouncement> BASES =
      new Topic<>("perennial.bases.v1", Serdes.String(), null);
  private static final Topic<String, AdapterImport> IMPORTS =
      new Topic<>("perennial.imports.v1", Serdes.String(), null);

  @TempDir Path folder;

  private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
  private LocalArtifactStore artifacts;
  private long offset;

  @Test
  void twoErasuresRewritingOneShardInATransactionThatDiesLeaveTheOtherSubjectsExamplesIndexed() {
    AccumulatorProcessor processor = start();
    send(processor, text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(processor, text("acme/support", "p-bob", "Bob likes Quorn."));
    send(processor, text("acme/support", "p-carol", "Carol owns a red lamp."));
    assertThat(shards()).singleElement().satisfies(s -> assertThat(s.subjects()).hasSize(3));
    Map<String, Map<String, Object>> committed = snapshot();

    // one transaction: both requests rewrite the shard (X -> X1 -> X2), deleting X and X1; killed
    erase(processor, "p-alice");
    erase(processor, "p-bob");
    assertThat(shards())
        .singleElement()
        .satisfies(s -> assertThat(s.subjects()).containsExactly("p-carol"));

    // restarted: the state as last committed, the two requests read again
    restore(committed);
    AccumulatorProcessor restarted = start();
    erase(restarted, "p-alice");
    erase(restarted, "p-bob");

    assertThat(shards())
        .as("the key's indexed shards after the re-run")
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.subjects()).containsExactly("p-carol");
              Shard shard =
                  ShardReader.read(artifacts, Digest.parse(entry.digest()), "acme", "acme/support");
              assertThat(shard.trainingExamples())
                  .extracting(TrainingExample::getSubjectPseudonym)
                  .containsExactly("p-carol");
              // no leftover of the transaction that died: the store holds the indexed shard only
              assertThat(artifacts.list()).containsExactly(Digest.parse(entry.digest()));
            });
    assertThat(context.forwarded())
        .as("each request's ERASURE job, as the run that died sent them")
        .extracting(forward -> forward.record().value())
        .filteredOn(TrainingJob.class::isInstance)
        .map(job -> ((TrainingJob) job).getErasure().getRequestId())
        .containsExactly("erase-p-alice", "erase-p-bob");
  }

  @Test
  void aReRunOpensEachStoredBlobAFixedNumberOfTimesNotOncePerShardItFindsRewritten() {
    AccumulatorProcessor processor = start();
    int shardCount = 6;
    for (int shard = 0; shard < shardCount; shard++) {
      send(processor, text("acme/support", "p-alice", "Alice owns lamp " + shard + "."));
      send(processor, text("acme/support", "p-bob", "Bob likes Quorn " + shard + "."));
      send(processor, text("acme/support", "p-carol", "Carol owns a red lamp " + shard + "."));
    }
    assertThat(shards()).hasSize(shardCount);
    Map<String, Map<String, Object>> committed = snapshot();
    // the transaction that rewrote every shard dies (a crash, or the coordinator aborting it past
    // transaction.timeout.ms): the index names the old blobs, the store holds only the rewrites
    erase(processor, "p-alice");
    restore(committed);

    RecordingArtifactStore recording = new RecordingArtifactStore(artifacts);
    AccumulatorProcessor restarted = start(recording);
    erase(restarted, "p-alice");

    assertThat(shards())
        .hasSize(shardCount)
        .allSatisfy(entry -> assertThat(entry.subjects()).containsExactly("p-bob", "p-carol"));
    // The re-run's cost must not grow with (shards found rewritten) x (blobs in the store): at a
    // few hundred shards that took longer than Streams' 10 s transaction timeout, so the re-run
    // was aborted and re-run again, forever. Each blob: its header once to find the rewrites, its
    // content once to take it over, its header once more by the orphan sweep.
    Map<Digest, Long> opens =
        recording.reads().stream()
            .collect(Collectors.groupingBy(digest -> digest, Collectors.counting()));
    assertThat(opens.values()).as("reads of each blob in the re-run").allMatch(count -> count <= 3);
  }

  @Test
  void aSealKilledWhileWritingItsShardLeavesNoReadableTextOfASubjectItsErasureRemoves()
      throws IOException {
    AccumulatorProcessor processor = start();
    send(processor, text("acme/support", "p-alice", "Alice owns a teal lamp."));
    send(processor, text("acme/support", "p-bob", "Bob likes Quorn."));
    Map<String, Map<String, Object>> committed = snapshot();
    // the third example seals the shard: killed while its blob was written, before the rename
    send(processor, text("acme/support", "p-carol", "Carol owns a red lamp."));
    Digest sealed = Digest.parse(shards().get(0).digest());
    byte[] content = artifacts.read(sealed);
    artifacts.delete(sealed);
    Path unfinished = Files.createTempFile(artifacts.root().resolve("tmp"), "write-", ".partial");
    Files.write(unfinished, Arrays.copyOf(content, content.length - 16));
    assertThat(filesHolding("Alice owns a teal lamp.")).containsExactly(unfinished);

    // restarted: the state as last committed, the third example read again and sealed again
    restore(committed);
    offset--;
    AccumulatorProcessor restarted = start();
    send(restarted, text("acme/support", "p-carol", "Carol owns a red lamp."));
    assertThat(shards()).singleElement().satisfies(s -> assertThat(s.subjects()).hasSize(3));
    erase(restarted, "p-alice");

    assertThat(shards())
        .singleElement()
        .satisfies(s -> assertThat(s.subjects()).containsExactly("p-bob", "p-carol"));
    assertThat(filesHolding("Alice owns a teal lamp."))
        .as("files under the artifact store holding the erased subject's text")
        .isEmpty();
  }

  @Test
  void anErasureKeepsTheUnfinishedWritesOfAnotherTenantsShardsAndOfBlobsThatAreNoShard()
      throws IOException {
    AccumulatorProcessor processor = start();
    send(processor, text("acme/support", "p-alice", "Alice owns a teal lamp."));
    // writes another process may still be making: a shard of globex, adapter weights, and a
    // shard of acme cut before its header ended (which holds no example)
    byte[] globex =
        ShardWriter.encode(
            new Shard(
                "globex",
                "globex/support",
                ShardSplit.TRAIN,
                null,
                List.of(at(0, 7, text("globex/support", "p-alice", "Globex's Alice.")))));
    byte[] acme =
        ShardWriter.encode(
            new Shard(
                "acme",
                "acme/support",
                ShardSplit.TRAIN,
                null,
                List.of(at(0, 8, text("acme/support", "p-alice", "Alice again.")))));
    List<Path> kept =
        List.of(
            unfinished(globex),
            unfinished("adapter weights, no shard".getBytes(StandardCharsets.UTF_8)),
            unfinished(Arrays.copyOf(acme, 24)));

    erase(processor, "p-alice");

    assertThat(kept).allMatch(Files::isRegularFile);
    assertThat(artifacts.unfinishedWrites()).containsExactlyInAnyOrderElementsOf(kept);
  }

  /** A write of {@code content} that never finished, as a process killed in it leaves it. */
  private Path unfinished(byte[] content) throws IOException {
    Path file = Files.createTempFile(artifacts.root().resolve("tmp"), "write-", ".partial");
    Files.write(file, content);
    return file;
  }

  /** Every file under the artifact store's folder whose bytes hold {@code text}. */
  private List<Path> filesHolding(String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(artifacts.root())) {
      List<Path> holding = new ArrayList<>();
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (indexOf(Files.readAllBytes(file), needle) >= 0) {
          holding.add(file);
        }
      }
      return holding;
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }

  private AccumulatorProcessor start() {
    artifacts = new LocalArtifactStore(folder.resolve("artifacts"));
    return start(artifacts);
  }

  /** The processor on {@code blobs} (over {@link #artifacts}). */
  private AccumulatorProcessor start(ArtifactStore blobs) {
    context.setCurrentSystemTimeMs(1_000);
    if (context.getStateStore(AccumulatorStores.SHARDS) == null) {
      for (StoreBuilder<?> builder : AccumulatorStores.builders(Stores::inMemoryKeyValueStore)) {
        StateStore store = builder.withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
      }
      for (StoreBuilder<KeyValueStore<String, byte[]>> builder :
          List.of(
              AccumulatorStores.basesStore(Stores::inMemoryKeyValueStore),
              AccumulatorStores.importsStore(Stores::inMemoryKeyValueStore))) {
        KeyValueStore<String, byte[]> store = builder.build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
      }
    }
    AccumulatorSettings settings =
        new AccumulatorSettings(
            tenant -> new TriggerSettings(3, 100_000, Duration.ofMinutes(10)),
            0.0,
            2,
            TrainerConfig.REBASE_RETRY_GROWTH_DEFAULT,
            Duration.ofSeconds(1),
            "trainer-test",
            1024 * 1024);
    AccumulatorProcessor processor =
        new AccumulatorProcessor(
            settings,
            blobs,
            new ExampleDecryptor(new SubjectKeyMap(TestConfig.masterKeys())),
            BASES,
            IMPORTS,
            new SimpleMeterRegistry());
    processor.init(context);
    return processor;
  }

  private void send(AccumulatorProcessor processor, TrainingExample example) {
    processor.process(
        new Record<>(
            example.getTenant(), new ExampleArrived(at(0, offset++, example)), 1_000 + offset));
  }

  private static void erase(AccumulatorProcessor processor, String subject) {
    ErasureRequest request =
        ErasureRequest.newBuilder()
            .setRequestId("erase-" + subject)
            .setTenant("acme")
            .setSubjectPseudonym(subject)
            .setRevokedAt(Instant.ofEpochMilli(4_500))
            .setSource(new SourceRef("perennial.consent.v1", 0, 1L))
            .build();
    processor.process(new Record<>("acme", new ErasureArrived(request), 5_000));
  }

  private List<ShardEntry> shards() {
    return AccumulatorStores.of(context, BASES, IMPORTS).shards("acme/support").stream()
        .map(entry -> entry.value)
        .toList();
  }

  private static final List<String> STORES =
      List.of(
          AccumulatorStores.PENDING,
          AccumulatorStores.ACCUMULATION,
          AccumulatorStores.SHARDS,
          AccumulatorStores.JOBS,
          AccumulatorStores.CANDIDATES,
          AccumulatorStores.RELEASES,
          AccumulatorStores.STABLES);

  /** Every task store's entries, as a commit leaves them in the changelogs. */
  private Map<String, Map<String, Object>> snapshot() {
    Map<String, Map<String, Object>> stores = new HashMap<>();
    for (String name : STORES) {
      KeyValueStore<String, Object> store = context.getStateStore(name);
      Map<String, Object> entries = new HashMap<>();
      try (KeyValueIterator<String, Object> all = store.all()) {
        all.forEachRemaining(entry -> entries.put(entry.key, entry.value));
      }
      stores.put(name, entries);
    }
    return stores;
  }

  /** The task stores as restored from their changelogs after the transaction aborted. */
  private void restore(Map<String, Map<String, Object>> snapshot) {
    for (String name : STORES) {
      KeyValueStore<String, Object> store = context.getStateStore(name);
      List<String> keys = new ArrayList<>();
      try (KeyValueIterator<String, Object> all = store.all()) {
        all.forEachRemaining(entry -> keys.add(entry.key));
      }
      keys.forEach(store::delete);
      snapshot.get(name).forEach((key, value) -> store.put(key, value));
    }
    context.resetForwards();
  }
}
