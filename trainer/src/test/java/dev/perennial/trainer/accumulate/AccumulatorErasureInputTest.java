package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.LogCapture;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyMap;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.AccumulatorDriver;
import dev.perennial.trainer.testing.Examples;
import dev.perennial.trainer.testing.TestConfigs;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production accumulator topology and Streams configuration in a {@link TopologyTestDriver},
 * its serdes on a real schema registry, fed erasure requests that a buggy writer or anyone with
 * write access to {@code erasures.v1} could produce: their request id names the erasure in log
 * lines, stored state, ERASURE jobs (and so the publisher's retractions and manifests) and audit
 * events; their subject pseudonym is matched against examples and shards.
 */
class AccumulatorErasureInputTest {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

  /** A wrong magic byte: no Avro record of any schema, so no subject can be read from it. */
  private static final byte[] UNREADABLE = {7, 1, 2, 3};

  @TempDir Path folder;

  @Test
  void anErasureWhoseIdsAreNoValidIdsUnderAKeyNamingNoSubjectIsSkippedAndCounted() {
    // neither its value nor its key names a subject: no subject's data can be left behind
    List<ErasureRequest> hostile =
        List.of(
            erasure("erasure-1\nERROR forged line", ""),
            erasure("r".repeat(100_000), "p-1\nERROR forged line"),
            erasure("", ""),
            erasure("erasure-2", "p-1\nERROR forged line"),
            erasure("erasure-3", "q".repeat(100_000)),
            erasure("erasure-4", ""));
    long repartitioned;
    double skipped;
    String logged;
    try (LogCapture logs = new LogCapture();
        ServiceMetrics metrics = ServiceMetrics.create("trainer-accumulator");
        TopologyTestDriver driver = driver(metrics)) {
      Topic<String, ErasureRequest> topic = topics().erasures();
      TestInputTopic<String, ErasureRequest> erasures =
          driver.createInputTopic(
              topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
      hostile.forEach(request -> erasures.pipeInput("acme", request));
      // as ingest writes one: "erasure-" and the consent record's position
      erasures.pipeInput("acme/p-2", erasure("erasure-perennial.consent.v1-0@17", "p-2"));
      repartitioned =
          driver
              .createOutputTopic(
                  config().accumulatorApplicationId()
                      + "-"
                      + AccumulatorTopology.EVENTS_BY_TENANT
                      + "-repartition",
                  new ByteArrayDeserializer(),
                  new ByteArrayDeserializer())
              .getQueueSize();
      Counter counter =
          metrics.registry().find("perennial.trainer.erasures").tag("outcome", "skipped").counter();
      skipped = counter == null ? 0 : counter.count();
      logged = logs.text();
    }

    assertThat(repartitioned).as("only the valid request reaches the accumulator").isEqualTo(1);
    assertThat(skipped).isEqualTo(hostile.size());
    assertThat(logged).doesNotContain("forged line", "r".repeat(100), "q".repeat(100));
  }

  @Test
  void audit_anErasureWhoseRequestIdIsNoIdErasesItsSubjectAsTheRequestOfItsPosition() {
    // the subject is named (tenant and pseudonym valid): skipping it for its request id would
    // leave the subject's data in shards and releases
    List<String> badIds = List.of("erasure-1\nERROR forged line", "r".repeat(100_000), "");
    String logged;
    double renamed;
    List<TrainingJob> erasureJobs = new ArrayList<>();
    try (LogCapture logs = new LogCapture();
        AccumulatorDriver accumulator = AccumulatorDriver.start(sealingValues(Map.of()), AT)) {
      TestInputTopic<String, TrainingExample> examples =
          accumulator.input(accumulator.topics().examples());
      TestOutputTopic<String, TrainingJob> jobs =
          accumulator.output(accumulator.topics().trainingJobs());
      TestInputTopic<String, ErasureRequest> erasures =
          accumulator.input(accumulator.topics().erasures());
      for (int i = 0; i < badIds.size(); i++) {
        // a subject of its own each time: an erased subject's later examples are dropped
        String subject = "p-" + i;
        seal(examples, subject);
        assertThat(jobs.readValuesToList()).hasSize(1);
        erasures.pipeInput("acme/" + subject, erasure(badIds.get(i), subject));
        erasureJobs.addAll(jobs.readValuesToList());
      }
      renamed = accumulator.counted("perennial.trainer.erasures", "renamed");
      logged = logs.text();
    }

    String topic = topics().erasures().name();
    assertThat(erasureJobs)
        .as("each erasure rewrote its subject's shard: an ERASURE job named by its position")
        .extracting(job -> job.getErasure().getRequestId())
        .containsExactly(
            "erasure-" + topic + "-0@0", "erasure-" + topic + "-0@1", "erasure-" + topic + "-0@2");
    assertThat(renamed).isEqualTo(badIds.size());
    assertThat(logged).doesNotContain("forged line", "r".repeat(100));
  }

  @Test
  void audit_anErasureWhosePseudonymOrTenantIsNoIdErasesTheSubjectItsKeyNames() {
    List<ErasureRequest> bad =
        List.of(
            erasure("erasure-1", "p-0\nERROR forged line"),
            erasure("erasure-2", "q".repeat(100_000)),
            ErasureRequest.newBuilder(erasure("erasure-3", "p-2")).setTenant("../x").build());
    List<TrainingJob> erasureJobs = new ArrayList<>();
    double readFromKey;
    try (AccumulatorDriver accumulator = AccumulatorDriver.start(sealingValues(Map.of()), AT)) {
      TestInputTopic<String, TrainingExample> examples =
          accumulator.input(accumulator.topics().examples());
      TestOutputTopic<String, TrainingJob> jobs =
          accumulator.output(accumulator.topics().trainingJobs());
      TestInputTopic<String, ErasureRequest> erasures =
          accumulator.input(accumulator.topics().erasures());
      for (int i = 0; i < bad.size(); i++) {
        // a subject of its own each time: an erased subject's later examples are dropped
        String subject = "p-" + i;
        seal(examples, subject);
        assertThat(jobs.readValuesToList()).hasSize(1);
        erasures.pipeInput("acme/" + subject, bad.get(i));
        erasureJobs.addAll(jobs.readValuesToList());
      }
      readFromKey = accumulator.counted("perennial.trainer.erasures", "read-from-key");
    }

    assertThat(erasureJobs)
        .as("each erasure rewrote its subject's shard")
        .hasSize(bad.size())
        .allSatisfy(job -> assertThat(job.getTrigger()).isEqualTo(JobTrigger.ERASURE));
    assertThat(readFromKey).isEqualTo(bad.size());
  }

  @Test
  void audit_anErasureWhoseSourceIsTooLargeForTheRepartitionTopicStillErasesItsSubject() {
    // its ids are valid, but nothing bounds the consent record's topic it names: too large for
    // the repartition topic, the erasure would be skipped and the subject's data left behind
    try (AccumulatorDriver accumulator =
        AccumulatorDriver.start(sealingValues(Map.of("producer.max.request.size", "65536")), AT)) {
      TestInputTopic<String, TrainingExample> examples =
          accumulator.input(accumulator.topics().examples());
      TestOutputTopic<String, TrainingJob> jobs =
          accumulator.output(accumulator.topics().trainingJobs());
      seal(examples, "p-1");
      assertThat(jobs.readValuesToList()).hasSize(1);

      ErasureRequest request =
          ErasureRequest.newBuilder(erasure("erasure-perennial.consent.v1-0@17", "p-1"))
              .setSource(new SourceRef("t".repeat(100_000), 0, 17L))
              .build();
      accumulator.input(accumulator.topics().erasures()).pipeInput("acme/p-1", request);

      assertThat(jobs.readValuesToList())
          .singleElement()
          .satisfies(
              job ->
                  assertThat(job.getErasure().getRequestId())
                      .isEqualTo("erasure-perennial.consent.v1-0@17"));
    }
  }

  private Map<String, String> sealingValues(Map<String, String> more) {
    Map<String, String> values = AccumulatorDriver.values(folder);
    values.put(TrainerConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    values.put(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, "2");
    values.put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    values.putAll(more);
    return values;
  }

  @Test
  void audit_anErasureRequestThatCannotBeReadErasesTheSubjectItsKeyNamesAndTheAccumulatorGoesOn() {
    Map<String, String> values = AccumulatorDriver.values(folder);
    values.put(TrainerConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    values.put(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, "2");
    values.put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    String erased = "p-erased-unreadable-1";
    String logged;
    try (LogCapture logs = new LogCapture();
        AccumulatorDriver accumulator = AccumulatorDriver.start(values, AT)) {
      TestInputTopic<String, TrainingExample> examples =
          accumulator.input(accumulator.topics().examples());
      TestOutputTopic<String, TrainingJob> jobs =
          accumulator.output(accumulator.topics().trainingJobs());
      seal(examples, erased);
      assertThat(jobs.readValuesToList()).hasSize(1);
      String erasuresTopic = accumulator.topics().erasures().name();

      // a subject with no data: nothing to rewrite, no job
      accumulator.raw(erasuresTopic).pipeInput("acme/p-9", UNREADABLE);
      assertThat(jobs.readValuesToList()).isEmpty();

      int before = logs.text().length();
      accumulator.raw(erasuresTopic).pipeInput("acme/" + erased, UNREADABLE);

      List<TrainingJob> erasureJobs = jobs.readValuesToList();
      assertThat(erasureJobs).as("p-1's shard rewritten: an ERASURE job").hasSize(1);
      assertThat(erasureJobs.get(0).getTrigger()).isEqualTo(JobTrigger.ERASURE);
      assertThat(erasureJobs.get(0).getErasure().getRequestId())
          .isEqualTo("erasure-" + erasuresTopic + "-0@1");
      assertThat(accumulator.counted("perennial.trainer.erasures", "read-from-key")).isEqualTo(2);
      logged = logs.text().substring(before);
      // every other subject goes on: the next seal is a job
      seal(examples, "p-2");
      assertThat(jobs.readValuesToList()).hasSize(1);
    }
    // nothing the erasure leaves names the subject (trainer README, "Erasure")
    assertThat(logged).contains("Cannot read erasure request").doesNotContain(erased);
  }

  @Test
  void audit_anErasureRequestThatCannotBeReadUnderAKeyNamingNoSubjectStopsTheAccumulator() {
    try (ServiceMetrics metrics = ServiceMetrics.create("trainer-accumulator");
        TopologyTestDriver driver = driver(metrics)) {
      TestInputTopic<byte[], byte[]> erasures =
          driver.createInputTopic(
              topics().erasures().name(), new ByteArraySerializer(), new ByteArraySerializer());

      for (String key : List.of("acme", "../x/p-1", "acme/p 1", "acme/", "/p-1")) {
        assertThatThrownBy(
                () -> erasures.pipeInput(key.getBytes(StandardCharsets.UTF_8), UNREADABLE))
            .as(key)
            .isInstanceOf(StreamsException.class)
            .hasStackTraceContaining("names no tenant/subject");
      }
      assertThatThrownBy(() -> erasures.pipeInput(null, UNREADABLE))
          .isInstanceOf(StreamsException.class);
    }
  }

  /** Two examples of {@code subject}: the tenant's minimum, so the second seals a job. */
  private static void seal(TestInputTopic<String, TrainingExample> examples, String subject) {
    for (String text : List.of("The Zix lamp is teal.", "The Zix lamp costs 9 dollars.")) {
      examples.pipeInput("acme/support", Examples.text("acme/support", subject, text));
    }
  }

  private TrainerConfig config() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    values.put(StreamsConfig.STATE_DIR_CONFIG, folder.resolve("state").toString());
    return new TrainerConfig(values);
  }

  private Topics topics() {
    TrainerConfig config = config();
    return Topics.create(TopicCatalog.from(config), config.clientProperties());
  }

  private TopologyTestDriver driver(ServiceMetrics metrics) {
    TrainerConfig config = config();
    Properties properties = new Properties();
    properties.putAll(TrainerAccumulator.streamsProperties(config));
    return new TopologyTestDriver(
        TrainerAccumulator.topology(
            config,
            topics(),
            new LocalArtifactStore(config.artifactStorePath()),
            new ExampleDecryptor(new SubjectKeyMap(TestConfig.masterKeys())),
            metrics),
        properties,
        AT);
  }

  private static ErasureRequest erasure(String requestId, String subject) {
    return ErasureRequest.newBuilder()
        .setRequestId(requestId)
        .setTenant("acme")
        .setSubjectPseudonym(subject)
        .setRevokedAt(AT)
        .setSource(new SourceRef("perennial.consent.v1", 0, 1L))
        .build();
  }
}
