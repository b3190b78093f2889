package dev.perennial.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.core.Linear;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.AdapterDelta;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several adapters stacked so one batch can use a different adapter in every row, with each
 * adapter's {@code alpha / r} folded into its B. Per projection the stack holds A^T [N, in, r] and
 * B^T [N, r, out] (what the per-row batched products use; adapters of smaller rank are zero-padded
 * to the largest rank and modules an adapter does not touch are zero, which changes no result), and
 * per adapter its own A [r, in] and B [out, r] of the modules it touches, in the layout of the LoRA
 * layers (what one adapter's passes use, through the same kernels and without slicing the stack in
 * every pass).
 */
public final class AdapterStack implements AutoCloseable {

  private static final int A_T = 0;
  private static final int B_T = 1;

  private final NDManager manager;
  private final int count;
  private final Map<String, NDArray[]> stacks = new HashMap<>();

  /** Per adapter, per module it touches: its A [r, in] and its scaled B [out, r]. */
  private final List<Map<String, NDArray[]>> own = new ArrayList<>();

  /** Per adapter, the float32 bytes of the projection weights it touches. */
  private final long[] touchedBytes;

  /** Stacks the adapters (each already checked against {@code model}) on the manager's device. */
  public AdapterStack(NDManager parent, LlamaConfig model, List<LoraWeights> adapters) {
    this.manager = parent.newSubManager();
    this.count = adapters.size();
    this.touchedBytes = new long[count];
    for (int n = 0; n < count; n++) {
      own.add(new HashMap<>());
    }
    int rank = adapters.stream().mapToInt(w -> w.config().rank()).max().orElse(1);
    for (int layer = 0; layer < model.numHiddenLayers(); layer++) {
      for (TargetModule module : TargetModule.values()) {
        String path = module.path(layer);
        if (adapters.stream().noneMatch(w -> w.modules().containsKey(path))) {
          continue;
        }
        int[] dims = LoraWeights.dimensions(model, module);
        int in = dims[0];
        int out = dims[1];
        float[] aT = new float[count * in * rank];
        float[] bT = new float[count * rank * out];
        String key = key(layer, module);
        for (int n = 0; n < count; n++) {
          LoraWeights adapter = adapters.get(n);
          LoraWeights.Pair pair = adapter.modules().get(path);
          if (pair != null) {
            int r = (int) pair.a().shape()[0];
            float[] a = new float[r * in];
            float[] b = new float[out * r];
            float scaling = (float) adapter.config().scaling();
            copy(pair.a(), 1, a, aT, n, rank, in);
            copy(pair.b(), scaling, b, bT, n, out, rank);
            own.get(n)
                .put(
                    key,
                    new NDArray[] {
                      new HostTensor(new long[] {r, in}, a).toArray(manager),
                      new HostTensor(new long[] {out, r}, b).toArray(manager)
                    });
            touchedBytes[n] += 4L * in * out;
          }
        }
        NDArray[] stack = new NDArray[2];
        stack[A_T] = new HostTensor(new long[] {count, in, rank}, aT).toArray(manager);
        stack[B_T] = new HostTensor(new long[] {count, rank, out}, bT).toArray(manager);
        stacks.put(key, stack);
      }
    }
  }

  /**
   * A matrix [rows', columns'] times {@code scale} into {@code target} [rows', columns'] and into
   * slot n of the transposed stack [N, columns, rows]; what the source lacks (a smaller rank) stays
   * zero there.
   */
  private static void copy(
      HostTensor source,
      float scale,
      float[] target,
      float[] transposed,
      int n,
      int rows,
      int columns) {
    int sourceRows = (int) source.shape()[0];
    int sourceColumns = (int) source.shape()[1];
    for (int r = 0; r < sourceRows; r++) {
      for (int c = 0; c < sourceColumns; c++) {
        float value = source.data()[r * sourceColumns + c] * scale;
        target[r * sourceColumns + c] = value;
        transposed[(n * columns + c) * rows + r] = value;
      }
    }
  }

  private static String key(int layer, TargetModule module) {
    return layer + "/" + module.name();
  }

  public int size() {
    return count;
  }

  /**
   * The memory one adapter merged into the base weights holds ({@link #merged}): the float32 bytes
   * of every projection weight it touches, the largest over the stack's adapters.
   */
  public long mergedBytes() {
    return Arrays.stream(touchedBytes).max().orElse(0);
  }

  /** The memory adapter {@code adapter} (an index into the stacked list) merged would hold. */
  public long mergedBytes(int adapter) {
    return touchedBytes[adapter];
  }

  /**
   * The delta for a batch whose row i uses adapter {@code rowAdapters[i]} (an index into the
   * stacked list): each row's A^T and B^T are gathered into the pass, [B, in, r] and [B, r, out].
   *
   * @param rowAdapters int64 [B] on the pass's device
   */
  public AdapterDelta forRows(NDArray rowAdapters) {
    NDIndex rows = new NDIndex("{}", rowAdapters);
    return (layer, module, x) -> {
      NDArray[] stack = stacks.get(key(layer, module));
      if (stack == null) {
        return null;
      }
      // [B, T, in] x [B, in, r] x [B, r, out]
      return x.matMul(stack[A_T].get(x.getManager(), rows))
          .matMul(stack[B_T].get(x.getManager(), rows));
    };
  }

  /**
   * The delta of one adapter for every row of a batch: no per-row gather, x A^T B^T through the
   * kernels the LoRA layers use ({@code Linear.linear} with A [r, in] and B [out, r]).
   */
  public AdapterDelta forAdapter(int adapter) {
    Map<String, NDArray[]> pairs = own.get(adapter);
    return (layer, module, x) -> {
      NDArray[] pair = pairs.get(key(layer, module));
      if (pair == null) {
        return null;
      }
      NDArray down = Linear.linear(x, pair[0]).singletonOrThrow();
      return Linear.linear(down, pair[1]).singletonOrThrow();
    };
  }

  /**
   * One adapter merged into the base weights, {@code W + (alpha / r) B A} per projection it
   * touches, computed on first use and kept until closed: a pass then costs what the base's pass
   * costs. Holds one merged copy of every projection weight the adapter touches ({@link
   * #mergedBytes}); the others are the base's own.
   */
  public Merged merged(int adapter) {
    return new Merged(adapter);
  }

  /** See {@link #merged}. */
  public final class Merged implements AdapterDelta, AutoCloseable {

    private final NDManager weights = manager.newSubManager();
    private final Map<String, NDArray[]> pairs;
    private final Map<String, NDArray> merged = new HashMap<>();

    private Merged(int adapter) {
      this.pairs = own.get(adapter);
    }

    @Override
    public NDArray mergedWeight(int layer, TargetModule module, NDArray weight) {
      String key = key(layer, module);
      NDArray[] pair = pairs.get(key);
      if (pair == null) {
        return null;
      }
      return merged.computeIfAbsent(
          key,
          k -> {
            // B [out, r] x A [r, in]: the change in the weight's own layout
            try (NDArray change = pair[1].matMul(pair[0])) {
              NDArray sum = weight.add(change);
              sum.attach(weights);
              return sum;
            }
          });
    }

    @Override
    public NDArray delta(int layer, TargetModule module, NDArray x) {
      return null;
    }

    @Override
    public void close() {
      weights.close();
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
