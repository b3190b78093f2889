package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.AccumulatorDriver;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The production accumulator topology in a {@link org.apache.kafka.streams.TopologyTestDriver}, fed
 * a {@code candidates.v1} or {@code releases.v1} record it cannot read (corrupt bytes). The
 * accumulator learns a candidate or release only from its record: one skipped is never retracted or
 * purged by a later erasure of a subject it trained on, so it stops instead, as for one too large
 * ({@link AccumulatorLineageSizeTest}).
 */
class AccumulatorLineageUnreadableTest {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
  private static final String KEY = "acme/support";
  private static final byte[] UNREADABLE = {7, 1, 2, 3};

  @TempDir Path folder;

  private AccumulatorDriver accumulator;

  @BeforeEach
  void start() {
    Map<String, String> values = AccumulatorDriver.values(folder);
    values.put(TrainerConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    accumulator = AccumulatorDriver.start(values, AT);
  }

  @AfterEach
  void close() {
    accumulator.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"candidates", "releases"})
  void audit_anUnreadableCandidateOrReleaseStopsTheAccumulatorRatherThanBeSkipped(String which) {
    String topic =
        which.equals("candidates")
            ? accumulator.topics().candidates().name()
            : accumulator.topics().releases().name();

    assertThatThrownBy(() -> accumulator.raw(topic).pipeInput(KEY, UNREADABLE))
        .as("a skipped %s record is never tainted by a later erasure", which)
        .hasStackTraceContaining(topic);
  }

  @Test
  void anUnreadableExampleIsSkippedAndTheAccumulatorGoesOn() {
    String topic = accumulator.topics().examples().name();

    assertThatCode(() -> accumulator.raw(topic).pipeInput(KEY, UNREADABLE))
        .doesNotThrowAnyException();
    assertThat(accumulator.output(accumulator.topics().trainingJobs()).isEmpty()).isTrue();
  }
}
