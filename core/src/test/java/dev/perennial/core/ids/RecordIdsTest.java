package dev.perennial.core.ids;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordIdsTest {

  @Test
  void theIdsPerennialMakesAreShownAsTheyAre() {
    for (String id :
        new String[] {
          "3f2a9c0b" + "0".repeat(56),
          "erasure-perennial.consent.v1-3@1234",
          "acme/support",
          "job-9",
          // a trainer's candidate id and the evaluator's verdict id of it
          "acme/support@1-e894ca7885e2#candidate",
          "acme/support@1-e894ca7885e2#candidate#verdict",
          "x".repeat(RecordIds.MAX_LENGTH)
        }) {
      assertThat(RecordIds.isValid(id)).as(id).isTrue();
      assertThat(RecordIds.shown(id)).isEqualTo(id);
      assertThat(RecordIds.problem("id", id)).isEmpty();
    }
  }

  @Test
  void anythingElseIsNotShownAndItsProblemDoesNotRepeatIt() {
    for (String hostile :
        new String[] {
          "e-1\nINFO forged",
          "e-1\rforged",
          "e-1 forged",
          "e\u0000x",
          "e\u202Ex",
          "é",
          "",
          "x".repeat(RecordIds.MAX_LENGTH + 1)
        }) {
      assertThat(RecordIds.isValid(hostile)).as(hostile).isFalse();
      assertThat(RecordIds.shown(hostile)).isEqualTo(RecordIds.NOT_SHOWN);
      assertThat(RecordIds.problem("request id", hostile))
          .hasValueSatisfying(
              problem -> {
                assertThat(problem).contains("request id");
                if (!hostile.isEmpty()) {
                  assertThat(problem).doesNotContain(hostile);
                }
              });
    }
    assertThat(RecordIds.isValid(null)).isFalse();
    assertThat(RecordIds.shown(null)).isEqualTo(RecordIds.NOT_SHOWN);
  }
}
