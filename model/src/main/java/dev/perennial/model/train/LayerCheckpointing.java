package dev.perennial.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.model.ModelException;
import dev.perennial.model.llama.DecoderLayer;
import dev.perennial.model.llama.DecoderModel;
import dev.perennial.model.llama.ForwardContext;
import dev.perennial.model.runtime.EngineArrays;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunked language-modeling pass of one micro-batch with per-layer activation checkpointing:
 * the forward pass records nothing and keeps only each decoder layer's input; the backward pass
 * runs from the top down, recomputing one layer at a time with recording on and backpropagating
 * {@code sum(output * gradient of the output)} through it, which hands the layer's parameters their
 * gradient and yields the gradient of its input for the layer below. Memory holds every layer's
 * input [B, T, hidden] and one layer's activations, instead of every layer's activations.
 *
 * <p>The recomputed forward is the same computation on the same input, so the gradients are those
 * of the pass without checkpointing ({@code LayerCheckpointingTest}). LoRA dropout draws its masks
 * from the engine's generator, which is reseeded per layer from a seed drawn once per pass, so the
 * recomputation sees the masks the first forward saw; with dropout the masks differ from a run
 * without checkpointing (reproducible all the same). The price is one more forward pass of every
 * layer.
 */
final class LayerCheckpointing {

  private LayerCheckpointing() {}

  /**
   * As {@link TrainingLoop#chunkedForwardBackward}: returns the micro-batch's summed token loss;
   * gradients accumulate in the parameters.
   */
  static double forwardBackward(
      LanguageModel model,
      Batch batch,
      int stepCountedTokens,
      NDManager stepManager,
      int positionsPerChunk) {
    DecoderModel decoder = model.decoder();
    if (decoder.embeddingParameter().requiresGradient()) {
      throw new ModelException(
          "layer checkpointing does not train the token embedding; train it without checkpointing");
    }
    ParameterStore parameters = model.parameterStore();
    List<DecoderLayer> layers = decoder.layers();
    try (NDManager pass = stepManager.newSubManager()) {
      ForwardContext context =
          ForwardContext.create(
              pass, model.config(), batch.positions(pass), batch.keyValid(pass), null, null, true);
      long[] seeds = layerSeeds(pass, layers.size());
      // forward, recording nothing: keep each layer's input
      List<NDArray> inputs = new ArrayList<>(layers.size());
      NDArray hidden;
      try (ModelRuntime.GradMode off = ModelRuntime.gradModeOff()) {
        hidden = decoder.embed(parameters, batch.inputs(pass), true);
        for (int i = 0; i < layers.size(); i++) {
          inputs.add(hidden);
          try (NDManager layerPass = pass.newSubManager()) {
            ModelRuntime.seed(seeds[i]);
            hidden = layers.get(i).forward(parameters, into(layerPass, hidden), context);
            hidden.attach(pass);
          }
        }
      }
      NDArray head = decoder.outputWeight(parameters, model.device(), false);
      NDArray targets = EngineArrays.of(pass, batch.countedTargets());
      try (GradientCollector collector = ModelRuntime.engine().newGradientCollector()) {
        // the top: final norm and the chunked loss, backpropagated to the last layer's output
        double loss;
        NDArray gradient;
        try (NDManager topPass = pass.newSubManager()) {
          NDArray top = into(topPass, hidden);
          top.setRequiresGradient(true);
          NDArray counted = batch.counted(decoder.finalNorm(parameters, top, true), topPass);
          ChunkedCrossEntropy.LossAndGradient chunked =
              ChunkedCrossEntropy.lossAndGradient(counted, head, targets, positionsPerChunk);
          NDArray surrogate = counted.mul(chunked.hiddenGradient()).sum();
          // the divisor is engine-owned: the backward pass reads it (see EngineArrays)
          collector.backward(surrogate.div(EngineArrays.scalar(pass, stepCountedTokens)));
          loss = chunked.loss();
          gradient = keep(top.getGradient(), pass);
        }
        // the layers from the top down, each recomputed with recording on
        for (int i = layers.size() - 1; i >= 0; i--) {
          try (NDManager layerPass = pass.newSubManager()) {
            NDArray input = into(layerPass, inputs.get(i));
            boolean below = i > 0;
            input.setRequiresGradient(below);
            ModelRuntime.seed(seeds[i]);
            NDArray output = layers.get(i).forward(parameters, input, context);
            collector.backward(output.mul(gradient).sum());
            gradient.close();
            gradient = below ? keep(input.getGradient(), pass) : null;
          }
          inputs.get(i).close();
        }
        return loss;
      }
    }
  }

  /**
   * {@code array}'s values as a new array of {@code manager}, outside any recorded graph: what a
   * layer computes from it lands in that manager (an operation's result belongs to its first
   * operand's manager), so closing the manager frees the layer's intermediates.
   */
  private static NDArray into(NDManager manager, NDArray array) {
    NDArray detached = array.stopGradient();
    detached.attach(manager);
    return detached;
  }

  /** A gradient moved into {@code manager}, so it outlives the sub-manager it was read in. */
  private static NDArray keep(NDArray gradient, NDManager manager) {
    NDArray kept = gradient.duplicate();
    kept.attach(manager);
    return kept;
  }

  /** One seed per layer for the dropout masks, drawn from the engine's generator. */
  private static long[] layerSeeds(NDManager pass, int layers) {
    NDArray drawn =
        pass.randomInteger(0, Integer.MAX_VALUE, new Shape(Math.max(1, layers)), DataType.INT64);
    return drawn.toLongArray();
  }
}
