package dev.perennial.trainer.plasticity;

import dev.perennial.model.plasticity.AdapterRefresh;
import dev.perennial.model.plasticity.AdapterSpectrum;
import dev.perennial.schemas.v1.AdapterRefreshDetails;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.ModulePlasticity;
import dev.perennial.schemas.v1.Plasticity;
import java.util.Locale;
import java.util.Optional;

/** The monitor's measurements and a refresh as the lineage records them. */
public final class PlasticityRecords {

  private PlasticityRecords() {}

  /**
   * @param gain the candidate's learning gain, or null when nothing measured it
   * @param controlGain the fresh-adapter control's gain, or null on updates without a control
   */
  public static Plasticity of(
      int update,
      Double gain,
      Double controlGain,
      PlasticitySettings settings,
      AdapterSpectrum spectrum) {
    // decided on what the record keeps: a refresh is never due on a ratio it does not show
    Double ratio = finite(PlasticitySettings.gainRatio(finite(gain), finite(controlGain)));
    return Plasticity.newBuilder()
        .setUpdate(update)
        .setLearningGain(finite(gain))
        .setControlGain(finite(controlGain))
        .setGainRatio(ratio)
        .setRefreshDue(settings.refreshDue(ratio))
        .setEffectiveRank(spectrum.meanEffectiveRank())
        .setWeightNorm(spectrum.weightNorm())
        .setProductNorm(spectrum.productNorm())
        .setModules(
            spectrum.modules().stream()
                .map(
                    m ->
                        ModulePlasticity.newBuilder()
                            .setPath(m.path())
                            .setNormA(m.normA())
                            .setNormB(m.normB())
                            .setProductNorm(m.productNorm())
                            .setEffectiveRank(m.effectiveRank())
                            .build())
                .toList())
        .build();
  }

  /** A refresh of the release whose monitor found {@code due}. */
  public static AdapterRefreshDetails refresh(
      AdapterRefresh.Settings settings, AdapterRefresh.Result result, Plasticity due) {
    return AdapterRefreshDetails.newBuilder()
        .setEnergy(settings.energy())
        .setFreedRank(settings.freeRank())
        .setMinKeptEnergy(result.minKeptEnergy())
        .setReason(
            String.format(
                Locale.ROOT,
                "update %d gained %.4f nats, %.2f of its fresh-adapter control's %.4f",
                due.getUpdate(),
                due.getLearningGain(),
                due.getGainRatio(),
                due.getControlGain()))
        .build();
  }

  /** The monitor's record in a release's lineage, when it says the adapter is due a refresh. */
  public static Optional<Plasticity> refreshDue(Lineage lineage) {
    return Optional.ofNullable(lineage)
        .map(Lineage::getPlasticity)
        .filter(Plasticity::getRefreshDue);
  }

  private static Double finite(Double value) {
    return value == null || !Double.isFinite(value) ? null : value;
  }
}
