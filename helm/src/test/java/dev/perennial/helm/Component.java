package dev.perennial.helm;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.trainer.config.TrainerConfig;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The chart's components and what each one reads: the keys its config class defines and the class
 * that validates them at start. The chart may render only these keys (and Kafka client keys) into
 * the component's properties file.
 */
enum Component {
  INGEST("ingest", "ingest", IngestConfig::configDef, IngestConfig::new),
  TRAINER_ACCUMULATOR(
      "trainer-accumulator", "trainer.accumulator", TrainerConfig::configDef, TrainerConfig::new),
  TRAINER_WORKER("trainer-worker", "trainer.worker", TrainerConfig::configDef, TrainerConfig::new),
  EVALUATOR("evaluator", "evaluator", EvaluatorConfig::configDef, EvaluatorConfig::new),
  PUBLISHER("publisher", "publisher", PublisherConfig::configDef, PublisherConfig::of);

  private final String chartName;
  private final String valuesPath;
  private final Supplier<ConfigDef> definition;
  private final Function<Map<String, String>, ? extends PerennialConfig> config;

  Component(
      String chartName,
      String valuesPath,
      Supplier<ConfigDef> definition,
      Function<Map<String, String>, ? extends PerennialConfig> config) {
    this.chartName = chartName;
    this.valuesPath = valuesPath;
    this.definition = definition;
    this.config = config;
  }

  /** The name in the chart: resource name suffix, component label, properties file name. */
  String chartName() {
    return chartName;
  }

  /** Where the component's values live, for example {@code trainer.worker}. */
  String valuesPath() {
    return valuesPath;
  }

  ConfigDef definition() {
    return definition.get();
  }

  /** The component's config, validated as the service validates it at start. */
  PerennialConfig config(Map<String, String> values) {
    return config.apply(values);
  }

  @Override
  public String toString() {
    return chartName;
  }
}
