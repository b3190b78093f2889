package dev.perennial.trainer.accumulate;

import dev.perennial.core.ids.RecordIds;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.accumulate.TrainerEvent.ExampleArrived;
import dev.perennial.trainer.shard.SourcePosition;
import dev.perennial.trainer.shard.SourcedExample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches to each example the {@code examples.v1} position it was read from, before the re-key
 * loses it: shards record it, and lineage is checked against it. Drops, with a warning, and counts
 * as skipped examples ({@code perennial.trainer.examples{outcome=skipped}}, as the processor counts
 * those it cannot train on) records without a value or whose key is not the example's adapter key.
 */
final class ExampleCapture implements FixedKeyProcessor<String, TrainingExample, TrainerEvent> {

  private static final Logger log = LoggerFactory.getLogger(ExampleCapture.class);

  private final Counter skipped;
  private FixedKeyProcessorContext<String, TrainerEvent> context;

  ExampleCapture(MeterRegistry meters) {
    this.skipped =
        Counter.builder("perennial.trainer.examples").tag("outcome", "skipped").register(meters);
  }

  @Override
  public void init(FixedKeyProcessorContext<String, TrainerEvent> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, TrainingExample> record) {
    Optional<RecordMetadata> metadata = context.recordMetadata();
    if (metadata.isEmpty()) {
      throw new IllegalStateException("An example arrived without its topic, partition and offset");
    }
    SourcePosition position =
        new SourcePosition(
            metadata.get().topic(), metadata.get().partition(), metadata.get().offset());
    TrainingExample example = record.value();
    if (example == null) {
      skipped.increment();
      log.warn("Skipping the empty record at {} (key {})", position, RecordIds.shown(record.key()));
      return;
    }
    if (!example.getAdapterKey().equals(record.key())) {
      skipped.increment();
      log.warn(
          "Skipping example {} at {}: keyed {} but for adapter key {}",
          RecordIds.shown(example.getExampleId()),
          position,
          RecordIds.shown(record.key()),
          RecordIds.shown(example.getAdapterKey()));
      return;
    }
    context.forward(record.withValue(new ExampleArrived(new SourcedExample(position, example))));
  }
}
