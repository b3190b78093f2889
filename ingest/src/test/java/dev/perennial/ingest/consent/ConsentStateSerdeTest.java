package dev.perennial.ingest.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ConsentStateSerdeTest {

  private final ConsentStateSerde serde = new ConsentStateSerde();

  private ConsentState roundTrip(ConsentState state) {
    byte[] bytes = serde.serializer().serialize("store", state);
    return serde.deserializer().deserialize("store", bytes);
  }

  @Test
  void aGrantRoundTripsWithEveryField() {
    ConsentState state =
        new ConsentState(
            true, Instant.parse("2026-03-01T10:00:00.123Z"), "2026-01", "p.consent.v1", 3, 42L);

    assertThat(roundTrip(state)).isEqualTo(state);
    assertThat(state.version()).isEqualTo("p.consent.v1-3@42");
  }

  @Test
  void aRevocationWithoutPolicyVersionRoundTrips() {
    ConsentState state =
        new ConsentState(false, Instant.ofEpochMilli(0), null, "p.consent.v1", 0, 0L);

    assertThat(roundTrip(state)).isEqualTo(state);
  }

  @Test
  void nullIsATombstone() {
    assertThat(serde.serializer().serialize("store", null)).isNull();
    assertThat(serde.deserializer().deserialize("store", null)).isNull();
  }

  @Test
  void anUnknownFormatOrTruncatedBytesAreReportedWithTheTopic() {
    byte[] bytes =
        serde
            .serializer()
            .serialize("store", new ConsentState(true, Instant.ofEpochMilli(1), null, "t", 0, 1L));
    byte[] future = bytes.clone();
    future[0] = 9;

    assertThatThrownBy(() -> serde.deserializer().deserialize("changelog", future))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("changelog")
        .hasMessageContaining("format version 9");
    assertThatThrownBy(
            () ->
                serde
                    .deserializer()
                    .deserialize("changelog", Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Truncated consent state in changelog");
  }
}
