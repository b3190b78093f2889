package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicSpec;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Strimzi topics are the topics the services expect: core's TopicCatalog, under their config.
 */
class StrimziTopicsTest {

  @TempDir Path folder;

  static Stream<Arguments> strimziRenderings() {
    return Stream.of(
        Arguments.of("settings that differ from the defaults", Scenarios.strimziTopics()),
        Arguments.of(
            "default settings",
            Chart.withRequiredValues()
                .with("topics.strimzi.enabled", true)
                .with("topics.strimzi.clusterName", Scenarios.STRIMZI_CLUSTER)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strimziRenderings")
  void kafkaTopicsAreTheCatalogEveryServiceBuildsFromItsConfiguration(String name, Chart values) {
    RenderedChart chart = values.render();
    Map<String, KafkaTopic> topics =
        chart.all(KafkaTopic.class).stream()
            .collect(Collectors.toMap(t -> t.getSpec().getTopicName(), Function.identity()));

    for (Component component : Component.values()) {
      TopicCatalog catalog = TopicCatalog.from(chart.config(component, folder));
      Map<String, TopicSpec> expected =
          catalog.specs().stream().collect(Collectors.toMap(TopicSpec::name, Function.identity()));

      assertThat(topics.keySet()).as("topics %s expects", component).isEqualTo(expected.keySet());
      expected.forEach(
          (topicName, spec) -> {
            KafkaTopic topic = topics.get(topicName);
            assertThat(topic.getSpec().getPartitions()).as(topicName).isEqualTo(spec.partitions());
            assertThat(topic.getSpec().getReplicas())
                .as("replicas of %s", topicName)
                .isEqualTo(spec.replicationFactor() == -1 ? null : (int) spec.replicationFactor());
            Map<String, String> config = new TreeMap<>();
            topic.getSpec().getConfig().forEach((key, value) -> config.put(key, value.toString()));
            assertThat(config).as("config of %s", topicName).isEqualTo(spec.configs());
          });
    }
  }

  @Test
  void theChartNamesEveryTopicOfPerennialTopicWithItsRetention() {
    RenderedChart chart = Scenarios.strimziTopics().render();

    assertThat(chart.all(KafkaTopic.class))
        .extracting(t -> t.getSpec().getTopicName())
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(PerennialTopic.values()).map(t -> "acme." + t.suffix()).toList());
  }

  @Test
  void withoutStrimziNoKafkaTopicIsRendered() {
    assertThat(Scenarios.defaults().render().all(KafkaTopic.class)).isEmpty();
  }

  @Test
  void topicsGoToTheTopicOperatorsNamespaceWithTheChosenApiVersion() {
    RenderedChart chart =
        Scenarios.strimziTopics()
            .with("topics.strimzi.namespace", "kafka")
            .with("topics.strimzi.apiVersion", "kafka.strimzi.io/v1")
            .render();

    assertThat(chart.all(KafkaTopic.class))
        .hasSize(PerennialTopic.values().length)
        .allSatisfy(
            topic -> {
              assertThat(topic.getMetadata().getNamespace()).isEqualTo("kafka");
              assertThat(topic.getApiVersion()).isEqualTo("kafka.strimzi.io/v1");
            });
  }
}
