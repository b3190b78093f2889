package dev.perennial.evaluator.suite;

import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.history.HistoryEntry;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.schemas.v1.AdapterCandidate;
import java.util.List;
import java.util.Optional;

/**
 * Everything the suites need to evaluate one candidate, loaded and checked.
 *
 * @param newTask the held-out examples of the candidate's shards: what it should have learnt
 * @param taught questions with a short answer from the candidate's training shards (what its job
 *     taught it; at most {@link #TAUGHT_QUESTIONS}, spread over them): whether it learnt what it
 *     was taught, beside {@code newTask}'s questions it never saw
 * @param earlierPool the rest of the key's held-out pool: the examples of the key's other held-out
 *     shards still in the store (what the key learnt before)
 * @param prior the key's history up to the incumbent (the incumbent's evaluation, as a release),
 *     when the evaluator has it
 * @param earlierTasks the prior history's tasks after the general set, as measurable now
 * @param general the base's general evaluation set (the configured share of it)
 * @param otherCanaries every other tenant's canaries, which the candidate must not expose
 * @param ownCanaries the candidate's tenant's own canaries (reported, not gated)
 * @param ownCanariesRanked whether {@code ownCanaries} are ranked (false: counted, not scored)
 */
public record EvaluationContext(
    AdapterCandidate candidate,
    ModelRef model,
    Optional<Incumbent> incumbent,
    List<EvalExample> newTask,
    String newTaskDataset,
    List<EvalExample> taught,
    String taughtDataset,
    List<EvalExample> earlierPool,
    String earlierPoolDataset,
    Optional<HistoryEntry> prior,
    List<EarlierTask> earlierTasks,
    List<EvalExample> general,
    String generalDataset,
    List<PlantedCanary> otherCanaries,
    List<PlantedCanary> ownCanaries,
    boolean ownCanariesRanked,
    int controls,
    GateThresholds thresholds) {

  /** The most taught questions answered: greedy answers cost more than scores. */
  public static final int TAUGHT_QUESTIONS = 64;

  public EvaluationContext {
    newTask = List.copyOf(newTask);
    taught = List.copyOf(taught);
    earlierPool = List.copyOf(earlierPool);
    earlierTasks = List.copyOf(earlierTasks);
    general = List.copyOf(general);
    otherCanaries = List.copyOf(otherCanaries);
    ownCanaries = List.copyOf(ownCanaries);
  }

  /** The new task's questions whose greedy answers exact match judges. */
  public List<EvalExample> newQuestions() {
    return newTask.stream().filter(EvalExample::hasShortAnswer).toList();
  }

  /** The key's whole held-out pool: the new task, then the earlier examples. */
  public int poolSize() {
    return newTask.size() + earlierPool.size();
  }

  /** The general set's questions whose greedy answers exact match judges. */
  public List<EvalExample> generalQuestions() {
    return general.stream().filter(EvalExample::hasShortAnswer).toList();
  }

  /** Every earlier task's examples together. */
  public List<EvalExample> earlierExamples() {
    return earlierTasks.stream().flatMap(task -> task.examples().stream()).toList();
  }

  /** The models compared: the candidate, its incumbent if any, the base. */
  public List<ModelRef> comparedModels() {
    return incumbent.isPresent()
        ? List.of(model, incumbent.get().model(), ModelRef.BASE)
        : List.of(model, ModelRef.BASE);
  }
}
