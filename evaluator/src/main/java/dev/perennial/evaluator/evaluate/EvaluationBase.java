package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.suite.CanaryFile;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.GeneralSet;
import dev.perennial.evaluator.suite.PlantedCanary;
import dev.perennial.model.ModelException;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tiny.BundledBase;
import dev.perennial.model.tiny.TinyModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every evaluation shares: the base model, the share of its general evaluation set the
 * retention suite asks, and every tenant's canaries (read and checked at start).
 *
 * @param canaries by tenant
 * @param rankOwnCanaries whether a candidate's own tenant's canaries are ranked too (reported, not
 *     gated)
 */
public record EvaluationBase(
    BaseModel base,
    List<EvalExample> general,
    String generalDataset,
    Map<String, List<PlantedCanary>> canaries,
    int controls,
    boolean rankOwnCanaries) {

  private static final Logger log = LoggerFactory.getLogger(EvaluationBase.class);

  public EvaluationBase {
    // the tokenizer was read at open: fix the digest of the files it was read from now, not at the
    // first candidate, after an edit in place that the tokenizer in memory never saw
    base.tokenizerDigest();
    general = List.copyOf(general);
    canaries = Map.copyOf(canaries);
  }

  /** One that ranks every candidate's own tenant's canaries too (the default). */
  public EvaluationBase(
      BaseModel base,
      List<EvalExample> general,
      String generalDataset,
      Map<String, List<PlantedCanary>> canaries,
      int controls) {
    this(base, general, generalDataset, canaries, controls, true);
  }

  /**
   * The configured base (the bundled perennial-tiny unless set), its general set and the tenants'
   * canary files.
   *
   * @throws dev.perennial.core.config.InvalidConfigurationException naming the key and the path of
   *     a base model folder or canary file that is not there
   * @throws dev.perennial.evaluator.EvaluatorException naming every unreadable canary file
   */
  public static EvaluationBase open(EvaluatorConfig config) {
    config.requireFilesExist();
    Path folder = config.baseModelPath().orElseGet(TinyModel::folder);
    BaseModel base;
    try {
      base =
          config.baseModelPath().isEmpty()
              ? TinyModel.open()
              : config
                  .baseModelName()
                  .map(name -> BaseModel.open(folder, name))
                  .orElseGet(() -> BaseModel.open(folder));
    } catch (ModelException e) {
      // the folder holds config.json (checked above), yet is no model this code opens
      throw new ModelException(EvaluatorConfig.BASE_MODEL_PATH_CONFIG + ": " + e.getMessage(), e);
    }
    List<EvalExample> all = GeneralSet.read(folder);
    if (all.isEmpty()) {
      log.warn(
          "Base model {} has no {}: the retention suite measures the key's own data only",
          folder,
          GeneralSet.FILE);
    }
    List<EvalExample> general = GeneralSet.spread(all, config.generalSize());
    if (!general.isEmpty() && general.stream().noneMatch(EvalExample::hasShortAnswer)) {
      log.warn(
          "None of the {} questions asked from {}'s {} has a short answer that exact match judges:"
              + " every candidate's retention gates will be undecided",
          general.size(),
          folder,
          GeneralSet.FILE);
    }
    Map<String, List<PlantedCanary>> canaries =
        CanaryFile.readAll(config.canaryFiles(), config.leakageControls());
    if (canaries.isEmpty()) {
      log.warn(
          "No canary files configured (perennial.evaluator.tenant.<tenant>.canary.file): the"
              + " leakage suite has nothing to measure");
    }
    return new EvaluationBase(
        base,
        general,
        GeneralSet.dataset(folder, general.size(), all.size()),
        canaries,
        config.leakageControls(),
        config.rankOwnCanaries());
  }

  /**
   * Another base (the one a REBASE candidate names) at a location as {@code bases.v1} gives it
   * ({@code bundled:<name>} or a model folder opened under {@code name}), with its own general set
   * of {@code generalSize} questions (0: all) and this base's canaries.
   */
  public EvaluationBase other(String name, String location, int generalSize) {
    BaseModel model = BundledBase.openAt(location, name);
    List<EvalExample> all = GeneralSet.read(BundledBase.folderAt(location));
    List<EvalExample> picked = GeneralSet.spread(all, generalSize);
    return new EvaluationBase(
        model,
        picked,
        GeneralSet.dataset(BundledBase.folderAt(location), picked.size(), all.size()),
        canaries,
        controls,
        rankOwnCanaries);
  }

  /** Every canary of tenants other than {@code tenant}. */
  public List<PlantedCanary> canariesNotOf(String tenant) {
    return canaries.entrySet().stream()
        .filter(entry -> !entry.getKey().equals(tenant))
        .flatMap(entry -> entry.getValue().stream())
        .toList();
  }

  public List<PlantedCanary> canariesOf(String tenant) {
    return canaries.getOrDefault(tenant, List.of());
  }
}
