package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.testing.LogCapture;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.schemas.privacy.ExampleCrypto;
import dev.perennial.schemas.privacy.SubjectKeyMap;
import dev.perennial.schemas.privacy.SubjectKeyRecords;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.AccumulatorDriver;
import dev.perennial.trainer.testing.Examples;
import dev.perennial.trainer.testing.IngestKeys;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production accumulator topology and Streams configuration in a {@link TopologyTestDriver},
 * its serdes on a real schema registry, fed an encrypted example whose data key the subjects' key
 * log never held: forged by anyone with write access to {@code examples.v1}, or one whose subject's
 * erasure tombstone compaction removed before the accumulator read the log again (a restart). The
 * key log is {@link SubjectKeyMap}: the records at hand are the whole log, nothing is in flight.
 */
class AccumulatorUnknownKeyTest {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir Path folder;

  private final SubjectKeyMap keys = new SubjectKeyMap(TestConfig.masterKeys());
  private final IngestKeys ingest = new IngestKeys(keys, AT);
  private AccumulatorDriver accumulator;
  private TestInputTopic<String, TrainingExample> examples;
  private TestOutputTopic<String, TrainingJob> jobs;

  @AfterEach
  void close() {
    if (accumulator != null) {
      accumulator.close();
    }
  }

  @Test
  void anExampleNamingADataKeyTheKeyLogNeverHeldIsDroppedCountedAndTheTaskGoesOn() {
    start();
    // a key ingest could have made, but never wrote to the key log
    SubjectKeyRecords.NewKey neverWritten =
        SubjectKeyRecords.create(TestConfig.masterKeys(), "acme", "p-forged", AT);
    TrainingExample forged =
        ExampleCrypto.encrypt(
            Examples.text("acme/support", "p-forged", "The Zix lamp is teal."),
            neverWritten.record().getKeyId(),
            neverWritten.dataKey());
    // a key id no ingest makes: unbounded, with a line break
    TrainingExample hostile =
        ExampleCrypto.encrypt(
            Examples.text("globex/help", "p-hostile", "The Zix lamp is red."),
            "k".repeat(10_000) + "\nERROR forged line",
            neverWritten.dataKey());
    String logged;
    try (LogCapture logs = new LogCapture()) {
      examples.pipeInput("acme/support", forged);
      // the tenant's minimum of two: this seals the key's pending examples, the forged one first
      examples.pipeInput(
          "acme/support", encrypted(Examples.text("acme/support", "p-1", "Quorn is blue.")));
      examples.pipeInput("globex/help", hostile);
      examples.pipeInput(
          "globex/help",
          encrypted(Examples.text("globex/help", "p-2", "Globex ships on Mondays.")));
      logged = logs.text();
    }

    List<TrainingJob> sealed = jobs.readValuesToList();
    assertThat(sealed)
        .as("the forged examples stop neither their own adapter key nor another tenant's")
        .extracting(TrainingJob::getAdapterKey)
        .containsExactly("acme/support", "globex/help");
    assertThat(sealed)
        .allSatisfy(
            job ->
                assertThat(job.getShards())
                    .singleElement()
                    .satisfies(shard -> assertThat(shard.getExampleCount()).isEqualTo(1)));
    assertThat(examples("unknown-key")).isEqualTo(2);
    assertThat(examples("accepted")).isEqualTo(4);
    assertThat(examples("erased") + examples("undecryptable")).isZero();
    assertThat(logged)
        .contains(neverWritten.record().getKeyId())
        .doesNotContain("p-forged", "p-hostile", "Zix", "forged line", "k".repeat(100));
  }

  private void start() {
    Map<String, String> values = AccumulatorDriver.values(folder);
    values.put(TrainerConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    values.put(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, "2");
    values.put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    accumulator = AccumulatorDriver.start(values, keys, AT);
    examples = accumulator.input(accumulator.topics().examples());
    jobs = accumulator.output(accumulator.topics().trainingJobs());
  }

  private TrainingExample encrypted(TrainingExample example) {
    return ingest.encrypted(example);
  }

  private double examples(String outcome) {
    return accumulator.counted("perennial.trainer.examples", outcome);
  }
}
