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

  @Test
  void examplesAboutOnePromptAreSetAsideTogether() {
    // What ingest sends for one piece of feedback as a PREFERENCE and as a CORRECTION (the same
    // split key): a recipe that trains feedback as SFT makes both the same SFT example, so one
    // trained on and the other judging early stopping would judge by a trained example.
    List<SourcedExample> examples = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      for (ExampleKind kind : List.of(ExampleKind.PREFERENCE, ExampleKind.CORRECTION)) {
        TrainingExample example = example(examples.size());
        example.setKind(kind);
        example.setSplitKey("prompt-" + i);
        examples.add(new SourcedExample(new SourcePosition("examples", 0, i), example));
      }
    }

    ValidationSplit split = ValidationSplit.of(examples, 0.1);

    assertThat(split.validation()).isNotEmpty();
    assertThat(split.training())
        .extracting(e -> e.example().getSplitKey())
        .as("prompts with an example on each side")
        .doesNotContainAnyElementsOf(
            split.validation().stream().map(e -> e.example().getSplitKey()).toList());
  }

  private static List<SourcedExample> examples(int count) {
    List<SourcedExample> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      examples.add(new SourcedExample(new SourcePosition("examples", 0, i), example(i)));
    }
    return examples;
  }

  private static TrainingExample example(int i) {
    return TrainingExample.newBuilder()
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
  }
}
