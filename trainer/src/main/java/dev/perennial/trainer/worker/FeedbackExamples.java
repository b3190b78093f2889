package dev.perennial.trainer.worker;

import dev.perennial.model.train.FeedbackExample;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.shard.ExampleContent;
import dev.perennial.trainer.shard.SourcedExample;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's feedback examples as the model layer trains them: a PREFERENCE as a pair, a CORRECTION as
 * the correction chosen over the response, a RATING as its answer and label.
 */
final class FeedbackExamples {

  private FeedbackExamples() {}

  /** The feedback examples among {@code examples}, in order; the others are left out. */
  static List<FeedbackExample> of(List<SourcedExample> examples) {
    List<FeedbackExample> feedback = new ArrayList<>();
    for (SourcedExample sourced : examples) {
      TrainingExample example = sourced.example();
      if (!ExampleContent.isFeedback(example)) {
        continue;
      }
      feedback.add(
          switch (example.getKind()) {
            case PREFERENCE ->
                FeedbackExample.preference(
                    example.getPrompt(), example.getChosen(), example.getRejected());
            case CORRECTION ->
                FeedbackExample.correction(
                    example.getPrompt(), example.getChosen(), example.getRejected());
            default ->
                FeedbackExample.rating(
                    example.getPrompt(),
                    example.getCompletion(),
                    Boolean.TRUE.equals(example.getDesirable()));
          });
    }
    return feedback;
  }
}
