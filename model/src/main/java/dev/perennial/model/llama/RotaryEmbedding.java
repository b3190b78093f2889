package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Rotary position embeddings in Hugging Face's "rotate half" layout: dimension i pairs with i +
 * head_dim/2 (not the interleaved layout of the original paper).
 */
final class RotaryEmbedding {

  private RotaryEmbedding() {}

  /** {@code 1 / theta^(2i / head_dim)} for i in [0, head_dim/2), scaled as the config asks. */
  static float[] inverseFrequencies(LlamaConfig config) {
    int half = config.headDim() / 2;
    double[] inverse = new double[half];
    for (int i = 0; i < half; i++) {
      inverse[i] = 1.0 / StrictMath.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
    }
    double[] scaled = config.ropeScaling().scale(inverse);
    float[] result = new float[half];
    for (int i = 0; i < half; i++) {
      result[i] = (float) scaled[i];
    }
    return result;
  }

  /** x * cos + rotate_half(x) * sin for x of shape [B, heads, T, head_dim]. */
  static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    int last = x.getShape().dimension() - 1;
    NDList halves = x.split(2, last);
    NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), last);
    return x.mul(cos).add(rotated.mul(sin));
  }
}
