package dev.perennial.model.train;

import dev.perennial.model.ModelException;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.DeviceChoice;
import java.nio.file.Path;
import java.util.List;

/**
 * One LoRA training run.
 *
 * @param base the frozen base model
 * @param examples what to learn
 * @param replay examples to rehearse alongside (may be empty)
 * @param lora the adapter's shape for a fresh adapter; ignored (may be null) when continuing
 * @param startFrom the adapter to continue from (the current release), or null for a fresh one
 * @param recipe optimisation settings
 * @param outputFolder where the PEFT adapter folder is written
 * @param device where to train
 * @param validation examples never trained on whose loss decides early stopping (may be empty)
 * @param earlyStopping when to stop before the step budget is spent; null: train every step
 * @param feedback feedback examples trained by their objectives (may be empty), against the frozen
 *     reference the model is as training starts (see {@link ReferenceLikelihoods})
 * @param objectives how the step loss mixes the kinds; null: {@link FeedbackObjectives#defaults}
 * @param distillation a teacher whose next-token distributions the adapter also learns on the
 *     examples (token-level distillation); null: none
 * @param averagedTail the fraction of the final steps whose weights are averaged into the adapter
 *     written ({@link TailAveraging}); 0: the last step's weights
 * @param replayedStop another run's stop to train to ({@link TrainingResult#stopping}), instead of
 *     stopping on validation loss; null: {@link StoppingRule#NEVER}
 */
public record LoraTrainingRequest(
    BaseModel base,
    List<TrainingExample> examples,
    List<TrainingExample> replay,
    LoraConfig lora,
    PeftAdapter startFrom,
    TrainingRecipe recipe,
    Path outputFolder,
    DeviceChoice device,
    List<TrainingExample> validation,
    EarlyStopping earlyStopping,
    List<FeedbackExample> feedback,
    FeedbackObjectives objectives,
    TokenDistillation distillation,
    double averagedTail,
    StoppingRule replayedStop) {

  public LoraTrainingRequest {
    if (base == null || examples == null || recipe == null || outputFolder == null) {
      throw new ModelException(
          "a LoRA training request needs a base, examples, a recipe and an output folder");
    }
    if (lora == null && startFrom == null) {
      throw new ModelException(
          "a LoRA training request needs a LoRA config or an adapter to continue");
    }
    replay = replay == null ? List.of() : List.copyOf(replay);
    examples = List.copyOf(examples);
    device = device == null ? DeviceChoice.AUTO : device;
    validation = validation == null ? List.of() : List.copyOf(validation);
    feedback = feedback == null ? List.of() : List.copyOf(feedback);
    objectives = objectives == null ? FeedbackObjectives.defaults() : objectives;
    if (averagedTail != 0) {
      TailAveraging.checkFraction(averagedTail);
    }
    replayedStop = replayedStop == null ? StoppingRule.NEVER : replayedStop;
    if (replayedStop != StoppingRule.NEVER && earlyStopping != null && !validation.isEmpty()) {
      throw new ModelException(
          "a LoRA training request stops on its validation loss or where another run stopped,"
              + " not both");
    }
  }

  /** A fresh adapter. */
  public static LoraTrainingRequest fresh(
      BaseModel base,
      List<TrainingExample> examples,
      List<TrainingExample> replay,
      LoraConfig lora,
      TrainingRecipe recipe,
      Path outputFolder) {
    return new LoraTrainingRequest(
        base,
        examples,
        replay,
        lora,
        null,
        recipe,
        outputFolder,
        DeviceChoice.AUTO,
        null,
        null,
        null,
        null,
        null,
        0,
        null);
  }

  /** Continues training an existing adapter (the current release's) with its own LoRA shape. */
  public static LoraTrainingRequest continuing(
      BaseModel base,
      List<TrainingExample> examples,
      List<TrainingExample> replay,
      PeftAdapter adapter,
      TrainingRecipe recipe,
      Path outputFolder) {
    return new LoraTrainingRequest(
        base,
        examples,
        replay,
        null,
        adapter,
        recipe,
        outputFolder,
        DeviceChoice.AUTO,
        null,
        null,
        null,
        null,
        null,
        0,
        null);
  }

  /**
   * Continues {@code startFrom} with its own LoRA shape, or trains a fresh adapter of shape {@code
   * freshLora} when there is none.
   */
  public static LoraTrainingRequest startingFrom(
      PeftAdapter startFrom,
      LoraConfig freshLora,
      BaseModel base,
      List<TrainingExample> examples,
      List<TrainingExample> replay,
      TrainingRecipe recipe,
      Path outputFolder) {
    return startFrom == null
        ? fresh(base, examples, replay, freshLora, recipe, outputFolder)
        : continuing(base, examples, replay, startFrom, recipe, outputFolder);
  }

  public LoraTrainingRequest on(DeviceChoice choice) {
    return new LoraTrainingRequest(
        base,
        examples,
        replay,
        lora,
        startFrom,
        recipe,
        outputFolder,
        choice,
        validation,
        earlyStopping,
        feedback,
        objectives,
        distillation,
        averagedTail,
        replayedStop);
  }

  /**
   * The same request stopping early on the loss of {@code validationExamples} (which must not be
   * among the training examples); without validation examples every step is trained.
   */
  public LoraTrainingRequest stoppingOn(
      List<TrainingExample> validationExamples, EarlyStopping stopping) {
    return new LoraTrainingRequest(
        base,
        examples,
        replay,
        lora,
        startFrom,
        recipe,
        outputFolder,
        device,
        validationExamples,
        stopping,
        feedback,
        objectives,
        distillation,
        averagedTail,
        replayedStop);
  }

  /** The same request also training {@code examples} of feedback by {@code how}. */
  public LoraTrainingRequest withFeedback(List<FeedbackExample> examples, FeedbackObjectives how) {
    return new LoraTrainingRequest(
        base,
        this.examples,
        replay,
        lora,
        startFrom,
        recipe,
        outputFolder,
        device,
        validation,
        earlyStopping,
        examples,
        how,
        distillation,
        averagedTail,
        replayedStop);
  }

  /** The same request also learning the teacher's next-token distributions on the examples. */
  public LoraTrainingRequest distilledFrom(TokenDistillation teacher) {
    return new LoraTrainingRequest(
        base,
        examples,
        replay,
        lora,
        startFrom,
        recipe,
        outputFolder,
        device,
        validation,
        earlyStopping,
        feedback,
        objectives,
        teacher,
        averagedTail,
        replayedStop);
  }

  /**
   * The same request writing the mean of the weights over the last {@code fraction} of its steps
   * (tail weight averaging, {@link TailAveraging}); 0: the last step's weights.
   */
  public LoraTrainingRequest averagingTail(double fraction) {
    return new LoraTrainingRequest(
        base,
        examples,
        replay,
        lora,
        startFrom,
        recipe,
        outputFolder,
        device,
        validation,
        earlyStopping,
        feedback,
        objectives,
        distillation,
        fraction,
        replayedStop);
  }

  /**
   * The same request stopping where another run of its recipe stopped ({@link
   * TrainingResult#stopping}), so that it trains at that run's learning rate on every step.
   */
  public LoraTrainingRequest stoppingAs(StoppingRule stop) {
    return new LoraTrainingRequest(
        base,
        examples,
        replay,
        lora,
        startFrom,
        recipe,
        outputFolder,
        device,
        validation,
        earlyStopping,
        feedback,
        objectives,
        distillation,
        averagedTail,
        stop);
  }

  /** Whether training may stop before its step budget. */
  public boolean stopsEarly() {
    return earlyStopping != null && !validation.isEmpty();
  }
}
