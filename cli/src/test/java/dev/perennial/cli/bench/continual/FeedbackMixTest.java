package dev.perennial.cli.bench.continual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.UpdateStream;
import dev.perennial.model.world.World;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.shard.ExampleContent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stream's feedback as the kinds of each mix, every example one the trainer accepts. */
class FeedbackMixTest {

  private static final List<QaPair> FEEDBACK =
      UpdateStream.generate(
              World.standard(), List.of("t"), new UpdateStream.Shape(1, 3, 1, 1, 2), 1)
          .get(0)
          .updates()
          .get(0)
          .feedback();

  @Test
  void theAppMixSendsTheSampleEventsKindsOfEveryNinePairs() {
    List<TrainingExample> examples = render(FeedbackMix.APP, 9);

    Map<ExampleKind, Integer> kinds = new EnumMap<>(ExampleKind.class);
    examples.forEach(e -> kinds.merge(e.getKind(), 1, Integer::sum));
    assertThat(kinds)
        .containsEntry(ExampleKind.CORRECTION, 4)
        .containsEntry(ExampleKind.PREFERENCE, 2)
        .containsEntry(ExampleKind.RATING, 3);
    List<TrainingExample> ratings =
        examples.stream().filter(e -> e.getKind() == ExampleKind.RATING).toList();
    assertThat(ratings).filteredOn(TrainingExample::getDesirable).hasSize(2);
    // the right answer is chosen, corrected or rated up; the thumbs-down is of the wrong one
    for (int i = 0; i < 9; i++) {
      TrainingExample example = examples.get(i);
      String right = FEEDBACK.get(i).completion();
      if (example.getKind() == ExampleKind.RATING) {
        assertThat(example.getCompletion().equals(right)).isEqualTo(example.getDesirable());
      } else {
        assertThat(example.getChosen()).isEqualTo(right);
        assertThat(example.getRejected()).isNotEqualTo(right);
      }
    }
  }

  @Test
  void theBenchMixMakesTwoSftExamplesAndOnePreferenceOfEveryThree() {
    List<TrainingExample> examples = render(FeedbackMix.BENCH, 6);

    assertThat(examples)
        .extracting(TrainingExample::getKind)
        .containsExactly(
            ExampleKind.SFT,
            ExampleKind.SFT,
            ExampleKind.PREFERENCE,
            ExampleKind.SFT,
            ExampleKind.SFT,
            ExampleKind.PREFERENCE);
  }

  private static List<TrainingExample> render(FeedbackMix mix, int count) {
    assertThat(FEEDBACK).hasSizeGreaterThanOrEqualTo(count);
    List<TrainingExample> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      TrainingExample example = mix.render(builder(i), FEEDBACK.get(i), i).build();
      assertThat(ExampleContent.problems(example)).as("example %d", i).isEmpty();
      examples.add(example);
    }
    return examples;
  }

  private static TrainingExample.Builder builder(int i) {
    return TrainingExample.newBuilder()
        .setExampleId("id-" + i)
        .setAdapterKey("t/default")
        .setTenant("t")
        .setSubjectPseudonym("p-t")
        .setKind(ExampleKind.SFT)
        .setSource(new SourceRef("bench.feedback.v1", 0, 0L))
        .setEventId("e-" + i)
        .setConsentVersion("bench")
        .setRedactions(Map.of())
        .setOccurredAt(Instant.EPOCH)
        .setIngestedAt(Instant.EPOCH);
  }
}
