package dev.perennial.trainer.plasticity;

import dev.perennial.model.plasticity.AdapterRefresh;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.TrainerConfig;
import java.util.Optional;

/**
 * The plasticity monitor's rule: when a job trains a fresh-adapter control beside its candidate,
 * and when a candidate's learning gain is low enough against that control that the key's next job
 * refreshes the adapter first.
 *
 * @param controlEvery every this many updates of a key a continuing job trains a control; 0: never
 * @param refreshBelow share of the control's gain under which a refresh is due; 0: never
 * @param refreshEnergy share of each module's squared change a refresh keeps
 * @param refreshFreeRank rank a refresh frees in every module at least (at most all but one); 0:
 *     half the rank
 * @param gainExamples most of a job's own examples the gain is measured on
 */
public record PlasticitySettings(
    int controlEvery,
    double refreshBelow,
    double refreshEnergy,
    int refreshFreeRank,
    int gainExamples) {

  public PlasticitySettings {
    if (controlEvery < 0 || refreshFreeRank < 0 || gainExamples < 1) {
      throw new TrainerException(
          "plasticity settings out of range: control every "
              + controlEvery
              + ", free rank "
              + refreshFreeRank
              + ", gain examples "
              + gainExamples);
    }
    if (!(refreshBelow >= 0 && refreshBelow <= 1) || !(refreshEnergy > 0 && refreshEnergy <= 1)) {
      throw new TrainerException(
          "plasticity refresh below "
              + refreshBelow
              + " or energy "
              + refreshEnergy
              + " not a share");
    }
  }

  public static PlasticitySettings from(TrainerConfig config) {
    return new PlasticitySettings(
        config.getInt(TrainerConfig.PLASTICITY_CONTROL_EVERY_CONFIG),
        config.getDouble(TrainerConfig.PLASTICITY_REFRESH_BELOW_CONFIG),
        config.getDouble(TrainerConfig.PLASTICITY_REFRESH_ENERGY_CONFIG),
        config.getInt(TrainerConfig.PLASTICITY_REFRESH_FREE_RANK_CONFIG),
        config.getInt(TrainerConfig.PLASTICITY_GAIN_EXAMPLES_CONFIG));
  }

  /** The configuration's defaults. */
  public static PlasticitySettings defaults() {
    return new PlasticitySettings(
        TrainerConfig.PLASTICITY_CONTROL_EVERY_DEFAULT,
        TrainerConfig.PLASTICITY_REFRESH_BELOW_DEFAULT,
        TrainerConfig.PLASTICITY_REFRESH_ENERGY_DEFAULT,
        TrainerConfig.PLASTICITY_REFRESH_FREE_RANK_DEFAULT,
        TrainerConfig.PLASTICITY_GAIN_EXAMPLES_DEFAULT);
  }

  /**
   * Whether update {@code update} of a key trains a control: only when it continues an adapter (a
   * fresh one is its own control), on every {@code controlEvery}-th update.
   */
  public boolean controlDue(int update, boolean continues) {
    return continues && controlEvery > 0 && update % controlEvery == 0;
  }

  /** The candidate's gain over the control's, when the control gained at all; else null. */
  public static Double gainRatio(Double gain, Double controlGain) {
    if (gain == null || controlGain == null || !(controlGain > 0) || gain.isNaN()) {
      return null;
    }
    return gain / controlGain;
  }

  /** Whether a candidate with this gain ratio is refreshed before the key's next update. */
  public boolean refreshDue(Double gainRatio) {
    return refreshes() && gainRatio != null && gainRatio < refreshBelow;
  }

  /** Whether refresh is on: off (0), not even a release found due under another setting is. */
  public boolean refreshes() {
    return refreshBelow > 0;
  }

  /**
   * What a refresh of an adapter of rank {@code rank} keeps and frees: at most all but one rank, so
   * that a due refresh never fails the key's jobs; none for rank 1, which has no rank to free
   * beside a kept direction.
   */
  public Optional<AdapterRefresh.Settings> refresh(int rank) {
    if (rank < 2) {
      return Optional.empty();
    }
    int free = refreshFreeRank == 0 ? Math.max(1, rank / 2) : refreshFreeRank;
    return Optional.of(new AdapterRefresh.Settings(refreshEnergy, Math.min(free, rank - 1)));
  }
}
