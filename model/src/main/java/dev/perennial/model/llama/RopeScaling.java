package dev.perennial.model.llama;

/**
 * The {@code rope_scaling} of a config: none, {@code linear} (positions divided by {@code factor})
 * or {@code llama3} (Llama 3.1's frequency-dependent scaling).
 */
public record RopeScaling(
    String type,
    double factor,
    double lowFreqFactor,
    double highFreqFactor,
    int originalMaxPositionEmbeddings) {

  public static final RopeScaling NONE = new RopeScaling("default", 1, 1, 1, 0);

  /** Applies the scaling to the inverse frequencies {@code 1 / theta^(2i/d)}. */
  double[] scale(double[] inverseFrequencies) {
    double[] scaled = inverseFrequencies.clone();
    switch (type) {
      case "linear":
        for (int i = 0; i < scaled.length; i++) {
          scaled[i] /= factor;
        }
        return scaled;
      case "llama3":
        double lowFreqWavelength = originalMaxPositionEmbeddings / lowFreqFactor;
        double highFreqWavelength = originalMaxPositionEmbeddings / highFreqFactor;
        for (int i = 0; i < scaled.length; i++) {
          double wavelength = 2 * Math.PI / inverseFrequencies[i];
          if (wavelength > lowFreqWavelength) {
            scaled[i] = inverseFrequencies[i] / factor;
          } else if (wavelength >= highFreqWavelength) {
            double smooth =
                (originalMaxPositionEmbeddings / wavelength - lowFreqFactor)
                    / (highFreqFactor - lowFreqFactor);
            scaled[i] =
                (1 - smooth) * inverseFrequencies[i] / factor + smooth * inverseFrequencies[i];
          }
        }
        return scaled;
      default:
        return scaled;
    }
  }
}
