package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.StageAcls.Stage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupIdsTest {

  @Test
  void underTheDefaultTopicPrefixTheIdsAreThoseOfEarlierReleases() {
    assertThat(List.of(Stage.values()))
        .extracting(stage -> GroupIds.defaultOf("perennial.", stage))
        .containsExactly(
            "perennial-ingest",
            "perennial-trainer-accumulator",
            "perennial-trainer-worker",
            "perennial-evaluator",
            "perennial.publisher");
  }

  @Test
  void underAnyOtherTopicPrefixTheIdsStartWithIt() {
    assertThat(List.of(Stage.values()))
        .extracting(stage -> GroupIds.defaultOf("prod.", stage))
        .containsExactly(
            "prod.ingest",
            "prod.trainer-accumulator",
            "prod.trainer-worker",
            "prod.evaluator",
            "prod.publisher");
    assertThat(GroupIds.defaultOf("", Stage.EVALUATOR)).isEqualTo("evaluator");
  }

  @Test
  void twoTopicPrefixesShareNoIdAndNoneTheDefaultPrefixesSaveItsLookAlikePerennialDash() {
    List<String> prefixes = List.of("perennial.", "prod.", "staging.", "", "perennial", "p");
    List<String> ids = new ArrayList<>();
    for (String prefix : prefixes) {
      for (Stage stage : Stage.values()) {
        ids.add(GroupIds.defaultOf(prefix, stage));
      }
    }

    assertThat(ids).doesNotHaveDuplicates();
    // the one prefix whose ids are those of perennial. (its install sets its own)
    assertThat(GroupIds.defaultOf("perennial-", Stage.INGEST)).isEqualTo("perennial-ingest");
  }

  @Test
  void anIdSetStaysAsSetTrimmedAndAnEmptyOneIsTheDefault() {
    assertThat(GroupIds.of("prod.", Stage.INGEST, "perennial-ingest"))
        .isEqualTo("perennial-ingest");
    assertThat(GroupIds.of("prod.", Stage.TRAINER_WORKER, " acme-workers\t"))
        .isEqualTo("acme-workers");
    assertThat(GroupIds.of("prod.", Stage.EVALUATOR, " ")).isEqualTo("prod.evaluator");
    assertThat(GroupIds.of("prod.", Stage.EVALUATOR, null)).isEqualTo("prod.evaluator");
  }

  @Test
  void aStreamsStagesInternalTopicsHoldNoTopicOfItsInstall() {
    // ingest and the accumulator get All on the topics prefixed <application.id>-
    for (String prefix : List.of("perennial.", "prod.", "")) {
      List<String> topics = new ArrayList<>();
      for (PerennialTopic topic : PerennialTopic.values()) {
        topics.add(TopicCatalog.name(prefix, topic));
      }
      for (PerennialTopic topic : TenantTopics.INPUTS) {
        topics.add(TenantTopics.name(prefix, "ingest", topic));
      }
      for (Stage stage : List.of(Stage.INGEST, Stage.TRAINER_ACCUMULATOR)) {
        String internal = GroupIds.defaultOf(prefix, stage) + "-";
        assertThat(topics).as("under %s", prefix).noneMatch(name -> name.startsWith(internal));
      }
    }
  }
}
