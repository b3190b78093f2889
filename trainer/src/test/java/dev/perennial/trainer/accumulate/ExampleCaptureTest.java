package dev.perennial.trainer.accumulate;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.accumulate.TrainerEvent.ExampleArrived;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;

/** Capturing each example's position, and the records it drops. */
class ExampleCaptureTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<TrainerEvent> captured = new ArrayList<>();

  @Test
  void anExampleKeyedByItsAdapterKeyArrivesWithItsPosition() {
    run(input -> input.pipeInput("acme/support", text("acme/support", "p-1", "Hi.")));

    assertThat(captured).hasSize(1);
    assertThat(((ExampleArrived) captured.get(0)).example().position().offset()).isZero();
    assertThat(skipped()).isZero();
  }

  @Test
  void anExampleKeyedDifferentlyOrAnEmptyRecordIsSkippedAndCounted() {
    run(
        input -> {
          input.pipeInput("acme/other", text("acme/support", "p-1", "Hi."));
          input.pipeInput("acme/support", null);
        });

    assertThat(captured).isEmpty();
    assertThat(skipped()).isEqualTo(2);
  }

  private void run(Consumer<TestInputTopic<String, TrainingExample>> send) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("examples", Consumed.with(Serdes.String(), singleObject()))
        .processValues(() -> new ExampleCapture(meters))
        .foreach((key, event) -> captured.add(event));
    Properties properties = new Properties();
    properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "example-capture-test");
    properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), properties)) {
      send.accept(
          driver.createInputTopic("examples", new StringSerializer(), singleObject().serializer()));
    }
  }

  private double skipped() {
    return meters.get("perennial.trainer.examples").tag("outcome", "skipped").counter().count();
  }

  /** Avro's single-object encoding: the registry serde needs a registry. */
  private static Serde<TrainingExample> singleObject() {
    return Serdes.serdeFrom(
        (topic, example) -> {
          if (example == null) {
            return null;
          }
          try {
            ByteBuffer buffer = TrainingExample.getEncoder().encode(example);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        (topic, bytes) -> {
          try {
            return bytes == null ? null : TrainingExample.getDecoder().decode(bytes);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
