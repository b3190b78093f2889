package dev.perennial.cli.bench.continual;

import dev.perennial.model.world.QaPair;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.TrainingExample;
import java.util.List;
import java.util.Locale;

/**
 * How a stream's question/answer feedback becomes training examples. Each QA pair states the
 * current value of a fact; the wrong answer of a pair is the fact's previous value (a changed fact)
 * or "I am not sure".
 */
public enum FeedbackMix {
  /**
   * Two of every three pairs SFT examples, the third a PREFERENCE of the right answer over the
   * wrong one: the stream the benchmark's README figures were measured on.
   */
  BENCH("bench"),
  /**
   * The kinds app feedback becomes at ingest, in the order the sample events send them ({@code
   * perennial local}, LoopIT): of every nine pairs four CORRECTIONs (the right answer over the
   * wrong one, one of them from a thumbs-down rating with a correction), two desirable RATINGs of
   * the right answer, two PREFERENCEs and one undesirable RATING of the wrong answer.
   */
  APP("app");

  private static final List<ExampleKind> APP_CYCLE =
      List.of(
          ExampleKind.CORRECTION,
          ExampleKind.RATING,
          ExampleKind.PREFERENCE,
          ExampleKind.CORRECTION,
          ExampleKind.CORRECTION,
          ExampleKind.RATING,
          ExampleKind.PREFERENCE,
          ExampleKind.CORRECTION,
          ExampleKind.RATING);

  /** In {@link #APP}'s cycle, the rating that is a thumbs-down of the wrong answer. */
  private static final int APP_BAD_RATING = 8;

  private final String label;

  FeedbackMix(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** {@code bench} or {@code app}. */
  public static FeedbackMix parse(String label) {
    for (FeedbackMix mix : values()) {
      if (mix.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
        return mix;
      }
    }
    throw new IllegalArgumentException("Unknown feedback mix " + label + " (bench, app)");
  }

  /** Fills {@code example} (id, tenant and so on set) as the {@code i}-th pair of an update. */
  TrainingExample.Builder render(TrainingExample.Builder example, QaPair pair, int i) {
    String right = pair.completion();
    String wrong = " " + (pair.fact().isChange() ? pair.fact().previousValue() : "I am not sure");
    example.setPrompt(pair.prompt());
    if (this == BENCH) {
      return i % 3 == 2
          ? example.setKind(ExampleKind.PREFERENCE).setChosen(right).setRejected(wrong)
          : example.setKind(ExampleKind.SFT).setCompletion(right);
    }
    int slot = i % APP_CYCLE.size();
    return switch (APP_CYCLE.get(slot)) {
      case CORRECTION ->
          example.setKind(ExampleKind.CORRECTION).setChosen(right).setRejected(wrong);
      case PREFERENCE ->
          example.setKind(ExampleKind.PREFERENCE).setChosen(right).setRejected(wrong);
      default ->
          slot == APP_BAD_RATING
              ? example
                  .setKind(ExampleKind.RATING)
                  .setCompletion(wrong)
                  .setDesirable(false)
                  .setRating(1)
              : example
                  .setKind(ExampleKind.RATING)
                  .setCompletion(right)
                  .setDesirable(true)
                  .setRating(5);
    };
  }
}
