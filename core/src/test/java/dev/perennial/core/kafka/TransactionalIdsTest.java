package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.kafka.StageAcls.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransactionalIdsTest {

  private static final List<Stage> NAMING = List.of(Stage.TRAINER_WORKER, Stage.EVALUATOR);

  @Test
  void underTheDefaultTopicPrefixTheIdsAreThoseOfEarlierReleases() {
    assertThat(TransactionalIds.of("perennial.", Stage.TRAINER_WORKER, "worker-0"))
        .isEqualTo("perennial-trainer-worker-worker-0");
    assertThat(TransactionalIds.of("perennial.", Stage.EVALUATOR, "evaluator-0"))
        .isEqualTo("perennial-evaluator-evaluator-0");
  }

  @Test
  void underAnyOtherTopicPrefixTheIdsStartWithIt() {
    assertThat(TransactionalIds.of("prod.", Stage.TRAINER_WORKER, "worker-0"))
        .isEqualTo("prod.trainer-worker.worker-0");
    assertThat(TransactionalIds.of("prod.", Stage.EVALUATOR, "evaluator-0"))
        .isEqualTo("prod.evaluator.evaluator-0");
    assertThat(TransactionalIds.of("", Stage.EVALUATOR, "evaluator-0"))
        .isEqualTo("evaluator.evaluator-0");
  }

  @Test
  void noOtherPrefixesIdsFallUnderTheDefaultPrefixesAclsNorTheirsUnderIt() {
    // prefixed ACLs: neither install's principal may use, and so fence, the other's ids
    for (String other : List.of("", "perennial-", "perennial", "perennial.x.", "p")) {
      for (Stage stage : NAMING) {
        String defaults = TransactionalIds.prefix("perennial.", stage);
        String others = TransactionalIds.prefix(other, stage);
        assertThat(others).as("under %s", other).doesNotStartWith(defaults);
        assertThat(defaults).as("under %s", other).doesNotStartWith(others);
      }
    }
  }

  @Test
  void theStagesThatNameNoTransactionalIdsOfTheirOwnHaveNone() {
    for (Stage stage : List.of(Stage.INGEST, Stage.TRAINER_ACCUMULATOR, Stage.PUBLISHER)) {
      assertThatThrownBy(() -> TransactionalIds.prefix("perennial.", stage))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(stage.id());
    }
  }
}
