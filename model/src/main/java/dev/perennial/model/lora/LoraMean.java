package dev.perennial.model.lora;

import dev.perennial.model.ModelException;
import dev.perennial.model.checkpoint.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exact mean of k adapters of one shape as one adapter: its weight change is the mean of
 * theirs, {@code (1/k) sum scaling B_i A_i}. Averaging A and B separately would not give that (the
 * mean of products is not the product of means), so the mean stacks them instead: A is the members'
 * A one above the other [k r, in], B their B side by side divided by k [out, k r], at rank k r with
 * alpha k alpha, which keeps the scaling alpha / r. A server loads it as any adapter of that rank.
 */
public final class LoraMean {

  private LoraMean() {}

  public static LoraWeights of(List<LoraWeights> members) {
    if (members.isEmpty()) {
      throw new ModelException("the mean of no adapters is undefined");
    }
    LoraWeights first = members.get(0);
    LoraConfig config = first.config();
    for (LoraWeights member : members) {
      if (!member.config().equals(config)
          || !member.modules().keySet().equals(first.modules().keySet())) {
        throw new ModelException(
            "only adapters of one shape can be averaged: "
                + config
                + " on "
                + first.modules().size()
                + " modules against "
                + member.config()
                + " on "
                + member.modules().size());
      }
    }
    int k = members.size();
    Map<String, LoraWeights.Pair> modules = new LinkedHashMap<>();
    for (String path : first.modules().keySet()) {
      List<LoraWeights.Pair> pairs = new ArrayList<>();
      members.forEach(member -> pairs.add(member.modules().get(path)));
      for (LoraWeights.Pair pair : pairs) {
        if (!Arrays.equals(pair.a().shape(), pairs.get(0).a().shape())
            || !Arrays.equals(pair.b().shape(), pairs.get(0).b().shape())) {
          throw new ModelException(
              "only adapters of one shape can be averaged: "
                  + path
                  + " is A "
                  + pairs.get(0).a().shapeText()
                  + ", B "
                  + pairs.get(0).b().shapeText()
                  + " in one and A "
                  + pair.a().shapeText()
                  + ", B "
                  + pair.b().shapeText()
                  + " in another");
        }
      }
      modules.put(path, new LoraWeights.Pair(stackedA(pairs), sideBySideB(pairs, k)));
    }
    LoraConfig stacked =
        new LoraConfig(
            config.rank() * k, config.alpha() * k, config.dropout(), config.targetModules());
    return new LoraWeights(stacked, modules);
  }

  /** The members' A [r, in] one above the other: [k r, in]. */
  private static HostTensor stackedA(List<LoraWeights.Pair> pairs) {
    long[] shape = pairs.get(0).a().shape();
    int block = pairs.get(0).a().data().length;
    float[] data = new float[block * pairs.size()];
    for (int m = 0; m < pairs.size(); m++) {
      System.arraycopy(pairs.get(m).a().data(), 0, data, m * block, block);
    }
    return new HostTensor(new long[] {shape[0] * pairs.size(), shape[1]}, data);
  }

  /** The members' B [out, r] side by side, each divided by k: [out, k r]. */
  private static HostTensor sideBySideB(List<LoraWeights.Pair> pairs, int k) {
    int out = (int) pairs.get(0).b().shape()[0];
    int rank = (int) pairs.get(0).b().shape()[1];
    float[] data = new float[out * rank * k];
    for (int row = 0; row < out; row++) {
      for (int m = 0; m < k; m++) {
        float[] b = pairs.get(m).b().data();
        for (int c = 0; c < rank; c++) {
          data[row * rank * k + m * rank + c] = b[row * rank + c] / k;
        }
      }
    }
    return new HostTensor(new long[] {out, (long) rank * k}, data);
  }
}
