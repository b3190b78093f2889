package dev.perennial.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.perennial.model.ModelException;
import dev.perennial.model.llama.DecoderModel;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.runtime.BasePrecision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Puts arrays into a decoder's base parameters: from a checkpoint, or a seeded initialisation. */
public final class ModelWeights {

  private static final Logger LOG = LoggerFactory.getLogger(ModelWeights.class);
  private static final double INIT_STD = 0.02;

  private ModelWeights() {}

  /**
   * Loads every base parameter from the checkpoint by Hugging Face name. A missing or mis-shaped
   * tensor is an error naming it (all of them at once), never a silently random weight. Tensors
   * stream from the files into engine memory chunk by chunk (no Java copy of a whole tensor).
   */
  public static void load(
      DecoderModel model, HfCheckpoint checkpoint, NDManager manager, boolean trainable) {
    load(model, checkpoint, manager, trainable, BasePrecision.FLOAT32);
  }

  /**
   * As {@link #load(DecoderModel, HfCheckpoint, NDManager, boolean)}, the frozen projection weights
   * held in {@code precision}.
   */
  public static void load(
      DecoderModel model,
      HfCheckpoint checkpoint,
      NDManager manager,
      boolean trainable,
      BasePrecision precision) {
    Set<Parameter> projections = projectionWeights(model, trainable, precision);
    Map<String, Shape> expected = model.baseShapes();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Shape> entry : expected.entrySet()) {
      String name = entry.getKey();
      if (!checkpoint.contains(name)) {
        problems.add("tensor " + name + " is missing");
        continue;
      }
      long[] found = checkpoint.entry(name).shape();
      if (!Arrays.equals(found, entry.getValue().getShape())) {
        problems.add(
            "tensor "
                + name
                + " has shape "
                + Arrays.toString(found)
                + " but config.json implies "
                + entry.getValue()
                + vocabularyRows(name, found, entry.getValue()));
      }
    }
    if (!problems.isEmpty()) {
      throw new ModelException(
          "checkpoint "
              + checkpoint.folder()
              + " does not match its config: "
              + String.join("; ", problems));
    }
    long unused = checkpoint.tensorNames().stream().filter(n -> !expected.containsKey(n)).count();
    if (unused > 0) {
      LOG.info(
          "checkpoint {} has {} tensors the decoder does not use (e.g. a tied lm_head)",
          checkpoint.folder(),
          unused);
    }
    Map<String, Parameter> parameters = model.baseParameters();
    for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
      NDArray array = checkpoint.toArray(entry.getKey(), manager);
      Parameter parameter = entry.getValue();
      set(
          parameter,
          projections.contains(parameter) ? precision.hold(array, entry.getKey()) : array,
          trainable);
    }
  }

  /** Sets every base parameter from tensors by Hugging Face name (same checks as a checkpoint). */
  public static void load(
      DecoderModel model, Map<String, HostTensor> tensors, NDManager manager, boolean trainable) {
    load(model, tensors, manager, trainable, BasePrecision.FLOAT32);
  }

  /**
   * As {@link #load(DecoderModel, Map, NDManager, boolean)}, the frozen projection weights held in
   * {@code precision}.
   */
  public static void load(
      DecoderModel model,
      Map<String, HostTensor> tensors,
      NDManager manager,
      boolean trainable,
      BasePrecision precision) {
    Set<Parameter> projections = projectionWeights(model, trainable, precision);
    Map<String, Shape> expected = model.baseShapes();
    List<String> problems = new ArrayList<>();
    expected.forEach(
        (name, shape) -> {
          HostTensor tensor = tensors.get(name);
          if (tensor == null) {
            problems.add("tensor " + name + " is missing");
          } else if (!Arrays.equals(tensor.shape(), shape.getShape())) {
            problems.add(
                "tensor "
                    + name
                    + " has shape "
                    + tensor.shapeText()
                    + ", expected "
                    + shape
                    + vocabularyRows(name, tensor.shape(), shape));
          }
        });
    if (!problems.isEmpty()) {
      throw new ModelException("weights do not match the config: " + String.join("; ", problems));
    }
    model
        .baseParameters()
        .forEach(
            (name, parameter) -> {
              NDArray array = tensors.get(name).toArray(manager);
              set(
                  parameter,
                  projections.contains(parameter) ? precision.hold(array, name) : array,
                  trainable);
            });
  }

  /**
   * What an embedding or head with another row count than {@code vocab_size} means. transformers
   * builds both from vocab_size and refuses the checkpoint as a size mismatch (or, with {@code
   * ignore_mismatched_sizes}, draws them at random), so such a tensor is never read; a padded
   * embedding loads once vocab_size records its rows.
   */
  private static String vocabularyRows(String name, long[] found, Shape expected) {
    boolean embedding = name.equals("model.embed_tokens.weight");
    if (!(embedding || name.equals("lm_head.weight"))
        || found.length != 2
        || found[1] != expected.get(1)
        || found[0] == expected.get(0)) {
      return "";
    }
    String rows =
        " (its "
            + found[0]
            + " rows, not config.json's vocab_size "
            + expected.get(0)
            + ", which transformers refuses too as a size mismatch";
    return embedding && found[0] > expected.get(0)
        ? rows
            + "; an embedding padded past the tokenizer's ids loads with vocab_size "
            + found[0]
            + " in config.json, an untied lm_head having as many rows)"
        : rows + ")";
  }

  /** The projection weights {@code precision} holds its own way; refused on a trainable base. */
  private static Set<Parameter> projectionWeights(
      DecoderModel model, boolean trainable, BasePrecision precision) {
    if (precision == BasePrecision.FLOAT32) {
      return Set.of();
    }
    if (trainable) {
      throw new ModelException(
          "a trainable base is held in float32; base precision "
              + precision
              + " is for frozen bases");
    }
    Set<Parameter> weights = new HashSet<>();
    for (int layer = 0; layer < model.layers().size(); layer++) {
      for (TargetModule module : TargetModule.values()) {
        weights.add(model.projection(layer, module).base().weight());
      }
    }
    return weights;
  }

  /**
   * Seeded initialisation for pretraining and tests: weights normal(0, 0.02) with the residual
   * outputs (o_proj, down_proj) scaled by 1/sqrt(2 * layers), norms one, biases zero. Each tensor
   * has its own generator seeded by (seed, name), so the result does not depend on the engine.
   */
  public static Map<String, HostTensor> initialize(DecoderModel model, long seed) {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    double residualScale = 1.0 / Math.sqrt(2.0 * model.config().numHiddenLayers());
    model
        .baseShapes()
        .forEach(
            (name, shape) -> {
              float[] values = new float[Math.toIntExact(shape.size())];
              if (name.endsWith("norm.weight")) {
                Arrays.fill(values, 1f);
              } else if (name.endsWith(".weight")) {
                double std = INIT_STD;
                if (name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight")) {
                  std *= residualScale;
                }
                Random random = new Random(seed * 31 + name.hashCode());
                for (int i = 0; i < values.length; i++) {
                  values[i] = (float) (random.nextGaussian() * std);
                }
              }
              tensors.put(name, new HostTensor(shape.getShape(), values));
            });
    return tensors;
  }

  /** Copies every base parameter to Java memory by Hugging Face name. */
  public static Map<String, HostTensor> read(DecoderModel model) {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    model
        .baseParameters()
        .forEach((name, parameter) -> tensors.put(name, HostTensor.of(parameter.getArray())));
    return tensors;
  }

  private static void set(Parameter parameter, NDArray array, boolean trainable) {
    parameter.setArray(array);
    parameter.freeze(!trainable);
  }
}
