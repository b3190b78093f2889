package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.OffsetRange;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.shard.ShardReader;
import dev.perennial.trainer.testing.AccumulatorDriver;
import dev.perennial.trainer.testing.Examples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production accumulator topology and Streams configuration in a {@link
 * org.apache.kafka.streams.TopologyTestDriver}: every job it writes must fit the producer's {@code
 * max.request.size}. KafkaProducer refuses a larger record (RecordTooLargeException), the default
 * production handler fails the task, and the same seal fails again after every restart: one key's
 * job would stop every tenant of the accumulator.
 */
class AccumulatorJobSizeTest {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
  private static final int MAX_REQUEST_SIZE = 4096;
  private static final int EXAMPLES = 200;
  private static final String KEY = "acme/support";

  @TempDir Path folder;

  @Test
  void audit_aJobWhoseShardsNameManyOffsetRangesFitsTheProducersRequestSize() {
    // Another key's examples between each of this key's: every example is a range of its own, and
    // nothing bounds how many ranges a job's shards list (an ERASURE or REBASE job lists all of
    // the key's shards, heldOutPool every held-out shard the key ever sealed).
    Map<String, String> values = AccumulatorDriver.values(folder);
    values.put(TrainerConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    values.put(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, String.valueOf(EXAMPLES));
    values.put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    values.put("producer.max.request.size", String.valueOf(MAX_REQUEST_SIZE));
    List<TrainingJob> written;
    Topic<String, TrainingJob> jobsTopic;
    ArtifactStore store;
    try (AccumulatorDriver accumulator = AccumulatorDriver.start(values, AT)) {
      store = accumulator.store();
      jobsTopic = accumulator.topics().trainingJobs();
      TestInputTopic<String, TrainingExample> examples =
          accumulator.input(accumulator.topics().examples());
      TestOutputTopic<String, TrainingJob> jobs = accumulator.output(jobsTopic);
      for (int i = 0; i < EXAMPLES; i++) {
        examples.pipeInput(
            "acme/support", Examples.text("acme/support", "p-1", "Support fact " + i + "."));
        examples.pipeInput(
            "acme/sales", Examples.text("acme/sales", "p-2", "Sales fact " + i + "."));
      }
      written = jobs.readValuesToList();
      assertThat(written).as("one job per key").hasSize(2);
      for (TrainingJob job : written) {
        byte[] value = jobsTopic.valueSerde().serializer().serialize(jobsTopic.name(), job);
        int size = value.length + job.getAdapterKey().getBytes(StandardCharsets.UTF_8).length;
        assertThat(size)
            .as(
                "%s: key and value, within the producer's request size less room for overhead",
                job.getJobId())
            .isLessThanOrEqualTo(MAX_REQUEST_SIZE - AccumulatorSettings.RECORD_ROOM_BYTES);
      }
    }

    for (TrainingJob job : written) {
      assertThat(job.getShards())
          .as("nothing left out: the shard and all its examples")
          .singleElement()
          .satisfies(shard -> assertThat(shard.getExampleCount()).isEqualTo(EXAMPLES));
      ShardRef shard = job.getShards().get(0);
      // a range merged over the other key's examples would name records the job never held
      assertThat(shard.getOffsetRanges())
          .as("no range naming a record the job did not hold: here none")
          .isEmpty();
      List<OffsetRange> sources =
          ShardReader.read(store, Digest.parse(shard.getDigest()), "acme", job.getAdapterKey())
              .offsetRanges();
      long covered =
          sources.stream().mapToLong(range -> range.getToOffset() - range.getFromOffset()).sum();
      assertThat(covered).as("the shard names every example's exact position").isEqualTo(EXAMPLES);
    }
  }

  @Test
  void audit_theAccumulatorRecordsOfAJobOnlyTheReplayShardsItWasWrittenWith() {
    // One job per example, each replaying every earlier shard, until the list outgrows the
    // producer: the last job is written without its replay shards, p-1's among them. Its entry is
    // what an erasure reads: one still naming p-1's shard would retract the job's release when p-1
    // is erased, though it never trained on p-1.
    Map<String, String> values = AccumulatorDriver.values(folder);
    values.put(TrainerConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    values.put(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, "1");
    values.put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    values.put(TrainerConfig.REPLAY_MAX_SHARDS_CONFIG, "100");
    values.put("producer.max.request.size", String.valueOf(MAX_REQUEST_SIZE));
    try (AccumulatorDriver accumulator = AccumulatorDriver.start(values, AT)) {
      TestInputTopic<String, TrainingExample> examples =
          accumulator.input(accumulator.topics().examples());
      TestOutputTopic<String, TrainingJob> jobs =
          accumulator.output(accumulator.topics().trainingJobs());
      examples.pipeInput(KEY, Examples.text(KEY, "p-1", "The Zix lamp is teal."));
      for (int i = 0; i < 60; i++) {
        examples.pipeInput(KEY, Examples.text(KEY, "p-2", "Support fact " + i + "."));
      }
      List<TrainingJob> written = jobs.readValuesToList();
      TrainingJob last = written.get(written.size() - 1);
      assertThat(last.getReplayShards()).as("left out to fit the producer").isEmpty();

      KeyValueStore<String, JobEntry> entries =
          accumulator.driver().getKeyValueStore(AccumulatorStores.JOBS);
      List<JobEntry> recorded = new ArrayList<>();
      try (KeyValueIterator<String, JobEntry> all = entries.all()) {
        all.forEachRemaining(entry -> recorded.add(entry.value));
      }
      assertThat(recorded)
          .filteredOn(entry -> entry.jobId().equals(last.getJobId()))
          .singleElement()
          .satisfies(
              entry ->
                  assertThat(entry.replayShards())
                      .as("the replay shards the job was written with")
                      .isEmpty());
    }
  }
}
