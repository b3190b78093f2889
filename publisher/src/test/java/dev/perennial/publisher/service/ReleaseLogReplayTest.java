package dev.perennial.publisher.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.testing.LogCapture;
import dev.perennial.schemas.registry.SchemaNotFoundException;
import dev.perennial.schemas.registry.SchemaRegistryException;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.ReleaseAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class ReleaseLogReplayTest {

  private static final String TOPIC = "perennial.releases.v1";

  private final List<Duration> pauses = new ArrayList<>();
  private int outagesLeft;

  /** Reads "key vN" as key's release vN, "corrupt" and "unknown" as bad records. */
  private final Deserializer<AdapterRelease> values =
      (topic, bytes) -> {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (outagesLeft > 0) {
          outagesLeft--;
          throw new SerializationException(
              "Error retrieving Avro schema",
              new SchemaRegistryException(
                  "connection refused", SchemaRegistryException.NO_RESPONSE, 0, null));
        }
        if (text.equals("corrupt")) {
          throw new SerializationException("Unknown magic byte!");
        }
        if (text.equals("unknown")) {
          throw new SerializationException(
              "Error retrieving Avro schema for id 99",
              new SchemaNotFoundException("Schema 99 not found", 40403));
        }
        String[] parts = text.split(" v");
        return release(parts[0], Integer.parseInt(parts[1]));
      };

  private final ReleaseLogReplay replay = new ReleaseLogReplay(values, pauses::add);

  private static AdapterRelease release(String key, int version) {
    return AdapterRelease.newBuilder()
        .setAdapterKey(key)
        .setVersion(version)
        .setAction(ReleaseAction.PUBLISHED)
        .setLocation("releases/" + key + "/v" + version)
        .setManifestDigest("m" + version)
        .setFileDigests(Map.of())
        .setBaseModelName("perennial-tiny")
        .setBaseModelDigest("sha256:base")
        .setCandidateId("c" + version)
        .setLatestVersion(version)
        .setAliases(Map.of("stable", version))
        .setRetractedVersions(List.of())
        .setOccurredAt(Instant.ofEpochMilli(version))
        .build();
  }

  private long offset;

  private void apply(String key, String value) {
    replay.apply(
        new ConsumerRecord<>(
            TOPIC,
            0,
            offset++,
            key,
            value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aSkippedRecordsKeyThatIsNoIdIsNotRepeatedInTheLogLine() {
    // releases.v1's key is whatever its writer put there: a line break forges a log line.
    String forged = "acme/support\n2026-01-02 03:04:05 INFO forged line";
    String logged;
    try (LogCapture logs = new LogCapture()) {
      apply(forged, "corrupt");
      logged = logs.text();
    }

    assertThat(logged)
        .doesNotContain("forged line")
        .contains("Skipping release record " + TOPIC + "-0@0", "not shown");
    assertThat(replay.result().skipped()).isEqualTo(1);
  }

  @Test
  void aCorruptRecordIsSkippedAndItsKeyNamedWhileTheOtherKeysAreRead() {
    apply("acme/support", "acme/support v1");
    apply("globex/chat", "globex/chat v1");
    apply("acme/support", "corrupt");

    ReleaseLogReplay.Result result = replay.result();

    assertThat(result.latest()).containsOnlyKeys("globex/chat");
    assertThat(result.unreadable()).containsOnlyKeys("acme/support");
    assertThat(result.unreadable().get("acme/support"))
        .contains(TOPIC + "-0@2")
        .contains("CORRUPT");
    assertThat(result.skipped()).isEqualTo(1);
  }

  @Test
  void aRecordOfAnUnknownSchemaIsSkippedWithThatReason() {
    apply("acme/support", "unknown");

    ReleaseLogReplay.Result result = replay.result();

    assertThat(result.latest()).isEmpty();
    assertThat(result.unreadable().get("acme/support")).contains("UNKNOWN_SCHEMA");
    assertThat(result.skipped()).isEqualTo(1);
  }

  @Test
  void aLaterReadableRecordOfTheKeyReplacesAnUnreadableOne() {
    apply("acme/support", "corrupt");
    apply("acme/support", "acme/support v2");
    apply("globex/chat", "corrupt");
    apply("globex/chat", null);

    ReleaseLogReplay.Result result = replay.result();

    assertThat(result.latest()).containsOnlyKeys("acme/support");
    assertThat(result.latest().get("acme/support").getVersion()).isEqualTo(2);
    assertThat(result.unreadable()).isEmpty();
    assertThat(result.skipped()).isEqualTo(2);
  }

  @Test
  void aRecordWithoutAKeyIsSkippedAndCounted() {
    apply(null, "acme/support v1");

    assertThat(replay.result().latest()).isEmpty();
    assertThat(replay.result().unreadable()).isEmpty();
    assertThat(replay.result().skipped()).isEqualTo(1);
  }

  @Test
  void aSchemaRegistryOutageIsWaitedOutAndTheRecordReadAfterIt() {
    outagesLeft = 3;

    apply("acme/support", "acme/support v1");

    assertThat(pauses).hasSize(3);
    assertThat(replay.result().latest()).containsOnlyKeys("acme/support");
    assertThat(replay.result().skipped()).isZero();
  }
}
