package dev.perennial.model.train;

import dev.perennial.model.ModelException;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;

/**
 * Token-level distillation for a LoRA training run: besides the examples' own loss, the student
 * matches a teacher's next-token distribution at every position the examples' loss counts (the KL
 * divergence from the teacher's distribution to the student's), never on replay rows. The teacher
 * is another base with an adapter (the key's release on the old base when re-basing); it must read
 * the same tokens, so its tokenizer files must be the student base's.
 *
 * @param base the teacher's base
 * @param adapter the teacher's adapter on that base
 * @param weight how much the KL term weighs against the examples' negative log-likelihood (> 0)
 * @param rightBonus added to {@code weight} on an example the teacher gets right (focal
 *     distillation, Yan et al. 2021, "Positive-Congruent Training": the student is pulled hardest
 *     toward the teacher where the teacher was right); 0: every example weighs {@code weight}.
 *     Right means the teacher's argmax under teacher forcing is the example's token at every
 *     position the example's loss counts (for a completion: greedy decoding would reproduce it)
 */
public record TokenDistillation(
    BaseModel base, PeftAdapter adapter, double weight, double rightBonus) {

  /** Plain token-level distillation: every example's KL term weighs {@code weight}. */
  public TokenDistillation(BaseModel base, PeftAdapter adapter, double weight) {
    this(base, adapter, weight, 0);
  }

  public TokenDistillation {
    if (base == null || adapter == null) {
      throw new ModelException("token-level distillation needs a teacher base and adapter");
    }
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new ModelException("token-level distillation needs a weight above 0, not " + weight);
    }
    if (!(rightBonus >= 0) || !Double.isFinite(rightBonus)) {
      throw new ModelException(
          "focal distillation needs a bonus for right examples of 0 or more, not " + rightBonus);
    }
  }

  /** Refuses a student base whose tokens the teacher does not read the same way. */
  void checkStudent(BaseModel student) {
    if (!student.tokenizerDigest().equals(base.tokenizerDigest())) {
      throw new ModelException(
          "cannot distil "
              + base.name()
              + " into "
              + student.name()
              + " token by token: their tokenizer files differ (distil sequences instead)");
    }
    if (student.config().vocabSize() != base.config().vocabSize()) {
      throw new ModelException(
          "cannot distil "
              + base.name()
              + " into "
              + student.name()
              + " token by token: vocabulary "
              + base.config().vocabSize()
              + " vs "
              + student.config().vocabSize());
    }
  }
}
