package dev.perennial.model.plasticity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.perennial.model.ModelException;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.runtime.LanguageModel;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdapterPlasticityTest {

  private static final double SCALING = 2.0;

  @Test
  void theProductsSvdReconstructsScalingTimesBaWithOrthonormalVectors() {
    LoraWeights.Pair pair = randomPair(4, 10, 7, new Random(3));

    LowRankProduct product = LowRankProduct.of(pair, SCALING);

    assertThat(product.rank()).isEqualTo(4);
    double[][] expected = product(pair, SCALING);
    for (int o = 0; o < 7; o++) {
      for (int i = 0; i < 10; i++) {
        double value = 0;
        for (int s = 0; s < product.rank(); s++) {
          value += product.u()[o][s] * product.sigma()[s] * product.v()[i][s];
        }
        assertThat(value).isCloseTo(expected[o][i], within(1e-9));
      }
    }
    for (int s = 0; s < 4; s++) {
      for (int t = 0; t < 4; t++) {
        assertThat(dot(product.u(), s, t)).isCloseTo(s == t ? 1 : 0, within(1e-9));
        assertThat(dot(product.v(), s, t)).isCloseTo(s == t ? 1 : 0, within(1e-9));
      }
      if (s > 0) {
        assertThat(product.sigma()[s]).isLessThanOrEqualTo(product.sigma()[s - 1]);
      }
    }
  }

  @Test
  void effectiveRankIsKForKEqualDirectionsOneForOneAndZeroForAFreshAdapter() {
    // B = [e1 e2 e3 0] * 3 and A = [e1; e2; e3; 0]: three equal singular values (3 * scaling).
    float[] b = new float[6 * 4];
    float[] a = new float[4 * 5];
    for (int s = 0; s < 3; s++) {
      b[s * 4 + s] = 3;
      a[s * 5 + s] = 1;
    }
    LowRankProduct three = LowRankProduct.of(pair(a, b, 4, 5, 6), SCALING);
    assertThat(three.sigma()).containsExactly(new double[] {6, 6, 6}, within(1e-9));
    assertThat(three.effectiveRank()).isCloseTo(3, within(1e-9));

    float[] single = new float[6 * 4];
    single[0] = 5;
    assertThat(LowRankProduct.of(pair(a, single, 4, 5, 6), SCALING).effectiveRank())
        .isCloseTo(1, within(1e-9));

    LowRankProduct fresh = LowRankProduct.of(pair(a, new float[6 * 4], 4, 5, 6), SCALING);
    assertThat(fresh.rank()).isZero();
    assertThat(fresh.effectiveRank()).isZero();
    assertThat(fresh.norm()).isZero();
  }

  @Test
  void audit_theEigenDecompositionDoesNotDependOnTheMatrixsScale() {
    // [[c, c], [c, c]] has eigenvalues 2c and 0 whatever c is
    for (double c : new double[] {1, 1e-16}) {
      SymmetricEigen eigen = SymmetricEigen.of(new double[][] {{c, c}, {c, c}});
      assertThat(eigen.values()[0]).as("largest of scale %s", c).isCloseTo(2 * c, within(1e-9 * c));
      assertThat(eigen.values()[1]).as("smallest of scale %s", c).isCloseTo(0, within(1e-9 * c));
    }
  }

  @Test
  void audit_aSmallChangeHasTheSameShapeAsTheSameChangeScaledUp() {
    // a young adapter's change is small: its singular values scale with it, its rank does not
    LoraWeights.Pair pair = randomPair(4, 10, 7, new Random(3));
    float[] a = pair.a().data().clone();
    float[] b = pair.b().data().clone();
    for (int i = 0; i < a.length; i++) {
      a[i] *= 1e-6f;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] *= 1e-6f;
    }
    LowRankProduct large = LowRankProduct.of(pair, SCALING);

    LowRankProduct small = LowRankProduct.of(pair(a, b, 4, 10, 7), SCALING);

    assertThat(small.rank()).isEqualTo(4);
    for (int s = 0; s < 4; s++) {
      assertThat(small.sigma()[s] / 1e-12).isCloseTo(large.sigma()[s], within(1e-4));
    }
    assertThat(small.effectiveRank()).isCloseTo(large.effectiveRank(), within(1e-6));
  }

  @Test
  void audit_weightsThatAreNotFiniteAreRefusedNotMeasuredAsNoChange() {
    LoraWeights.Pair pair = randomPair(4, 10, 7, new Random(3));
    float[] b = pair.b().data().clone();
    b[5] = Float.NaN;
    LoraWeights.Pair broken = pair(pair.a().data(), b, 4, 10, 7);

    assertThatThrownBy(() -> LowRankProduct.of(broken, SCALING))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("not finite");
  }

  @Test
  void audit_aRefreshOfAnAdapterWithInfiniteWeightsFailsInsteadOfReportingItKeptEverything() {
    LoraWeights weights =
        LoraWeights.initialize(
            TestModels.tinyLlama(true), new LoraConfig(4, 8, 0, EnumSet.of(TargetModule.Q)), 1);
    LoraWeights trained = lowRank(weights, 3, new Random(5));
    String path = trained.modules().keySet().iterator().next();
    trained.modules().get(path).b().data()[0] = Float.POSITIVE_INFINITY;

    assertThatThrownBy(
            () -> AdapterRefresh.refresh(trained, new AdapterRefresh.Settings(0.99, 1), 1))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining(path)
        .hasMessageContaining("not finite");
  }

  @Test
  void theSpectrumOfAnAdapterReportsNormsAndRankPerModule() {
    LlamaConfig config = TestModels.tinyLlama(true);
    LoraConfig lora = new LoraConfig(4, 8, 0, EnumSet.of(TargetModule.Q, TargetModule.V));
    LoraWeights fresh = LoraWeights.initialize(config, lora, 1);
    LoraWeights trained = fresh.withRandomB(2, 0.2);

    AdapterSpectrum before = AdapterSpectrum.of(fresh);
    AdapterSpectrum after = AdapterSpectrum.of(trained);

    assertThat(before.modules()).hasSize(4);
    assertThat(before.productNorm()).isZero();
    assertThat(before.meanEffectiveRank()).isZero();
    assertThat(after.productNorm()).isPositive();
    assertThat(after.meanEffectiveRank()).isGreaterThan(1).isLessThanOrEqualTo(4);
    assertThat(after.weightNorm()).isGreaterThan(before.weightNorm());
  }

  @Test
  void aRefreshKeepsTheAdaptersFunctionWhenItsProductFitsTheKeptRank() {
    LlamaConfig config = TestModels.tinyLlama(true);
    LoraConfig lora = new LoraConfig(8, 16, 0, EnumSet.allOf(TargetModule.class));
    LoraWeights trained = lowRank(LoraWeights.initialize(config, lora, 1), 3, new Random(5));
    Map<String, HostTensor> weights = TestModels.randomWeights(config, 1);
    long[][] tokens = {{1, 72, 101, 108, 108, 111, 32, 119}, {1, 80, 101, 114, 101, 110, 110, 105}};

    AdapterRefresh.Result refresh =
        AdapterRefresh.refresh(trained, new AdapterRefresh.Settings(0.99, 4), 9);

    assertThat(refresh.modules()).allSatisfy(m -> assertThat(m.keptRank()).isEqualTo(3));
    assertThat(refresh.minKeptEnergy()).isCloseTo(1, within(1e-9));
    try (LanguageModel before = TestModels.model(config, weights, trained);
        LanguageModel after = TestModels.model(config, weights, refresh.weights())) {
      float[] expected = TestModels.logits(before, tokens);
      float[] actual = TestModels.logits(after, tokens);
      for (int i = 0; i < expected.length; i++) {
        assertThat(actual[i]).isCloseTo(expected[i], within(1e-4f));
      }
    }
    // the freed rank is a fresh pair: B's columns 3..7 zero, A's rows 3..7 new and non-zero
    LoraWeights.Pair q = refresh.weights().modules().get("model.layers.0.self_attn.q_proj");
    for (int o = 0; o < q.b().shape()[0]; o++) {
      for (int s = 3; s < 8; s++) {
        assertThat(q.b().data()[o * 8 + s]).isZero();
      }
    }
    // the kept directions are balanced: column s of B and row s of A have equal norms
    int in = (int) q.a().shape()[1];
    for (int s = 0; s < 3; s++) {
      double columnB = 0;
      double rowA = 0;
      for (int o = 0; o < q.b().shape()[0]; o++) {
        columnB += q.b().data()[o * 8 + s] * q.b().data()[o * 8 + s];
      }
      for (int i = 0; i < in; i++) {
        rowA += q.a().data()[s * in + i] * q.a().data()[s * in + i];
      }
      assertThat(columnB).isCloseTo(rowA, within(1e-4 * rowA));
    }
  }

  @Test
  void aRefreshOfAFullRankProductDropsOnlyTheEnergyItReports() {
    LoraWeights.Pair pair = randomPair(8, 12, 9, new Random(11));
    LoraConfig lora = new LoraConfig(8, 16, 0, EnumSet.of(TargetModule.Q));
    LoraWeights weights = new LoraWeights(lora, Map.of("model.layers.0.self_attn.q_proj", pair));

    AdapterRefresh.Result refresh =
        AdapterRefresh.refresh(weights, new AdapterRefresh.Settings(0.999, 4), 1);

    AdapterRefresh.ModuleRefresh module = refresh.modules().get(0);
    assertThat(module.keptRank()).isEqualTo(4);
    LoraWeights.Pair after = refresh.weights().modules().get("model.layers.0.self_attn.q_proj");
    double[][] before = product(pair, lora.scaling());
    // only the kept directions are in B (its fresh columns are zero), so B A is the cut product
    double[][] cut = product(after, lora.scaling());
    double dropped = 0;
    double total = 0;
    for (int o = 0; o < before.length; o++) {
      for (int i = 0; i < before[0].length; i++) {
        dropped += Math.pow(before[o][i] - cut[o][i], 2);
        total += before[o][i] * before[o][i];
      }
    }
    assertThat(1 - dropped / total).isCloseTo(module.keptEnergy(), within(1e-5));
  }

  @Test
  void aRefreshThatWouldFreeTheWholeRankIsRefused() {
    LoraWeights weights =
        LoraWeights.initialize(
            TestModels.tinyLlama(true), new LoraConfig(4, 8, 0, EnumSet.of(TargetModule.Q)), 1);
    assertThatThrownBy(
            () -> AdapterRefresh.refresh(weights, new AdapterRefresh.Settings(0.99, 4), 1))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("cannot free rank 4");
  }

  /** Every module's B replaced by one whose columns past {@code rank} are zero. */
  private static LoraWeights lowRank(LoraWeights weights, int rank, Random random) {
    Map<String, LoraWeights.Pair> modules = new LinkedHashMap<>();
    weights
        .modules()
        .forEach(
            (path, pair) -> {
              int r = (int) pair.b().shape()[1];
              float[] b = new float[pair.b().data().length];
              for (int o = 0; o < pair.b().shape()[0]; o++) {
                for (int s = 0; s < rank; s++) {
                  b[o * r + s] = (float) (random.nextGaussian() * 0.3);
                }
              }
              modules.put(
                  path, new LoraWeights.Pair(pair.a(), new HostTensor(pair.b().shape(), b)));
            });
    return new LoraWeights(weights.config(), modules);
  }

  private static LoraWeights.Pair randomPair(int rank, int in, int out, Random random) {
    float[] a = new float[rank * in];
    float[] b = new float[out * rank];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) random.nextGaussian();
    }
    return pair(a, b, rank, in, out);
  }

  private static LoraWeights.Pair pair(float[] a, float[] b, int rank, int in, int out) {
    return new LoraWeights.Pair(
        new HostTensor(new long[] {rank, in}, a), new HostTensor(new long[] {out, rank}, b));
  }

  private static double[][] product(LoraWeights.Pair pair, double scaling) {
    int rank = (int) pair.a().shape()[0];
    int in = (int) pair.a().shape()[1];
    int out = (int) pair.b().shape()[0];
    double[][] product = new double[out][in];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        for (int r = 0; r < rank; r++) {
          product[o][i] += scaling * pair.b().data()[o * rank + r] * pair.a().data()[r * in + i];
        }
      }
    }
    return product;
  }

  private static double dot(double[][] vectors, int s, int t) {
    double sum = 0;
    for (double[] row : vectors) {
      sum += row[s] * row[t];
    }
    return sum;
  }
}
