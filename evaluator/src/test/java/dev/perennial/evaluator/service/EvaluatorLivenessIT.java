package dev.perennial.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.testing.ErrorOnCount;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.evaluator.config.EvaluatorConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: an evaluator whose loop died of an {@link Error} (not an exception, which it catches)
 * says so: {@code failure()} (hence {@code /health/live} and the exit code) and readiness name it.
 */
class EvaluatorLivenessIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  @TempDir Path folder;

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anEvaluatorWhoseLoopDiedOfAnErrorReportsTheFailure() throws Exception {
    TopicCatalog catalog = KAFKA.provisionCatalog();
    Map<String, String> values = TestConfig.values(KAFKA, REGISTRY);
    values.put(EvaluatorConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    values.put(
        EvaluatorConfig.TOPIC_PARTITIONS_CONFIG,
        Integer.toString(catalog.spec(PerennialTopic.CANDIDATES).partitions()));
    values.put(EvaluatorConfig.ARTIFACT_STORE_PATH_CONFIG, folder.resolve("artifacts").toString());
    values.put(EvaluatorConfig.EVALUATION_PATH_CONFIG, folder.resolve("evaluations").toString());
    values.put(EvaluatorConfig.GROUP_ID_CONFIG, KAFKA.uniqueName("evaluator"));
    values.put(EvaluatorConfig.INSTANCE_ID_CONFIG, KAFKA.uniqueName("instance"));
    values.put(EvaluatorConfig.THREADS_CONFIG, "1");
    // an unreadable candidate is counted on the loop thread: the count throws the Error
    KAFKA.produce(
        catalog.name(PerennialTopic.CANDIDATES),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair("acme/x".getBytes(StandardCharsets.UTF_8), new byte[] {7, 7})));

    try (EvaluatorService service =
        EvaluatorService.start(
            new EvaluatorConfig(values),
            new ErrorOnCount("perennial.evaluator.unreadable.records"),
            null)) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (service.failure().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(service.failure())
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .contains("perennial-evaluator loop died of")
                      .contains("StackOverflowError"));
      assertThat(service.readiness().ready()).isFalse();
    }
  }
}
