package dev.perennial.trainer.plasticity;

import ai.djl.Device;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.score.Scorer;
import dev.perennial.model.train.TrainingExample;
import java.util.List;

/**
 * The mean token loss of a job's own examples under an adapter (or the base alone, which is where a
 * fresh adapter starts): a learning gain is this loss before training minus after.
 */
public final class GainProbe {

  private static final int BATCH = 16;

  private final BaseModel base;
  private final Device device;
  private final List<TrainingExample> examples;
  private final int maxLength;

  private GainProbe(BaseModel base, Device device, List<TrainingExample> examples, int maxLength) {
    this.base = base;
    this.device = device;
    this.examples = List.copyOf(examples);
    this.maxLength = maxLength;
  }

  /** Probes the first {@code most} of {@code examples}, cut to {@code maxLength} tokens. */
  public static GainProbe of(
      BaseModel base, Device device, List<TrainingExample> examples, int most, int maxLength) {
    return new GainProbe(
        base, device, examples.subList(0, Math.min(most, examples.size())), maxLength);
  }

  /** Whether there is nothing to measure (a job of feedback examples only). */
  public boolean isEmpty() {
    return examples.isEmpty();
  }

  public int size() {
    return examples.size();
  }

  /** Mean token loss (nats) under {@code adapter}, or under the base alone when it is null. */
  public double loss(PeftAdapter adapter) {
    try (LanguageModel model =
        adapter == null
            ? LanguageModel.load(base, device)
            : LanguageModel.loadAdapter(base, device, adapter, false)) {
      List<ExampleScore> scores = Scorer.score(model, examples, BATCH, maxLength);
      return ExampleScore.meanLoss(scores);
    }
  }
}
