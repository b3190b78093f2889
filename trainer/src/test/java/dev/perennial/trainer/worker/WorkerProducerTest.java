package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both trainer stages run on one configuration (README: {@code --config trainer.properties}), and a
 * worker's candidate copies its job's lists: the worker's producer must take at least what the
 * accumulator's takes, so it reads {@code max.request.size} by the accumulator's (Kafka Streams')
 * rule, {@code producer.max.request.size} first.
 */
class WorkerProducerTest {

  @TempDir Path folder;

  @Test
  void audit_theWorkersProducerTakesTheProducerPrefixedRequestSizeAsTheAccumulatorsDoes() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put("max.request.size", "1048576");
    values.put("producer.max.request.size", "2097152");

    Map<String, Object> producer = WorkerProducerTest.producer(values);

    assertThat(String.valueOf(producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)))
        .as("the size the accumulator's producers get, which sizes the jobs")
        .isEqualTo("2097152");
  }

  @Test
  void theWorkersProducerTakesThePlainRequestSizeWhenNoPrefixedOneIsSet() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put("max.request.size", "2097152");

    assertThat(String.valueOf(producer(values).get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)))
        .isEqualTo("2097152");
  }

  @Test
  void audit_theWorkersProducerTakesEveryProducerPrefixedKeyAsTheAccumulatorsDo() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put("compression.type", "gzip");
    values.put("producer.compression.type", "lz4");
    values.put("producer.linger.ms", "20");
    values.put("producer.batch.size", "32768");

    Map<String, Object> producer = producer(values);

    assertThat(producer)
        .as("Kafka Streams' rule: a producer.-prefixed key wins over the plain one")
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20")
        .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "32768");
    assertThat(producer.keySet())
        .as("no key the producer would not know")
        .noneMatch(key -> key.startsWith("producer."));
  }

  @Test
  void producerPrefixedKeysCannotLoosenTheWorkersTransactionalGuarantees() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put("producer.acks", "1");
    values.put("producer.enable.idempotence", "false");
    values.put("producer.transactional.id", "someone-else");
    TrainerConfig config = TrainerConfig.forWorker(values);

    Map<String, Object> producer = TrainerWorker.producerProperties(config);

    assertThat(producer)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
        .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.workerTransactionalId());
  }

  private static Map<String, Object> producer(Map<String, String> values) {
    return TrainerWorker.producerProperties(TrainerConfig.forWorker(values));
  }
}
