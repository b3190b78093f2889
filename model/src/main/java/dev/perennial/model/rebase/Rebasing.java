package dev.perennial.model.rebase;

import dev.perennial.model.ModelException;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.Generator;
import dev.perennial.model.train.TrainingExample;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Moving an adapter from one base to its successor.
 *
 * <ul>
 *   <li>{@link #carryOver}: a compatible successor (see {@link Compatibility}) takes the adapter's
 *       matrices as they are, relabelled as an adapter of the new base; training may then continue
 *       from it on the key's data (the fine-tuning form of the transfer);
 *   <li>{@link #teacherExamples}: for any successor, sequence-level distillation. The teacher (the
 *       old base with the key's release) answers every prompt of the key's data greedily; a fresh
 *       adapter on the new base then learns from those answers alongside the data itself, so it
 *       inherits what the old adapter does, not only what the retained data says.
 * </ul>
 */
public final class Rebasing {

  private Rebasing() {}

  /** The adapter as an adapter of {@code to}; refused when the bases are not compatible. */
  public static PeftAdapter carryOver(PeftAdapter adapter, BaseModel from, BaseModel to) {
    adapter.checkFits(from.name(), from.digest(), from.config());
    Compatibility compatibility = Compatibility.between(from, to);
    if (!compatibility.carryOver()) {
      throw new ModelException(
          "cannot carry an adapter of "
              + from.name()
              + " over to "
              + to.name()
              + ": "
              + String.join("; ", compatibility.differences()));
    }
    PeftAdapter carried = new PeftAdapter(adapter.weights(), to.name(), to.digest());
    carried.checkFits(to.name(), to.digest(), to.config());
    return carried;
  }

  /** Hears how far the teacher is: {@code answered} of the data's {@code prompts} distinct ones. */
  @FunctionalInterface
  public interface TeacherProgress {
    void answered(int answered, int prompts);
  }

  /**
   * The teacher's answers to every distinct prompt of the data's prompt/completion examples, as
   * prompt/completion examples (an empty answer is left out).
   *
   * @param teacher the old base with the key's release loaded
   */
  public static List<TrainingExample> teacherExamples(
      LanguageModel teacher, List<TrainingExample> data, Generator.Options options) {
    return teacherExamples(teacher, data, options, (answered, prompts) -> {});
  }

  /** As {@link #teacherExamples(LanguageModel, List, Generator.Options)}, told after each batch. */
  public static List<TrainingExample> teacherExamples(
      LanguageModel teacher,
      List<TrainingExample> data,
      Generator.Options options,
      TeacherProgress progress) {
    Set<String> prompts = new LinkedHashSet<>();
    for (TrainingExample example : data) {
      if (example.kind() == TrainingExample.Kind.COMPLETION) {
        prompts.add(example.prompt());
      }
    }
    List<String> ordered = new ArrayList<>(prompts);
    List<String> answers =
        Generator.greedy(
            teacher, ordered, options, answered -> progress.answered(answered, ordered.size()));
    List<TrainingExample> taught = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      String answer = answers.get(i).stripTrailing();
      if (!answer.isBlank()) {
        taught.add(TrainingExample.completion(ordered.get(i), answer));
      }
    }
    return taught;
  }
}
