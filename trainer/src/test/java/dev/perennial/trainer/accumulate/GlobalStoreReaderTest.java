package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.perennial.schemas.registry.SchemaNotFoundException;
import dev.perennial.schemas.registry.SchemaRegistryException;
import dev.perennial.schemas.topic.Topic;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decoding a global store's bytes on the stream thread: an outage is the accumulator's to wait out,
 * an unreadable record is absent. Records here are text; "corrupt" and "unknown-schema" are what
 * the Avro deserializer cannot read.
 */
class GlobalStoreReaderTest {

  private final RegistryDeserializer deserializer = new RegistryDeserializer();
  private final Topic<String, String> topic =
      new Topic<>(
          "perennial.bases.v1",
          Serdes.String(),
          Serdes.serdeFrom(Serdes.String().serializer(), deserializer));
  private KeyValueStore<String, byte[]> store;
  private GlobalStoreReader<String> reader;

  @BeforeEach
  void openStore() {
    store = AccumulatorStores.basesStore(Stores::inMemoryKeyValueStore).build();
    MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
    reader = new GlobalStoreReader<>(store, topic);
  }

  @Test
  void aRecordReadWhileTheRegistryIsDownFailsAsTheOutageTheAccumulatorWaitsOut() {
    store.put("perennial-tiny-2", bytes("perennial-tiny-2"));
    deserializer.registryDown = true;

    Throwable failure = catchThrowable(() -> reader.get("perennial-tiny-2"));

    assertThat(failure).isInstanceOf(SerializationException.class);
    assertThat(TrainerAccumulator.isOutage(new StreamsException(failure))).isTrue();
    assertThat(catchThrowable(reader::all)).isSameAs(deserializer.lastOutage);

    // the replaced stream thread reads it again once the registry answers
    deserializer.registryDown = false;
    assertThat(reader.get("perennial-tiny-2")).contains("perennial-tiny-2");
    assertThat(reader.all()).containsExactly("perennial-tiny-2");
  }

  @Test
  void anUnreadableRecordIsReadAsAbsentAndTheOthersAreStillRead() {
    store.put("perennial-tiny-2", bytes("perennial-tiny-2"));
    store.put("perennial-tiny-3", bytes("corrupt"));
    store.put("perennial-tiny-4", bytes("unknown-schema"));

    assertThat(reader.get("perennial-tiny-3")).isEmpty();
    assertThat(reader.get("perennial-tiny-4")).isEmpty();
    assertThat(reader.all()).containsExactly("perennial-tiny-2");
  }

  @Test
  void aRecordIsDecodedOnceUntilItsBytesChange() {
    store.put("perennial-tiny-2", bytes("first"));
    store.put("perennial-tiny-3", bytes("corrupt"));

    reader.all();
    reader.all();
    reader.get("perennial-tiny-2");
    assertThat(deserializer.decodes).isEqualTo(2);

    store.put("perennial-tiny-2", bytes("second"));
    assertThat(reader.all()).containsExactly("second");
    assertThat(deserializer.decodes).isEqualTo(3);

    store.delete("perennial-tiny-2");
    assertThat(reader.get("perennial-tiny-2")).isEmpty();
    assertThat(reader.all()).isEmpty();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Fails as the Avro deserializer does: on an outage, a corrupt record or an unknown schema. */
  private static final class RegistryDeserializer implements Deserializer<String> {

    boolean registryDown;
    int decodes;
    SerializationException lastOutage;

    @Override
    public String deserialize(String topic, byte[] data) {
      decodes++;
      String text = new String(data, StandardCharsets.UTF_8);
      if (registryDown) {
        lastOutage =
            new SerializationException(
                "Cannot fetch schema id 7 for record on topic " + topic,
                new SchemaRegistryException(
                    "connection refused", SchemaRegistryException.NO_RESPONSE, 0, null));
        throw lastOutage;
      }
      if (text.equals("corrupt")) {
        throw new SerializationException("Unknown magic byte 0x63 in record on topic " + topic);
      }
      if (text.equals("unknown-schema")) {
        throw new SerializationException(
            "Unknown schema id 7 in record on topic " + topic,
            new SchemaNotFoundException("no schema 7", SchemaRegistryException.SCHEMA_NOT_FOUND));
      }
      return text;
    }
  }
}
