package dev.perennial.model.plasticity;

import dev.perennial.model.ModelException;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.lora.LoraWeights;

/**
 * The singular value decomposition of one adapted module's weight change {@code scaling * B A} (B
 * [out, r], A [r, in]), computed without forming the out x in product: with the Gram matrices
 * {@code A A^T} and {@code B^T B} (r x r) the product is {@code Q_B M Q_A^T} for an r x r matrix M,
 * whose SVD gives the product's. Directions along which A or B is zero are dropped, so a fresh
 * adapter (B = 0) has no singular value at all.
 *
 * @param u left singular vectors, {@code u[i][j]}: row i of vector j (out x k)
 * @param sigma singular values, largest first (k of them, k <= r)
 * @param v right singular vectors, {@code v[i][j]}: column i of vector j (in x k)
 */
public record LowRankProduct(double[][] u, double[] sigma, double[][] v) {

  /** Directions whose Gram eigenvalue is below this share of the largest carry no signal. */
  private static final double RELATIVE_TOLERANCE = 1e-12;

  public static LowRankProduct of(LoraWeights.Pair pair, double scaling) {
    return of("LoRA module", pair, scaling);
  }

  /**
   * @throws ModelException when a weight of {@code module} is NaN or infinite: its change has no
   *     spectrum (measured, it would read as no change at all)
   */
  public static LowRankProduct of(String module, LoraWeights.Pair pair, double scaling) {
    HostTensor a = pair.a();
    HostTensor b = pair.b();
    requireFinite(module, "A", a);
    requireFinite(module, "B", b);
    int rank = (int) a.shape()[0];
    int in = (int) a.shape()[1];
    int out = (int) b.shape()[0];
    Basis rowSpace = Basis.of(gram(a.data(), rank, in, true));
    Basis columnSpace = Basis.of(gram(b.data(), out, rank, false));
    // M = D_B^1/2 V_B^T V_A D_A^1/2 (kB x kA): the product in the two orthonormal bases.
    double[][] m = new double[columnSpace.size()][rowSpace.size()];
    for (int i = 0; i < columnSpace.size(); i++) {
      for (int j = 0; j < rowSpace.size(); j++) {
        double dot = 0;
        for (int r = 0; r < rank; r++) {
          dot += columnSpace.vectors[r][i] * rowSpace.vectors[r][j];
        }
        m[i][j] = scaling * columnSpace.roots[i] * dot * rowSpace.roots[j];
      }
    }
    // SVD of M from the eigen-decomposition of M^T M = W S^2 W^T; U_m = M W S^-1.
    double[][] mtm = new double[rowSpace.size()][rowSpace.size()];
    for (int i = 0; i < rowSpace.size(); i++) {
      for (int j = 0; j < rowSpace.size(); j++) {
        for (int k = 0; k < columnSpace.size(); k++) {
          mtm[i][j] += m[k][i] * m[k][j];
        }
      }
    }
    SymmetricEigen eigen = SymmetricEigen.of(mtm);
    int kept = Basis.significant(eigen.values());
    double[] sigma = new double[kept];
    double[][] u = new double[out][kept];
    double[][] v = new double[in][kept];
    for (int s = 0; s < kept; s++) {
      sigma[s] = Math.sqrt(eigen.values()[s]);
      // right vector: Q_A w = A^T V_A D_A^-1/2 w
      double[] coefficientsA = new double[rank];
      for (int j = 0; j < rowSpace.size(); j++) {
        double weight = eigen.vectors()[j][s] / rowSpace.roots[j];
        for (int r = 0; r < rank; r++) {
          coefficientsA[r] += rowSpace.vectors[r][j] * weight;
        }
      }
      for (int i = 0; i < in; i++) {
        double sum = 0;
        for (int r = 0; r < rank; r++) {
          sum += a.data()[r * in + i] * coefficientsA[r];
        }
        v[i][s] = sum;
      }
      // left vector: Q_B (M w / sigma) = B V_B D_B^-1/2 (M w / sigma)
      double[] coefficientsB = new double[rank];
      for (int i = 0; i < columnSpace.size(); i++) {
        double mw = 0;
        for (int j = 0; j < rowSpace.size(); j++) {
          mw += m[i][j] * eigen.vectors()[j][s];
        }
        double weight = mw / sigma[s] / columnSpace.roots[i];
        for (int r = 0; r < rank; r++) {
          coefficientsB[r] += columnSpace.vectors[r][i] * weight;
        }
      }
      for (int o = 0; o < out; o++) {
        double sum = 0;
        for (int r = 0; r < rank; r++) {
          sum += b.data()[o * rank + r] * coefficientsB[r];
        }
        u[o][s] = sum;
      }
    }
    return new LowRankProduct(u, sigma, v);
  }

  private static void requireFinite(String module, String factor, HostTensor weights) {
    for (float weight : weights.data()) {
      if (!Float.isFinite(weight)) {
        throw new ModelException(
            module + "'s " + factor + " holds " + weight + ": its weights are not finite");
      }
    }
  }

  /** How many singular values the product has above rounding (its numerical rank). */
  public int rank() {
    return sigma.length;
  }

  /** Frobenius norm of the product: sqrt of the sum of squared singular values. */
  public double norm() {
    double sum = 0;
    for (double s : sigma) {
      sum += s * s;
    }
    return Math.sqrt(sum);
  }

  /**
   * Effective rank (Roy and Vetterli 2007): exp of the entropy of the normalised singular values.
   * It is k for k equal singular values, near 1 when one dominates, 0 for a zero product.
   */
  public double effectiveRank() {
    double total = 0;
    for (double s : sigma) {
      total += s;
    }
    if (total == 0) {
      return 0;
    }
    double entropy = 0;
    for (double s : sigma) {
      double p = s / total;
      if (p > 0) {
        entropy -= p * Math.log(p);
      }
    }
    return Math.exp(entropy);
  }

  /** Share of the product's squared norm in its first {@code k} singular values. */
  public double energyOfFirst(int k) {
    double total = 0;
    double first = 0;
    for (int s = 0; s < sigma.length; s++) {
      total += sigma[s] * sigma[s];
      if (s < k) {
        first += sigma[s] * sigma[s];
      }
    }
    return total == 0 ? 1 : first / total;
  }

  /**
   * Gram matrix of the rank dimension: {@code A A^T} for A [rank, width] (rows), or {@code B^T B}
   * for B [height, rank] (columns).
   */
  private static double[][] gram(float[] data, int rows, int columns, boolean ofRows) {
    int rank = ofRows ? rows : columns;
    int length = ofRows ? columns : rows;
    double[][] gram = new double[rank][rank];
    for (int i = 0; i < rank; i++) {
      for (int j = i; j < rank; j++) {
        double sum = 0;
        for (int k = 0; k < length; k++) {
          double x = ofRows ? data[i * columns + k] : data[k * columns + i];
          double y = ofRows ? data[j * columns + k] : data[k * columns + j];
          sum += x * y;
        }
        gram[i][j] = sum;
        gram[j][i] = sum;
      }
    }
    return gram;
  }

  /** The significant eigen-directions of a Gram matrix: vectors (r x k) and sqrt of values. */
  private record Basis(double[][] vectors, double[] roots) {

    static Basis of(double[][] gram) {
      SymmetricEigen eigen = SymmetricEigen.of(gram);
      int kept = significant(eigen.values());
      double[] roots = new double[kept];
      for (int j = 0; j < kept; j++) {
        roots[j] = Math.sqrt(eigen.values()[j]);
      }
      return new Basis(eigen.vectors(), roots);
    }

    static int significant(double[] values) {
      if (values.length == 0 || !(values[0] > 0)) {
        return 0;
      }
      int kept = 0;
      while (kept < values.length && values[kept] > RELATIVE_TOLERANCE * values[0]) {
        kept++;
      }
      return kept;
    }

    int size() {
      return roots.length;
    }
  }
}
