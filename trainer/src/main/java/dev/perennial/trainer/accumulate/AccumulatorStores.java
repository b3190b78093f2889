package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.SourcedExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The accumulator's state, per tenant task, in six key-value stores with changelogs. Keys start
 * with the adapter key and a NUL separator, so one prefix scan finds everything of a key and {@code
 * tenant/} everything of a tenant; numbers are zero-padded so they sort.
 *
 * <ul>
 *   <li>{@value #PENDING}: {@code key, topic, partition, offset} to the pending example;
 *   <li>{@value #ACCUMULATION}: {@code key} to its {@link KeyAccumulation};
 *   <li>{@value #SHARDS}: {@code key, shard sequence} to the {@link ShardEntry} (the index of the
 *       key's stored shards);
 *   <li>{@value #JOBS}: {@code key, job sequence} to the {@link JobEntry};
 *   <li>{@value #CANDIDATES}: {@code key, candidate id} to the {@link CandidateEntry};
 *   <li>{@value #RELEASES}: {@code key, version} to the {@link ReleaseEntry}.
 * </ul>
 */
public final class AccumulatorStores {

  public static final String PENDING = "trainer-pending-store";
  public static final String ACCUMULATION = "trainer-accumulation-store";
  public static final String SHARDS = "trainer-shard-store";
  public static final String JOBS = "trainer-job-store";
  public static final String CANDIDATES = "trainer-candidate-store";
  public static final String RELEASES = "trainer-release-store";
  public static final String STABLES = "trainer-stable-store";

  /** The global store of announced bases ({@code bases.v1}), in every task. */
  public static final String BASES = "trainer-bases-store";

  /** The global store of adapter imports ({@code imports.v1}), in every task. */
  public static final String IMPORTS = "trainer-imports-store";

  private static final String SEPARATOR = "\u0000";
  private static final StringSerializer PREFIX_SERIALIZER = new StringSerializer();

  private final KeyValueStore<String, SourcedExample> pending;
  private final KeyValueStore<String, KeyAccumulation> accumulation;
  private final KeyValueStore<String, ShardEntry> shards;
  private final KeyValueStore<String, JobEntry> jobs;
  private final KeyValueStore<String, CandidateEntry> candidates;
  private final KeyValueStore<String, ReleaseEntry> releases;
  private final KeyValueStore<String, KeyStables> stables;
  private final GlobalStoreReader<BaseAnnouncement> bases;
  private final GlobalStoreReader<AdapterImport> imports;

  private AccumulatorStores(
      ProcessorContext<?, ?> context,
      Topic<String, BaseAnnouncement> basesTopic,
      Topic<String, AdapterImport> importsTopic) {
    this.pending = context.getStateStore(PENDING);
    this.accumulation = context.getStateStore(ACCUMULATION);
    this.shards = context.getStateStore(SHARDS);
    this.jobs = context.getStateStore(JOBS);
    this.candidates = context.getStateStore(CANDIDATES);
    this.releases = context.getStateStore(RELEASES);
    this.stables = context.getStateStore(STABLES);
    this.bases = new GlobalStoreReader<>(context.getStateStore(BASES), basesTopic);
    this.imports = new GlobalStoreReader<>(context.getStateStore(IMPORTS), importsTopic);
  }

  /** The stores of {@code context}, the global ones read as records of their topics. */
  public static AccumulatorStores of(
      ProcessorContext<?, ?> context,
      Topic<String, BaseAnnouncement> basesTopic,
      Topic<String, AdapterImport> importsTopic) {
    return new AccumulatorStores(context, basesTopic, importsTopic);
  }

  /** Builders of the seven persistent stores, with changelogs. */
  public static Set<StoreBuilder<?>> builders() {
    return builders(Stores::persistentKeyValueStore);
  }

  /** Builders of the seven stores on the given kind of store (tests use in-memory ones). */
  static Set<StoreBuilder<?>> builders(Function<String, KeyValueBytesStoreSupplier> kind) {
    return Set.of(
        builder(kind, PENDING, TrainerEventSerde.sourcedExamples()),
        builder(kind, ACCUMULATION, new JsonSerde<>(KeyAccumulation.class)),
        builder(kind, SHARDS, new JsonSerde<>(ShardEntry.class)),
        builder(kind, JOBS, new JsonSerde<>(JobEntry.class)),
        builder(kind, CANDIDATES, new JsonSerde<>(CandidateEntry.class)),
        builder(kind, RELEASES, new JsonSerde<>(ReleaseEntry.class)),
        builder(kind, STABLES, new JsonSerde<>(KeyStables.class)));
  }

  /**
   * The global store of {@code bases.v1}, holding the topic's records as their bytes: the global
   * thread never asks the schema registry ({@link GlobalStoreReader} decodes them). A store written
   * before through the topic's Avro serde holds the same wire format, so it reads on unchanged.
   */
  public static StoreBuilder<KeyValueStore<String, byte[]>> basesStore(
      Function<String, KeyValueBytesStoreSupplier> kind) {
    return builder(kind, BASES, Serdes.ByteArray()).withLoggingDisabled();
  }

  /** The global store of {@code imports.v1}, as {@link #basesStore} (keyed by adapter key). */
  public static StoreBuilder<KeyValueStore<String, byte[]>> importsStore(
      Function<String, KeyValueBytesStoreSupplier> kind) {
    return builder(kind, IMPORTS, Serdes.ByteArray()).withLoggingDisabled();
  }

  /** The key's latest import, if an operator imported an adapter for it (and it is readable). */
  public Optional<AdapterImport> adapterImport(String adapterKey) {
    return imports.get(adapterKey);
  }

  // stable releases per base and announced bases

  public KeyStables stables(String adapterKey) {
    KeyStables known = stables.get(adapterKey);
    return known == null ? new KeyStables(adapterKey, List.of()) : known;
  }

  public void putStables(KeyStables entry) {
    stables.put(entry.adapterKey(), entry);
  }

  /** Every key of this task with stable releases. */
  public List<KeyStables> allStables() {
    List<KeyStables> all = new ArrayList<>();
    try (KeyValueIterator<String, KeyStables> it = stables.all()) {
      it.forEachRemaining(entry -> all.add(entry.value));
    }
    return all;
  }

  /** Every announced base (that is readable). */
  public List<BaseAnnouncement> announcedBases() {
    return bases.all();
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> builder(
      Function<String, KeyValueBytesStoreSupplier> kind, String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(kind.apply(name), Serdes.String(), values);
  }

  // pending examples

  public void addPending(SourcedExample example) {
    pending.put(pendingKey(example), example);
  }

  public boolean isPending(SourcedExample example) {
    return pending.get(pendingKey(example)) != null;
  }

  public void removePending(SourcedExample example) {
    pending.delete(pendingKey(example));
  }

  /** The key's pending examples in source order. */
  public List<SourcedExample> pending(String adapterKey) {
    List<SourcedExample> examples = new ArrayList<>();
    scan(pending, prefix(adapterKey), (key, example) -> examples.add(example));
    examples.sort((a, b) -> a.position().compareTo(b.position()));
    return examples;
  }

  // accumulation

  public KeyAccumulation accumulation(String adapterKey) {
    KeyAccumulation state = accumulation.get(adapterKey);
    return state == null ? KeyAccumulation.empty(adapterKey) : state;
  }

  public void putAccumulation(KeyAccumulation state) {
    accumulation.put(state.adapterKey(), state);
  }

  /** Every adapter key of the tenant that ever had an example. */
  public List<String> adapterKeysOf(String tenant) {
    List<String> keys = new ArrayList<>();
    scan(accumulation, tenant + "/", (key, state) -> keys.add(key));
    return keys;
  }

  /** Every adapter key of this task with its accumulation. */
  public List<KeyAccumulation> allAccumulations() {
    List<KeyAccumulation> all = new ArrayList<>();
    try (KeyValueIterator<String, KeyAccumulation> iterator = accumulation.all()) {
      iterator.forEachRemaining(entry -> all.add(entry.value));
    }
    return all;
  }

  // shards

  /** The key's shards in sealing order, by store key. */
  public List<KeyValue<String, ShardEntry>> shards(String adapterKey) {
    List<KeyValue<String, ShardEntry>> entries = new ArrayList<>();
    scan(shards, prefix(adapterKey), (key, entry) -> entries.add(KeyValue.pair(key, entry)));
    return entries;
  }

  /** One shard of this task's index (of any key), or empty when the task has sealed none. */
  public Optional<ShardEntry> anyShard() {
    try (KeyValueIterator<String, ShardEntry> iterator = shards.all()) {
      return iterator.hasNext() ? Optional.of(iterator.next().value) : Optional.empty();
    }
  }

  public void putShard(String adapterKey, long sequence, ShardEntry entry) {
    shards.put(sequenceKey(adapterKey, sequence), entry);
  }

  public void putShard(String storeKey, ShardEntry entry) {
    shards.put(storeKey, entry);
  }

  public void deleteShard(String storeKey) {
    shards.delete(storeKey);
  }

  /** The key's current shards of one split (what ERASURE, REBASE and IMPORT jobs train on). */
  public List<ShardEntry> currentShards(String adapterKey, ShardSplit split) {
    List<ShardEntry> current = new ArrayList<>();
    for (KeyValue<String, ShardEntry> stored : shards(adapterKey)) {
      if (stored.value.split() == split) {
        current.add(stored.value);
      }
    }
    return current;
  }

  // jobs

  public List<KeyValue<String, JobEntry>> jobs(String adapterKey) {
    List<KeyValue<String, JobEntry>> entries = new ArrayList<>();
    scan(jobs, prefix(adapterKey), (key, entry) -> entries.add(KeyValue.pair(key, entry)));
    return entries;
  }

  public JobEntry job(String adapterKey, String jobId) {
    return storedJob(adapterKey, jobId).map(entry -> entry.value).orElse(null);
  }

  /** The key's job {@code jobId} with its store key (to put it back changed), if there is one. */
  public Optional<KeyValue<String, JobEntry>> storedJob(String adapterKey, String jobId) {
    return jobs(adapterKey).stream().filter(entry -> entry.value.jobId().equals(jobId)).findFirst();
  }

  public void putJob(String adapterKey, long sequence, JobEntry entry) {
    jobs.put(sequenceKey(adapterKey, sequence), entry);
  }

  public void putJob(String storeKey, JobEntry entry) {
    jobs.put(storeKey, entry);
  }

  // candidates and releases

  public CandidateEntry candidate(String adapterKey, String candidateId) {
    return candidates.get(prefix(adapterKey) + candidateId);
  }

  public void putCandidate(String adapterKey, CandidateEntry entry) {
    candidates.put(prefix(adapterKey) + entry.candidateId(), entry);
  }

  public List<CandidateEntry> candidates(String adapterKey) {
    List<CandidateEntry> entries = new ArrayList<>();
    scan(candidates, prefix(adapterKey), (key, entry) -> entries.add(entry));
    return entries;
  }

  public ReleaseEntry release(String adapterKey, int version) {
    return releases.get(sequenceKey(adapterKey, version));
  }

  public void putRelease(String adapterKey, ReleaseEntry entry) {
    releases.put(sequenceKey(adapterKey, entry.version()), entry);
  }

  public List<ReleaseEntry> releases(String adapterKey) {
    List<ReleaseEntry> entries = new ArrayList<>();
    scan(releases, prefix(adapterKey), (key, entry) -> entries.add(entry));
    return entries;
  }

  // keys

  static String prefix(String adapterKey) {
    return adapterKey + SEPARATOR;
  }

  static String sequenceKey(String adapterKey, long sequence) {
    return prefix(adapterKey) + String.format(Locale.ROOT, "%020d", sequence);
  }

  static String pendingKey(SourcedExample example) {
    return prefix(example.example().getAdapterKey())
        + example.position().topic()
        + SEPARATOR
        + String.format(
            Locale.ROOT,
            "%010d%s%020d",
            example.position().partition(),
            SEPARATOR,
            example.position().offset());
  }

  private static <V> void scan(
      KeyValueStore<String, V> store, String prefix, BiConsumer<String, V> action) {
    try (KeyValueIterator<String, V> iterator = store.prefixScan(prefix, PREFIX_SERIALIZER)) {
      iterator.forEachRemaining(entry -> action.accept(entry.key, entry.value));
    }
  }
}
