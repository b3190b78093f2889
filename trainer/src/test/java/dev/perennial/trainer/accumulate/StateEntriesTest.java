package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The accumulator's stored entries as earlier versions wrote them still read. */
class StateEntriesTest {

  private static <T> T read(Class<T> type, String json) {
    return new JsonSerde<>(type)
        .deserializer()
        .deserialize("changelog", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aCandidateEntryWrittenBeforeWeightBlobsWereRecordedReadsWithNoneAndNotPurged() {
    CandidateEntry entry =
        read(
            CandidateEntry.class,
            "{\"candidateId\":\"c-1\",\"jobId\":\"j-1\",\"parentVersion\":2}");

    assertThat(entry).isEqualTo(new CandidateEntry("c-1", "j-1", 2, null, null, null));
  }

  @Test
  void aReleaseEntryWrittenBeforeWeightBlobsWereRecordedReadsWithNoneAndWithoutTheSubject() {
    ReleaseEntry entry =
        read(
            ReleaseEntry.class,
            "{\"version\":3,\"candidateId\":\"c-1\",\"erasedBy\":{\"requestId\":\"erasure-4\","
                + "\"subjectPseudonym\":\"p-1\"}}");

    assertThat(entry).isEqualTo(new ReleaseEntry(3, "c-1", new ErasureMark("erasure-4"), null));
  }

  @Test
  void aPurgedCandidateEntryReadsBackEqual() {
    CandidateEntry entry =
        new CandidateEntry("c-1", "j-1", null, 4, List.of("ab", "cd"), null)
            .weightsPurgedBy("erasure-4");
    JsonSerde<CandidateEntry> serde = new JsonSerde<>(CandidateEntry.class);

    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", entry)))
        .isEqualTo(entry);
  }

  @Test
  void aJobEntryWrittenBeforeGivenUpJobsWereRecordedReadsAsNotGivenUp() {
    JobEntry entry =
        read(
            JobEntry.class,
            "{\"jobId\":\"j-1\",\"trigger\":\"REBASE\",\"trainShards\":[\"ab\"],"
                + "\"heldOutShards\":[],\"replayShards\":[],\"rebaseTo\":\"cd\","
                + "\"distil\":false,\"undecided\":false,\"refused\":false,"
                + "\"announcedAt\":5,\"sourceVersion\":1}");

    assertThat(entry)
        .isEqualTo(JobEntry.rebase("j-1", List.of("ab"), List.of(), "cd", false, 5, 1));
    assertThat(entry.foundGivenUp().givenUp()).isTrue();
  }
}
