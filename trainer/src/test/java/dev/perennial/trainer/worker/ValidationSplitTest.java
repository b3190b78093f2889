package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.shard.SourcePosition;
import dev.perennial.trainer.shard.SourcedExample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {

  @Test
  void aShareOfTheJobsExamplesIsSetAsideTheSameWayEveryTimeIndependentlyOfTheHeldOutSplit() {
    List<SourcedExample> examples = examples(400);

    ValidationSplit split = ValidationSplit.of(examples, 0.1);

    assertThat(split.validation()).hasSizeBetween(20, 60);
    assertThat(split.training()).hasSize(400 - split.validation().size());
    assertThat(split.training()).doesNotContainAnyElementsOf(split.validation());
    assertThat(ValidationSplit.of(examples, 0.1)).isEqualTo(split);
    HeldOutSplit heldOut = new HeldOutSplit(0.1);
    long alsoHeldOut =
        split.validation().stream()
            .filter(e -> heldOut.isHeldOut(e.example().getExampleId()))
            .count();
    assertThat(alsoHeldOut).as("the two splits are independent").isLessThan(15);
  }

  @Test
  void tooFewToJudgeByAndNoFractionSetNothingAside() {
    assertThat(ValidationSplit.of(examples(12), 0.1).validation()).isEmpty();
    assertThat(ValidationSplit.of(examples(12), 0.1).training()).hasSize(12);
    assertThat(ValidationSplit.of(examples(400), 0).validation()).isEmpty();
  }

  private static List<SourcedExample> examples(int count) {
    List<SourcedExample> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      TrainingExample example =
          TrainingExample.newBuilder()
              .setExampleId("example-" + i)
              .setAdapterKey("acme/support")
              .setTenant("acme")
              .setSubjectPseudonym("p")
              .setKind(ExampleKind.TEXT)
              .setText("text " + i)
              .setSource(new SourceRef("documents", 0, (long) i))
              .setEventId("e" + i)
              .setConsentVersion("v")
              .setRedactions(Map.of())
              .setOccurredAt(Instant.EPOCH)
              .setIngestedAt(Instant.EPOCH)
              .build();
      examples.add(new SourcedExample(new SourcePosition("examples", 0, i), example));
    }
    return examples;
  }
}
