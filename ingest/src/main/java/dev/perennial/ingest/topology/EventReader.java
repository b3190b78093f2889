package dev.perennial.ingest.topology;

import dev.perennial.ingest.deadletter.Rejections;
import dev.perennial.ingest.event.AppEvent;
import dev.perennial.schemas.v1.SourceRef;
import java.util.function.BiFunction;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Wraps each record of an event topic into an {@link AppEvent} that remembers where it was read
 * (topic, partition, offset); a record without a value becomes a {@link AppEvent.Tombstone}, so
 * nothing downstream drops it. The app's record headers are not carried on: they could hold data no
 * one redacted.
 */
final class EventReader<V> implements FixedKeyProcessor<String, V, AppEvent> {

  private final BiFunction<V, SourceRef, AppEvent> wrap;
  private FixedKeyProcessorContext<String, AppEvent> context;

  EventReader(BiFunction<V, SourceRef, AppEvent> wrap) {
    this.wrap = wrap;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, AppEvent> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, V> record) {
    RecordMetadata metadata = context.recordMetadata().orElseThrow();
    SourceRef source = Rejections.source(metadata.topic(), metadata.partition(), metadata.offset());
    AppEvent event =
        record.value() == null
            ? new AppEvent.Tombstone(source)
            : wrap.apply(record.value(), source);
    context.forward(record.withValue(event).withHeaders(new RecordHeaders()));
  }
}
