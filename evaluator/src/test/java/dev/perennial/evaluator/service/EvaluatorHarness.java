package dev.perennial.evaluator.service;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.evaluator.config.EvaluatorConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the evaluator's ITs share: a fresh topic catalog on the test broker and the configuration
 * every one starts from (its own group and instance, one scoring thread, artifacts and evaluations
 * under the test's folder).
 */
final class EvaluatorHarness {

  private final TopicCatalog catalog;
  private final Map<String, String> values;

  EvaluatorHarness(KafkaClusterExtension kafka, SchemaRegistryExtension registry, Path folder) {
    catalog = kafka.provisionCatalog();
    values = TestConfig.values(kafka, registry);
    values.put(EvaluatorConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    values.put(
        EvaluatorConfig.TOPIC_PARTITIONS_CONFIG,
        Integer.toString(catalog.spec(PerennialTopic.CANDIDATES).partitions()));
    values.put(EvaluatorConfig.ARTIFACT_STORE_PATH_CONFIG, folder.resolve("artifacts").toString());
    values.put(EvaluatorConfig.EVALUATION_PATH_CONFIG, folder.resolve("evaluations").toString());
    values.put(EvaluatorConfig.GROUP_ID_CONFIG, kafka.uniqueName("evaluator"));
    values.put(EvaluatorConfig.INSTANCE_ID_CONFIG, kafka.uniqueName("instance"));
    values.put(EvaluatorConfig.THREADS_CONFIG, "1");
  }

  TopicCatalog catalog() {
    return catalog;
  }

  /** The configuration values, to adjust before starting an evaluator. */
  Map<String, String> values() {
    return values;
  }
}
