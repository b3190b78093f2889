package dev.perennial.ingest.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.schemas.registry.SchemaNotFoundException;
import dev.perennial.schemas.registry.SchemaRegistryException;
import dev.perennial.schemas.serde.AvroSerdeConfig;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handler on its own, for the answers the end-to-end test cannot provoke (a registry that
 * fails) and the keep-bytes switch; IngestServiceIT runs it on a real broker.
 */
class RejectingDeserializationHandlerTest {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String SECRET = "handler-test-pseudonym-secret-0123456789";
  private static final String SUBJECT = "alice.smith@example.com";
  private static final byte[] KEY = ("acme/" + SUBJECT).getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE = {7, 1, 2, 3};

  private final Topics topics =
      Topics.create(
          new TopicCatalog("handler-test.", 1, (short) 1, 1000L, -1L),
          Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()));
  private final IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());

  private RejectingDeserializationHandler handler(boolean keepBytes) {
    RejectingDeserializationHandler handler = new RejectingDeserializationHandler();
    handler.configure(
        Map.of(
            DeadLetterQueue.CONFIG,
            new DeadLetterQueue(
                topics,
                metrics,
                new Pseudonymizer(SECRET),
                new UnreadableRejections(keepBytes, 2L * IngestConfig.MAX_TEXT_BYTES_DEFAULT),
                Clock.fixed(NOW, ZoneOffset.UTC))));
    return handler;
  }

  private static ConsumerRecord<byte[], byte[]> record() {
    return record(KEY);
  }

  private static ConsumerRecord<byte[], byte[]> record(byte[] key) {
    return new ConsumerRecord<>("handler-test.documents.v1", 1, 42L, key, VALUE);
  }

  /** The key the dead letter of a record keyed {@code key} has on rejected.v1. */
  private String deadLetterKey(byte[] key) {
    DeserializationExceptionHandler.Response response =
        handler(false)
            .handleError(new Context(), record(key), new SerializationException("corrupt"));
    byte[] letterKey = response.deadLetterQueueRecords().get(0).key();
    return letterKey == null ? null : new String(letterKey, StandardCharsets.UTF_8);
  }

  private RejectedRecord deadLetter(DeserializationExceptionHandler.Response response) {
    assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).hasSize(1);
    ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
    assertThat(letter.topic()).isEqualTo("handler-test.rejected.v1");
    return topics
        .rejected()
        .valueSerde()
        .deserializer()
        .deserialize(letter.topic(), letter.value());
  }

  @Test
  void anUnreadableRecordBecomesAnUndeserializableRejectionWithoutItsBytes() {
    RejectedRecord rejected =
        deadLetter(
            handler(false)
                .handleError(
                    new Context(),
                    record(),
                    new SerializationException("Unknown magic byte 0x07 in record")));

    assertThat(rejected.getReason()).isEqualTo(RejectReason.UNDESERIALIZABLE);
    assertThat(rejected.getDetail())
        .isEqualTo("cannot deserialize: 'Unknown magic byte 0x07 in record'");
    assertThat(rejected.getSource().getTopic()).isEqualTo("handler-test.documents.v1");
    assertThat(rejected.getSource().getPartition()).isEqualTo(1);
    assertThat(rejected.getSource().getOffset()).isEqualTo(42);
    assertThat(rejected.getTenant()).isEqualTo("acme");
    assertThat(rejected.getKey()).isNull();
    assertThat(rejected.getValue()).isNull();
    assertThat(rejected.getRejectedAt()).isEqualTo(NOW);
    assertThat(metrics.count(IngestMetrics.REJECTIONS, "reason", "UNDESERIALIZABLE")).isEqualTo(1);
  }

  @Test
  void theDeadLetterIsKeyedByTheSubjectsPseudonymNeverByTheRawKey() {
    String pseudonymKey = "acme/" + new Pseudonymizer(SECRET).pseudonym("acme", SUBJECT);

    assertThat(deadLetterKey(KEY)).isEqualTo(pseudonymKey);
  }

  @Test
  void aKeyThatIsNotAValidTenantAndSubjectKeysTheDeadLetterByItsTenantOrNothing() {
    assertThat(deadLetterKey("acme/".getBytes(StandardCharsets.UTF_8))).isEqualTo("acme");
    assertThat(deadLetterKey(("acme/" + "x".repeat(300)).getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("acme");
    assertThat(deadLetterKey("acme/bad\u0000id".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("acme");
    assertThat(deadLetterKey(SUBJECT.getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(deadLetterKey("Not A Tenant!/alice".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(deadLetterKey(null)).isNull();
  }

  @Test
  void withTheSwitchOnTheRejectionKeepsTheOriginalBytes() {
    RejectedRecord rejected =
        deadLetter(
            handler(true)
                .handleError(new Context(), record(), new SerializationException("corrupt")));

    assertThat(rejected.getKey()).isEqualTo(ByteBuffer.wrap(KEY));
    assertThat(rejected.getValue()).isEqualTo(ByteBuffer.wrap(VALUE));
  }

  @Test
  void withTheSwitchOnBytesTooLargeToWriteAreNotKeptAndTheDetailSaysSo() {
    // A compressed batch takes a value of megabytes; a dead letter keeping it is larger than the
    // producer's max.request.size, and ingest stops on a record it cannot write
    // (StopOnProductionErrorHandler), on this same record again after every restart.
    byte[] large = new byte[2 * 1024 * 1024];
    ProducerRecord<byte[], byte[]> letter =
        handler(true)
            .handleError(
                new Context(),
                new ConsumerRecord<>("handler-test.documents.v1", 1, 42L, KEY, large),
                new SerializationException("corrupt"))
            .deadLetterQueueRecords()
            .get(0);
    RejectedRecord rejected =
        topics.rejected().valueSerde().deserializer().deserialize(letter.topic(), letter.value());

    assertThat(letter.value().length).isLessThan(64 * 1024);
    assertThat(rejected.getKey()).isNull();
    assertThat(rejected.getValue()).isNull();
    assertThat(rejected.getDetail())
        .startsWith("key and value (" + (KEY.length + large.length) + " bytes) not kept");
  }

  @Test
  void aSchemaIdTheRegistryDoesNotKnowIsAnUnknownSchema() {
    SerializationException error =
        new SerializationException(
            "Unknown schema id 99",
            new SchemaNotFoundException("no schema 99", SchemaRegistryException.SCHEMA_NOT_FOUND));

    RejectedRecord rejected =
        deadLetter(handler(false).handleError(new Context(), record(), error));

    assertThat(rejected.getReason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
  }

  @Test
  void aRegistryThatCannotBeReachedStopsIngestInsteadOfRejectingAGoodRecord() {
    SerializationException error =
        new SerializationException(
            "Cannot fetch schema id 3", new SchemaRegistryException("unavailable", 503, 503, null));

    DeserializationExceptionHandler.Response response =
        handler(false).handleError(new Context(), record(), error);

    assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  /** Where the record came from, as Streams tells a handler. */
  private static final class Context implements ErrorHandlerContext {
    @Override
    public String topic() {
      return "handler-test.documents.v1";
    }

    @Override
    public int partition() {
      return 1;
    }

    @Override
    public long offset() {
      return 42L;
    }

    @Override
    public Headers headers() {
      return new RecordHeaders();
    }

    @Override
    public String processorNodeId() {
      return "ingest-documents-source";
    }

    @Override
    public TaskId taskId() {
      return new TaskId(0, 1);
    }

    @Override
    public long timestamp() {
      return NOW.toEpochMilli();
    }

    @Override
    public byte[] sourceRawKey() {
      return KEY;
    }

    @Override
    public byte[] sourceRawValue() {
      return VALUE;
    }
  }
}
