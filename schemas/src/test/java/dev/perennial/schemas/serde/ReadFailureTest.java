package dev.perennial.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.registry.SchemaNotFoundException;
import dev.perennial.schemas.registry.SchemaRegistryException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class ReadFailureTest {

  @Test
  void aRegistryThatDoesNotAnswerIsAnOutageHoweverDeepTheCause() {
    SchemaRegistryException noAnswer =
        new SchemaRegistryException(
            "connection refused", SchemaRegistryException.NO_RESPONSE, 0, null);
    SchemaRegistryException serverError = new SchemaRegistryException("boom", 503, 50301, null);
    SchemaRegistryException refused = new SchemaRegistryException("who are you", 401, 401, null);

    assertThat(ReadFailure.of(wrapped(noAnswer))).isEqualTo(ReadFailure.OUTAGE);
    assertThat(ReadFailure.of(new StreamsException(wrapped(serverError))))
        .isEqualTo(ReadFailure.OUTAGE);
    assertThat(ReadFailure.isOutage(wrapped(refused))).isTrue();
    assertThat(ReadFailure.OUTAGE.badRecord()).isFalse();
  }

  @Test
  void anUnknownSchemaIdOrCorruptBytesAreABadRecord() {
    SerializationException unknown =
        wrapped(
            new SchemaNotFoundException("no schema 7", SchemaRegistryException.SCHEMA_NOT_FOUND));
    SerializationException corrupt = new SerializationException("Unknown magic byte 0x07");

    assertThat(ReadFailure.of(unknown)).isEqualTo(ReadFailure.UNKNOWN_SCHEMA);
    assertThat(ReadFailure.of(corrupt)).isEqualTo(ReadFailure.CORRUPT);
    assertThat(ReadFailure.of(unknown).badRecord()).isTrue();
    assertThat(ReadFailure.of(corrupt).badRecord()).isTrue();
  }

  @Test
  void aConsumersDeserializationErrorIsClassifiedByWhatItWraps() {
    RecordDeserializationException consumerError =
        new RecordDeserializationException(
            RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
            new TopicPartition("jobs", 0),
            42,
            0L,
            TimestampType.CREATE_TIME,
            null,
            null,
            null,
            "cannot deserialize",
            wrapped(new SchemaRegistryException("timeout", 0, 0, null)));

    assertThat(ReadFailure.of(consumerError)).isEqualTo(ReadFailure.OUTAGE);
  }

  private static SerializationException wrapped(Throwable cause) {
    return new SerializationException("Cannot fetch schema id 7: " + cause.getMessage(), cause);
  }
}
