package dev.perennial.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.AdapterDelta;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several adapters stacked so one batch can use a different adapter in every row: per projection, A
 * as [N, r, in] and B as [N, out, r] with each adapter's {@code alpha / r} folded into its B.
 * Adapters of smaller rank are zero-padded to the largest rank and modules an adapter does not
 * touch are zero, which changes no result.
 */
public final class AdapterStack implements AutoCloseable {

  private final NDManager manager;
  private final int count;
  private final Map<String, NDArray[]> stacks = new HashMap<>();

  /** Stacks the adapters (each already checked against {@code model}) on the manager's device. */
  public AdapterStack(NDManager parent, LlamaConfig model, List<LoraWeights> adapters) {
    this.manager = parent.newSubManager();
    this.count = adapters.size();
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
        for (int n = 0; n < count; n++) {
          LoraWeights adapter = adapters.get(n);
          LoraWeights.Pair pair = adapter.modules().get(path);
          if (pair != null) {
            copyTransposedA(pair.a(), aT, n, rank, in);
            copyTransposedScaledB(pair.b(), bT, n, rank, out, (float) adapter.config().scaling());
          }
        }
        NDArray stackA = new HostTensor(new long[] {count, in, rank}, aT).toArray(manager);
        NDArray stackB = new HostTensor(new long[] {count, rank, out}, bT).toArray(manager);
        stacks.put(key(layer, module), new NDArray[] {stackA, stackB});
      }
    }
  }

  /** A [r', in] into slot n of A^T [N, in, r] (rows beyond r' stay zero). */
  private static void copyTransposedA(HostTensor source, float[] target, int n, int rank, int in) {
    int sourceRank = (int) source.shape()[0];
    for (int r = 0; r < sourceRank; r++) {
      for (int i = 0; i < in; i++) {
        target[(n * in + i) * rank + r] = source.data()[r * in + i];
      }
    }
  }

  /** B [out, r'] times the scaling into slot n of B^T [N, r, out]. */
  private static void copyTransposedScaledB(
      HostTensor source, float[] target, int n, int rank, int out, float scaling) {
    int sourceRank = (int) source.shape()[1];
    for (int o = 0; o < out; o++) {
      for (int r = 0; r < sourceRank; r++) {
        target[(n * rank + r) * out + o] = source.data()[o * sourceRank + r] * scaling;
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
   * The delta for a batch whose row i uses adapter {@code rowAdapters[i]} (an index into the
   * stacked list).
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
      // pick each row's matrices into the pass's manager: [B, in, r] and [B, r, out]
      NDArray aT = stack[0].get(x.getManager(), rows);
      NDArray bT = stack[1].get(x.getManager(), rows);
      // [B, T, in] x [B, in, r] x [B, r, out]
      return x.matMul(aT).matMul(bT);
    };
  }

  @Override
  public void close() {
    manager.close();
  }
}
