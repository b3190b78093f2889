package dev.perennial.model.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.perennial.model.ModelException;
import dev.perennial.model.llama.AdapterDelta;
import dev.perennial.model.llama.ForwardContext;
import dev.perennial.model.llama.KvCache;
import dev.perennial.model.lora.AdapterStack;
import dev.perennial.model.runtime.EngineArrays;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.tokenizer.SequenceEncoder;
import dev.perennial.model.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greedy decoding with a KV cache, many prompts per batch: prompts are padded on the left, each new
 * token attends to the cached keys, and a row stops at end-of-sequence (or at a newline when asked,
 * which is how short QA answers end). Prompts are encoded as {@link SequenceEncoder#prompt} says:
 * through the base's chat template when it has one. A prompt that leaves too few of the model's
 * positions for the new tokens keeps only its end, so that one long prompt cannot stop an
 * evaluation.
 */
public final class Generator {

  private static final Logger log = LoggerFactory.getLogger(Generator.class);

  private Generator() {}

  /** Generation limits. */
  public record Options(int maxNewTokens, boolean stopAtNewline, int batchSize) {

    public Options {
      if (maxNewTokens < 1 || batchSize < 1) {
        throw new ModelException("generation needs maxNewTokens and batchSize of at least 1");
      }
    }

    /** Short answers: up to 32 tokens, stop at a newline, 32 prompts per batch. */
    public static Options shortAnswers() {
      return new Options(32, true, 32);
    }
  }

  /** Continues each prompt greedily under the model as it is. */
  public static List<String> greedy(LanguageModel model, List<String> prompts, Options options) {
    return greedy(model, prompts, options, answered -> {});
  }

  /**
   * Continues each prompt greedily under the model as it is, telling {@code answered} how many
   * prompts are answered after each batch.
   */
  public static List<String> greedy(
      LanguageModel model, List<String> prompts, Options options, IntConsumer answered) {
    return generate(model, prompts, null, null, options, answered);
  }

  /** Continues prompt i under adapter {@code adapterOf[i]} of the stack. */
  public static List<String> greedyWithAdapters(
      LanguageModel base,
      AdapterStack adapters,
      int[] adapterOf,
      List<String> prompts,
      Options options) {
    if (adapterOf.length != prompts.size()) {
      throw new ModelException(
          adapterOf.length + " adapter choices for " + prompts.size() + " prompts");
    }
    return generate(base, prompts, adapters, adapterOf, options, answered -> {});
  }

  private static List<String> generate(
      LanguageModel model,
      List<String> prompts,
      AdapterStack adapters,
      int[] adapterOf,
      Options options,
      IntConsumer answered) {
    List<String> outputs = new ArrayList<>(prompts.size());
    for (int from = 0; from < prompts.size(); from += options.batchSize()) {
      Interruption.check("generation");
      int to = Math.min(prompts.size(), from + options.batchSize());
      long[] rowAdapters = null;
      if (adapters != null) {
        rowAdapters = new long[to - from];
        for (int i = from; i < to; i++) {
          rowAdapters[i - from] = adapterOf[i];
        }
      }
      outputs.addAll(
          generateBatch(model, prompts.subList(from, to), adapters, rowAdapters, options));
      answered.accept(outputs.size());
    }
    return outputs;
  }

  private static List<String> generateBatch(
      LanguageModel model,
      List<String> prompts,
      AdapterStack adapters,
      long[] rowAdapters,
      Options options) {
    TextTokenizer tokenizer = model.tokenizer();
    int rows = prompts.size();
    int modelPositions = model.config().maxPositionEmbeddings();
    int promptRoom = modelPositions - options.maxNewTokens();
    if (promptRoom < 1) {
      throw new ModelException(
          options.maxNewTokens()
              + " new tokens leave no room for a prompt in the model's "
              + modelPositions
              + " positions");
    }
    int[][] promptIds = new int[rows][];
    int width = 0;
    int cut = 0;
    for (int r = 0; r < rows; r++) {
      int[] ids = SequenceEncoder.prompt(tokenizer, prompts.get(r));
      if (ids.length > promptRoom) {
        // the end of a prompt (the question and the answer cue) is what the answer depends on
        ids = Arrays.copyOfRange(ids, ids.length - promptRoom, ids.length);
        cut++;
      }
      promptIds[r] = ids;
      width = Math.max(width, ids.length);
    }
    if (cut > 0) {
      log.warn(
          "{} of {} prompts were longer than the {} of the model's {} positions that {} new tokens"
              + " leave; each keeps its last {} tokens",
          cut,
          rows,
          promptRoom,
          modelPositions,
          options.maxNewTokens(),
          promptRoom);
    }
    int maxTotal = width + options.maxNewTokens();
    // left padding: row r's prompt ends at the last column
    long[] inputs = new long[rows * width];
    long[] positions = new long[rows * width];
    float[] keyValid = new float[rows * maxTotal];
    int[] nextPosition = new int[rows];
    for (int r = 0; r < rows; r++) {
      int offset = width - promptIds[r].length;
      for (int t = 0; t < width; t++) {
        boolean real = t >= offset;
        inputs[r * width + t] = real ? promptIds[r][t - offset] : tokenizer.padId();
        positions[r * width + t] = real ? t - offset : 0;
        keyValid[r * maxTotal + t] = real ? 1f : 0f;
      }
      nextPosition[r] = promptIds[r].length;
    }
    List<List<Integer>> generated = new ArrayList<>();
    boolean[] finished = new boolean[rows];
    for (int r = 0; r < rows; r++) {
      generated.add(new ArrayList<>());
    }
    try (NDManager generation = model.manager().newSubManager();
        KvCache cache = new KvCache(generation, model.config().numHiddenLayers())) {
      NDArray adapterRows = adapters == null ? null : EngineArrays.of(generation, rowAdapters);
      long[] stepInputs = inputs;
      long[] stepPositions = positions;
      int stepWidth = width;
      int keys = width;
      for (int step = 0; step < options.maxNewTokens(); step++) {
        Interruption.check("generation");
        long[] next;
        try (NDManager pass = generation.newSubManager()) {
          AdapterDelta delta = adapterRows == null ? null : adapters.forRows(adapterRows);
          NDArray valid =
              EngineArrays.of(pass, columns(keyValid, rows, maxTotal, keys), new Shape(rows, keys));
          ForwardContext context =
              ForwardContext.create(
                  pass,
                  model.config(),
                  EngineArrays.of(pass, stepPositions, new Shape(rows, stepWidth)),
                  valid,
                  cache,
                  delta,
                  false);
          NDArray logits =
              model
                  .decoder()
                  .forward(
                      model.parameterStore(),
                      EngineArrays.of(pass, stepInputs, new Shape(rows, stepWidth)),
                      context);
          next = logits.get(new NDIndex(":, -1, :")).argMax(-1).toLongArray();
        }
        boolean all = true;
        for (int r = 0; r < rows; r++) {
          if (!finished[r]) {
            int token = (int) next[r];
            if (tokenizer.stopIds().contains(token)
                || (options.stopAtNewline() && isNewline(tokenizer, token))) {
              finished[r] = true;
            } else {
              generated.get(r).add(token);
            }
          }
          all &= finished[r];
        }
        if (all) {
          break;
        }
        // feed the chosen tokens: one new column per row
        stepInputs = new long[rows];
        stepPositions = new long[rows];
        for (int r = 0; r < rows; r++) {
          stepInputs[r] = next[r];
          stepPositions[r] = nextPosition[r]++;
          keyValid[r * maxTotal + keys] = 1f;
        }
        stepWidth = 1;
        keys++;
      }
    }
    List<String> texts = new ArrayList<>(rows);
    for (List<Integer> ids : generated) {
      texts.add(tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray()));
    }
    return texts;
  }

  private static float[] columns(float[] matrix, int rows, int stride, int columns) {
    float[] result = new float[rows * columns];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(matrix, r * stride, result, r * columns, columns);
    }
    return result;
  }

  private static boolean isNewline(TextTokenizer tokenizer, int token) {
    return tokenizer.decode(new int[] {token}).contains("\n");
  }
}
