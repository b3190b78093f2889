package dev.perennial.model.train;

import ai.djl.Device;
import dev.perennial.model.ModelException;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a LoRA adapter on a frozen base and writes it as a PEFT folder: a fresh adapter (seeded
 * initialisation) or one continuing from an existing adapter (continual learning), optionally
 * rehearsing replay examples, and learning from feedback examples by their objectives ({@link
 * FeedbackSteps}) against the frozen reference of the adapter it starts from (the base alone for a
 * fresh one). With the same request, seed and thread count on CPU the adapter files are
 * byte-identical.
 */
public final class LoraTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(LoraTrainer.class);

  private LoraTrainer() {}

  public static TrainingResult run(LoraTrainingRequest request, StepListener listener) {
    TrainingRecipe recipe = request.recipe();
    ModelRuntime.setThreads(recipe.threads());
    LoraWeights initial = initialWeights(request);
    Device device = ModelRuntime.device(request.device());
    TextTokenizer tokenizer = request.base().tokenizer();
    List<String> refusals = new ArrayList<>();
    List<TokenizedExample> examples =
        tokenize(request.examples(), tokenizer, recipe.maxSequenceLength(), refusals);
    List<TokenizedExample> replay =
        tokenize(request.replay(), tokenizer, recipe.maxSequenceLength(), refusals);
    if (!refusals.isEmpty()) {
      LOG.warn(
          "{} examples skipped because the base's tokenizer refuses them; the first: {}",
          refusals.size(),
          refusals.get(0));
    }
    List<TokenizedFeedback> feedback =
        TokenizedFeedback.of(request.feedback(), tokenizer, recipe.maxSequenceLength(), refusals);
    int truncated =
        countTruncated(examples)
            + countTruncated(replay)
            + (int) feedback.stream().filter(TokenizedFeedback::truncated).count();
    if (truncated > 0) {
      LOG.warn("{} examples were cut to {} tokens", truncated, recipe.maxSequenceLength());
    }
    TokenDistillation distillation = request.distillation();
    if (distillation != null) {
      distillation.checkStudent(request.base());
      if (!feedback.isEmpty()) {
        throw new ModelException(
            "token-level distillation trains language-model examples only; this request also has "
                + feedback.size()
                + " feedback examples");
      }
    }
    try (LanguageModel model = LanguageModel.load(request.base(), device, initial, true);
        LanguageModel teacherModel =
            distillation == null
                ? null
                : LanguageModel.loadAdapter(
                    distillation.base(), device, distillation.adapter(), false);
        // the replay KL anchor's reference: the model as training starts, frozen
        LanguageModel anchor =
            feedback.isEmpty() || replay.isEmpty() || !(request.objectives().replayKlWeight() > 0)
                ? null
                : LanguageModel.load(request.base(), device, initial, false)) {
      // the reference is the model as training starts, scored once before the first step
      ReferenceLikelihoods reference =
          feedback.isEmpty()
              ? null
              : ReferenceLikelihoods.compute(
                  model, feedback, recipe.batchSize(), tokenizer.padId());
      StepSource source;
      if (feedback.isEmpty()) {
        ExampleSampler sampler = new ExampleSampler(examples, replay, recipe, tokenizer.padId());
        TrainingLoop.Teacher teacher =
            teacherModel == null
                ? null
                : new TrainingLoop.Teacher(
                    teacherModel,
                    distillation.weight(),
                    distillation.rightBonus(),
                    recipe.batchSize() - sampler.replayPerBatch());
        source = TrainingLoop.languageModeling(sampler, teacher, recipe.checkpointLayers());
      } else {
        if (recipe.checkpointLayers()) {
          LOG.info(
              "layer checkpointing applies to language-modeling passes only: this job's feedback"
                  + " passes keep every layer's activations");
        }
        source =
            new FeedbackSteps(
                examples,
                replay,
                feedback,
                reference,
                anchor,
                request.objectives(),
                recipe,
                tokenizer.padId());
      }
      LOG.info(
          "LoRA r={} on {} over {}: {} examples, {} feedback, {} replay ({} per batch), {}"
              + " validation, up to {} steps on {}",
          initial.config().rank(),
          initial.config().targetModules(),
          request.base().name(),
          examples.size(),
          feedback.size(),
          replay.size(),
          recipe.replayRows(replay.size()),
          request.stopsEarly() ? request.validation().size() : 0,
          recipe.steps(),
          device);
      ValidationMonitor monitor =
          request.stopsEarly()
              ? new ValidationMonitor(
                  model,
                  request.validation(),
                  request.earlyStopping(),
                  recipe.batchSize(),
                  recipe.maxSequenceLength())
              : null;
      TrainingLoop.Outcome outcome;
      try (TailAveraging averaging =
          request.averagedTail() > 0
              ? new TailAveraging(
                  model.trainableParameters(), model.manager(), request.averagedTail())
              : null) {
        outcome =
            TrainingLoop.run(
                model,
                source,
                recipe,
                averaging == null ? listener : averaging.andThen(listener),
                monitor == null ? request.replayedStop() : monitor);
        if (averaging != null) {
          averaging.apply();
          LOG.info("Adapter weights averaged over the last {} steps", averaging.count());
        }
      }
      List<ValidationPoint> validation = List.of();
      if (monitor != null) {
        monitor.finish(outcome.steps().size());
        validation = monitor.points();
        LOG.info(
            "Validation loss {} before training, {} after {} steps ({} planned)",
            validation.get(0).loss(),
            validation.get(validation.size() - 1).loss(),
            outcome.steps().size(),
            recipe.steps());
      }
      model.adapter().write(request.outputFolder());
      return new TrainingResult(
          outcome.steps(),
          outcome.tokens(),
          examples.size(),
          replay.size(),
          truncated,
          refusals.size(),
          outcome.seconds(),
          request.outputFolder(),
          device.toString(),
          validation,
          recipe.steps(),
          feedback.size(),
          reference == null ? 0 : reference.rows());
    }
  }

  private static LoraWeights initialWeights(LoraTrainingRequest request) {
    PeftAdapter start = request.startFrom();
    if (start == null) {
      return LoraWeights.initialize(
          request.base().config(), request.lora(), request.recipe().seed());
    }
    start.checkFits(request.base().name(), request.base().digest(), request.base().config());
    if (request.lora() != null && !request.lora().equals(start.weights().config())) {
      throw new ModelException(
          "cannot continue an adapter shaped "
              + start.weights().config()
              + " as "
              + request.lora());
    }
    return start.weights();
  }

  /**
   * Tokenizes every example the tokenizer accepts; one it refuses (special-token text, a chat
   * template that raises) is skipped with its reason, so one record cannot stop a training run.
   */
  static List<TokenizedExample> tokenize(
      List<TrainingExample> examples,
      TextTokenizer tokenizer,
      int maxLength,
      List<String> refusals) {
    List<TokenizedExample> tokenized = new ArrayList<>(examples.size());
    for (TrainingExample example : examples) {
      try {
        tokenized.add(TokenizedExample.of(example, tokenizer, maxLength));
      } catch (ModelException e) {
        refusals.add(e.getMessage());
      }
    }
    return tokenized;
  }

  private static int countTruncated(List<TokenizedExample> examples) {
    return (int) examples.stream().filter(TokenizedExample::truncated).count();
  }
}
