package dev.perennial.trainer.accumulate;

import static dev.perennial.trainer.testing.Examples.at;
import static dev.perennial.trainer.testing.Examples.sft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.trainer.accumulate.TrainerEvent.CandidateArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ErasureArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ExampleArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.InsufficientEvidence;
import dev.perennial.trainer.accumulate.TrainerEvent.RebaseRefused;
import dev.perennial.trainer.accumulate.TrainerEvent.ReleaseArrived;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class TrainerEventSerdeTest {

  private final TrainerEventSerde serde = new TrainerEventSerde();

  @Test
  void everyKindOfEventReadsBackEqual() {
    List<TrainerEvent> events =
        List.of(
            new ExampleArrived(at(1, 42, sft("acme/support", "p-1", "Q?", " A."))),
            new ErasureArrived(
                ErasureRequest.newBuilder()
                    .setRequestId("erase-1")
                    .setTenant("acme")
                    .setSubjectPseudonym("p-1")
                    .setRevokedAt(Instant.ofEpochMilli(5))
                    .setSource(new SourceRef("perennial.consent.v1", 0, 3L))
                    .build()),
            new CandidateArrived("acme/support", "c-1", "j-1", 4),
            new CandidateArrived("acme/support", "c-2", "j-2", null),
            new CandidateArrived("acme/support", "c-5", "j-5", null, 3),
            new ReleaseArrived("acme/support", 7, "c-1"),
            new ReleaseArrived(
                "acme/support",
                8,
                "c-3",
                List.of(
                    new StableOnBase("ab", "perennial-tiny", 7, "loc-7", "m7"),
                    new StableOnBase("cd", "perennial-tiny-2", 8, "loc-8", "m8"))),
            new InsufficientEvidence("acme/support", "c-3", "j-3"),
            new RebaseRefused("acme/support", "c-4", "j-4"));

    for (TrainerEvent event : events) {
      byte[] bytes = serde.serializer().serialize("t", event);
      assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(event);
    }
  }

  @Test
  void aCandidateWrittenBeforeMovedVersionsWereCarriedReadsWithNone() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeByte(1); // format
      out.writeByte(3); // the candidate type as written before
      out.writeUTF("acme/support");
      out.writeUTF("c-1");
      out.writeUTF("j-1");
      out.writeBoolean(true);
      out.writeInt(4);
    }

    assertThat(serde.deserializer().deserialize("t", bytes.toByteArray()))
        .isEqualTo(new CandidateArrived("acme/support", "c-1", "j-1", 4, null));
  }

  @Test
  void bytesOfAnotherFormatAreRefusedByName() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {9, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Unknown trainer event format 9");
  }
}
