package dev.perennial.cli.sample;

import dev.perennial.core.PerennialException;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.schemas.serde.WireFormat;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends a {@link SampleEvents} stream to the app-facing topics the way apps would: Confluent
 * wire-format Avro through the schema registry, keyed {@code tenant/subject}, with an idempotent
 * producer; malformed records are spoiled after serialization. Phase by phase, each followed by the
 * caller's {@link Barrier} (typically: wait until ingest has read everything sent so far).
 *
 * <pre>{@code
 * try (SampleEventProducer producer = new SampleEventProducer(producerProperties, topics)) {
 *   producer.send(events, phase -> progress.awaitCaughtUp(timeout));
 * }
 * }</pre>
 */
public final class SampleEventProducer implements AutoCloseable {

  /** A schema id no registry has handed out (ids count up from 1). */
  static final int UNKNOWN_SCHEMA_ID = 0x7ff0_0001;

  /** What to wait for after each phase. */
  @FunctionalInterface
  public interface Barrier {
    void afterPhase(SamplePhase phase) throws InterruptedException;
  }

  private final KafkaProducer<String, byte[]> producer;
  private final Topics topics;
  private final Random random;

  /**
   * @param producerProperties Kafka producer settings (bootstrap servers, security, ...)
   * @param topics the topics to send to, with their serdes on the registry
   */
  public SampleEventProducer(Map<String, Object> producerProperties, Topics topics) {
    this.producer =
        new KafkaProducer<>(producerProperties, new StringSerializer(), new ByteArraySerializer());
    this.topics = topics;
    this.random = new Random(SamplePlan.DEFAULT_SEED);
  }

  /** Sends every phase of {@code events} in order, each acknowledged, then its barrier. */
  public void send(SampleEvents events, Barrier barrier) throws InterruptedException {
    for (SamplePhase phase : SamplePhase.values()) {
      List<SampleRecord> records = events.records(phase);
      if (records.isEmpty()) {
        continue;
      }
      sendAll(records);
      barrier.afterPhase(phase);
    }
  }

  /** Sends the records in order and returns when each is acknowledged. */
  public void sendAll(List<SampleRecord> records) throws InterruptedException {
    List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
    for (SampleRecord record : records) {
      String topic = topic(record.topic()).name();
      sent.add(producer.send(new ProducerRecord<>(topic, record.key(), bytes(record))));
    }
    for (Future<RecordMetadata> future : sent) {
      try {
        future.get();
      } catch (ExecutionException e) {
        throw new PerennialException(
            "Cannot send the sample events: " + e.getCause().getMessage(), e.getCause());
      }
    }
  }

  /**
   * The record's bytes as an app would send them, spoiled as the record asks (also what a foreign
   * producer such as kcat is given to send).
   */
  public byte[] bytes(SampleRecord record) {
    Topic<String, SpecificRecord> topic = topic(record.topic());
    byte[] framed = topic.valueSerde().serializer().serialize(topic.name(), record.value());
    return switch (record.corruption()) {
      case NONE -> framed;
      case RANDOM_BYTES -> randomBytes(framed.length);
      case WRONG_MAGIC_BYTE -> {
        framed[0] = 1;
        yield framed;
      }
      case UNKNOWN_SCHEMA_ID -> {
        byte[] header = WireFormat.header(UNKNOWN_SCHEMA_ID);
        System.arraycopy(header, 0, framed, 0, header.length);
        yield framed;
      }
    };
  }

  /** Random bytes that never start with the magic byte, so no registry lookup can match them. */
  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[Math.max(1, length)];
    random.nextBytes(bytes);
    bytes[0] = (byte) (1 + random.nextInt(255));
    return bytes;
  }

  /** The full name of the topic the record goes to. */
  public String topicName(SampleRecord record) {
    return topic(record.topic()).name();
  }

  @SuppressWarnings("unchecked")
  private Topic<String, SpecificRecord> topic(PerennialTopic topic) {
    return (Topic<String, SpecificRecord>)
        (Topic<String, ?>)
            switch (topic) {
              case DOCUMENTS -> topics.documents();
              case FEEDBACK -> topics.feedback();
              case CONSENT -> topics.consent();
              default ->
                  throw new IllegalArgumentException("Apps do not send to " + topic.suffix());
            };
  }

  @Override
  public void close() {
    producer.close();
  }
}
