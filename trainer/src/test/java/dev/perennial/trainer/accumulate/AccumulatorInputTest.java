package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.testing.LogCapture;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.GiveUpOutcome;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.AccumulatorDriver;
import dev.perennial.trainer.testing.Examples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production accumulator topology and Streams configuration in a {@link TopologyTestDriver},
 * its serdes on a real schema registry, fed records that a buggy writer or anyone with write access
 * to its input topics could produce.
 */
class AccumulatorInputTest {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir Path folder;

  /** {@code perennial.trainer.erasures{outcome=skipped}} after {@link #repartitioned}. */
  private double erasuresSkipped;

  @Test
  void recordHeadersOfTheInputTopicsDoNotTravelIntoTheRepartitionTopic() {
    // Nothing bounds a record's headers: one whose headers are larger than the producer's
    // max.request.size, carried into the repartition topic, would fail the accumulator's
    // transaction on every restart (the production handler fails the task).
    RecordHeaders headers = new RecordHeaders();
    headers.add("x-anything", new byte[] {1, 2, 3});

    List<TestRecord<byte[], byte[]>> repartitioned =
        repartitioned(
            Map.of(),
            accumulator -> {
              TrainingExample example = Examples.text("acme/support", "p-1", "Hello.");
              accumulator
                  .input(accumulator.topics().examples())
                  .pipeInput(new TestRecord<>("acme/support", example, headers, AT));
              accumulator
                  .input(accumulator.topics().erasures())
                  .pipeInput(new TestRecord<>("acme/p-2", erasure("acme", "p-2"), headers, AT));
              accumulator
                  .input(accumulator.topics().jobOutcomes())
                  .pipeInput(
                      new TestRecord<>("acme/support", givenUp("acme/support"), headers, AT));
            });

    assertThat(repartitioned)
        .hasSize(3)
        .allSatisfy(record -> assertThat(record.headers().toArray()).isEmpty());
  }

  @Test
  void anEventLargerThanTheProducerMayWriteIsSkippedBeforeTheRepartitionTopic() {
    // A compressed batch takes an example of megabytes. Re-encoded for the repartition topic it is
    // larger than the producer's max.request.size, and the failed send would fail the task's
    // transaction on every restart: one record would stop every tenant of the task.
    List<TestRecord<byte[], byte[]>> repartitioned =
        repartitioned(
            Map.of("producer.max.request.size", "65536"),
            accumulator -> {
              TestInputTopic<String, TrainingExample> examples =
                  accumulator.input(accumulator.topics().examples());
              examples.pipeInput(
                  "acme/support", Examples.text("acme/support", "p-1", "x".repeat(100_000)));
              examples.pipeInput("acme/support", Examples.text("acme/support", "p-1", "Hello."));
            });

    assertThat(repartitioned).hasSize(1);
    assertThat(repartitioned.get(0).value().length).isLessThan(1_000);
  }

  @Test
  void anErasureWhoseTenantIsNoValidTenantNameIsSkippedAndCountedBeforeTheRepartitionTopic() {
    // The tenant keys the repartition topic, the accumulator's state and every shard it reads:
    // an erasure request naming "../x", a huge name or control characters must touch none.
    List<String> hostile =
        List.of("../x", "a".repeat(100_000), "acme\u0000", "acme\n", "Acme", "keys");
    List<TestRecord<byte[], byte[]>> repartitioned;
    String logged;
    try (LogCapture logs = new LogCapture()) {
      repartitioned =
          repartitioned(
              Map.of(),
              accumulator -> {
                TestInputTopic<String, ErasureRequest> erasures =
                    accumulator.input(accumulator.topics().erasures());
                hostile.forEach(tenant -> erasures.pipeInput("k", erasure(tenant, "p-1")));
                erasures.pipeInput("acme/p-2", erasure("acme", "p-2"));
              });
      logged = logs.text();
    }

    assertThat(repartitioned)
        .singleElement()
        .satisfies(
            record ->
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("acme"));
    assertThat(erasuresSkipped).isEqualTo(hostile.size());
    assertThat(logged)
        .contains("erasure-1", "tenant")
        .doesNotContain("../x", "a".repeat(1_000), "p-1");
  }

  @Test
  void anIdOrKeyThatIsNoIdIsNotRepeatedInTheLinesThatSkipItsRecord() {
    // An example id or a record key is whatever the record's writer put there: a line break
    // forges a log line of its own, a megabyte floods the log. The lines that skip such a record
    // (no valid tenant, too large for the repartition topic, content the trainer cannot use) say
    // that its id is not shown instead.
    String forged = "e-1\n2026-01-02 03:04:05 INFO forged line";
    String huge = "h".repeat(100_000);
    String logged;
    try (LogCapture logs = new LogCapture()) {
      repartitioned(
          Map.of("producer.max.request.size", "65536"),
          accumulator -> {
            TestInputTopic<String, TrainingExample> examples =
                accumulator.input(accumulator.topics().examples());
            // no valid tenant
            examples.pipeInput(
                "acme/support",
                TrainingExample.newBuilder(Examples.text("acme/support", "p-1", "Hello."))
                    .setTenant("../x")
                    .setExampleId(forged)
                    .build());
            // too large for the repartition topic
            examples.pipeInput(
                "acme/support",
                TrainingExample.newBuilder(
                        Examples.text("acme/support", "p-1", "x".repeat(100_000)))
                    .setExampleId(forged)
                    .build());
            // content the trainer cannot use (no text), reaching the processor
            examples.pipeInput(
                "acme/support",
                TrainingExample.newBuilder(Examples.text("acme/support", "p-1", "Hello."))
                    .setText(null)
                    .setExampleId(forged)
                    .build());
            // another event of no valid tenant, keyed by anything
            TestInputTopic<String, JobGivenUp> outcomes =
                accumulator.input(accumulator.topics().jobOutcomes());
            outcomes.pipeInput(forged, givenUp("no-adapter-key"));
            outcomes.pipeInput(huge, givenUp("no-adapter-key"));
          });
      logged = logs.text();
    }

    assertThat(logged)
        .doesNotContain("forged line", "h".repeat(1_000))
        .contains("Skipping example", "Skipping JobGivenUp", "not shown");
  }

  @Test
  void aRecordKeyOfExamplesThatIsNoIdIsNotRepeatedInTheLinesThatSkipTheRecord() {
    // examples.v1 is keyed by adapter key: a record keyed otherwise, or holding no example, is
    // skipped as it is read, and its key (or its example's id) is whatever its writer put there.
    String forged = "acme/support\n2026-01-02 03:04:05 INFO forged line";
    String logged;
    try (LogCapture logs = new LogCapture()) {
      repartitioned(
          Map.of(),
          accumulator -> {
            TestInputTopic<String, TrainingExample> examples =
                accumulator.input(accumulator.topics().examples());
            examples.pipeInput(forged, (TrainingExample) null);
            examples.pipeInput(forged, Examples.text("acme/support", "p-1", "Hello."));
            examples.pipeInput(
                "acme/support",
                TrainingExample.newBuilder(Examples.text("acme/support", "p-1", "Hello."))
                    .setAdapterKey("acme/other")
                    .setExampleId(forged)
                    .build());
          });
      logged = logs.text();
    }

    assertThat(logged)
        .doesNotContain("forged line")
        .contains("Skipping the empty record", "Skipping example", "not shown");
  }

  /** What the production topology writes to its repartition topic for the records sent. */
  private List<TestRecord<byte[], byte[]>> repartitioned(
      Map<String, String> overrides, Consumer<AccumulatorDriver> send) {
    Map<String, String> values = AccumulatorDriver.values(folder);
    values.put(TrainerConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    values.putAll(overrides);

    try (AccumulatorDriver accumulator = AccumulatorDriver.start(values, AT)) {
      send.accept(accumulator);
      erasuresSkipped = accumulator.counted("perennial.trainer.erasures", "skipped");
      return accumulator
          .driver()
          .createOutputTopic(
              accumulator.config().accumulatorApplicationId()
                  + "-"
                  + AccumulatorTopology.EVENTS_BY_TENANT
                  + "-repartition",
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer())
          .readRecordsToList();
    }
  }

  private static ErasureRequest erasure(String tenant, String subject) {
    return ErasureRequest.newBuilder()
        .setRequestId("erasure-1")
        .setTenant(tenant)
        .setSubjectPseudonym(subject)
        .setRevokedAt(AT)
        .setSource(new SourceRef("perennial.consent.v1", 0, 1L))
        .build();
  }

  private static JobGivenUp givenUp(String adapterKey) {
    return JobGivenUp.newBuilder()
        .setJobId("job-1")
        .setTenant("acme")
        .setAdapterKey(adapterKey)
        .setTrigger(JobTrigger.MIN_EXAMPLES)
        .setOutcome(GiveUpOutcome.FAILED)
        .setDetail("training failed")
        .setWorkerId("worker-0")
        .setGivenUpAt(AT)
        .build();
  }
}
