package dev.perennial.cli.reproduce;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.files.Folders;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.publisher.manifest.LineageJson;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterRefreshDetails;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.lineage.TrainerVersion;
import dev.perennial.trainer.plasticity.PlasticitySettings;
import dev.perennial.trainer.search.SearchSettings;
import dev.perennial.trainer.worker.BaseModelSource;
import dev.perennial.trainer.worker.JobSkippedException;
import dev.perennial.trainer.worker.JobTrainer;
import dev.perennial.trainer.worker.TrainedJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Trains a released adapter again, through the worker's own {@link JobTrainer}, from what its
 * manifest records (job, shards, recipe and seed, the release it continued; for a job that searched
 * its recipe, the winner's recipe for the steps the search left it) and what the artifact store
 * still holds, on the base this configuration names (checked against the manifest's digest), and
 * compares every file bit for bit. A re-based release (carried over or distilled) is trained again
 * on the two bases its lineage names, read from their recorded locations and checked against their
 * digests, from the old base's release it moved. Nothing is written to the store or the release
 * area: the rebuild writes into a scratch folder, removed at the end.
 */
public final class ReleaseReproducer {

  private final ReleaseArea area;
  private final TrainerConfig config;
  private final DeviceChoice device;

  public ReleaseReproducer(ReleaseArea area, TrainerConfig config, DeviceChoice device) {
    this.area = area;
    this.config = config;
    this.device = device;
  }

  /** Rebuilds {@code version} of {@code key}; its notes and result. */
  public Reproduction reproduce(AdapterKey key, int version) {
    StoredRelease release =
        area.read(key, version)
            .orElseThrow(
                () ->
                    new PerennialException(
                        "No release " + key + " v" + version + " in " + area.root()));
    ReleaseInputs inputs = ReleaseInputs.of(release.manifest());
    if (!inputs.complete()) {
      return Reproduction.incomplete(inputs.missing());
    }
    ArtifactStore store = new LocalArtifactStore(config.artifactStorePath());
    List<LostData.Lost> lost = LostData.of(store, inputs);
    if (!lost.isEmpty()) {
      return Reproduction.lost(lost, LostData.erasureOf(area, key, version));
    }
    BaseModelSource base = BaseModelSource.open(config);
    // a re-based release trains on the bases its job names, opened from their recorded locations
    // and checked against their digests; every other release on this configuration's base
    boolean rebased = inputs.job().getRebase() != null;
    if (!rebased
        && !StableRelease.normalized(base.base().digest())
            .equals(StableRelease.normalized(inputs.baseModelDigest()))) {
      return Reproduction.incomplete(
          List.of(
              "trained on base "
                  + inputs.baseModelName()
                  + " ("
                  + inputs.baseModelDigest()
                  + "); this configuration's base is "
                  + base.base().name()
                  + " ("
                  + base.base().digest()
                  + "): point "
                  + TrainerConfig.BASE_MODEL_PATH_CONFIG
                  + " at the release's base"));
    }
    // the base digest covers config and weights only; the tokenizer files and the general replay
    // set shape the weights too
    Map<String, String> recorded = recipeExtras(release);
    List<String> otherBase = base.differencesFrom(recorded);
    if (!rebased && !otherBase.isEmpty()) {
      List<String> reasons = new ArrayList<>(otherBase);
      reasons.add(
          "point "
              + TrainerConfig.BASE_MODEL_PATH_CONFIG
              + " at the folder the release trained on");
      return Reproduction.incomplete(reasons);
    }
    Optional<Lineage> continuedLineage = Optional.empty();
    AdapterRefreshDetails refresh = null;
    if (inputs.refreshed()) {
      int parent = inputs.startedFrom().orElseThrow().version();
      continuedLineage =
          area.read(key, parent).flatMap(found -> LineageJson.of(found.manifest().tree()));
      refresh = LineageJson.of(release.manifest().tree()).orElseThrow().getRefresh();
      if (continuedLineage.isEmpty()) {
        return Reproduction.incomplete(
            List.of(
                "training refreshed v"
                    + parent
                    + " first, whose manifest (the monitor's verdict) is not in "
                    + area.root()));
      }
    }
    Path scratch = scratchFolder();
    try {
      JobTrainer trainer =
          new JobTrainer(
              base,
              inputs.recipe(),
              new ScratchOverlayStore(store, new LocalArtifactStore(scratch.resolve("store"))),
              config.artifactStorePath(),
              scratch.resolve("work"),
              device,
              plasticity(refresh),
              SearchSettings.off());
      TrainedJob trained;
      try {
        trained =
            trainer.rebuild(
                inputs.job(),
                inputs.startedFrom(),
                continuedLineage,
                inputs.searchedSteps(),
                inputs.validationFraction(),
                step -> {});
      } catch (JobSkippedException e) {
        return Reproduction.incomplete(List.of("the trainer refused the job: " + e.getMessage()));
      }
      Map<String, Digest> rebuilt = new TreeMap<>();
      trained
          .candidate()
          .getFileDigests()
          .forEach((name, hex) -> rebuilt.put(name, Digest.parse(hex)));
      Reproduction compared = Reproduction.compared(release.manifest().files(), rebuilt);
      List<String> lines =
          new ArrayList<>(
              Reproduction.notes(
                  inputs.device(),
                  trained.candidate().getDevice(),
                  inputs.trainerVersion(),
                  TrainerVersion.get()));
      // a re-based release's bases come from their recorded locations: say if one changed since
      BaseModelSource.differences(recorded, trained.candidate().getRecipe().getExtras())
          .forEach(difference -> lines.add("note: " + difference));
      lines.addAll(compared.lines());
      return new Reproduction(compared.outcome(), lines);
    } finally {
      Folders.deleteRecursively(scratch);
    }
  }

  private static Map<String, String> recipeExtras(StoredRelease release) {
    Map<String, String> extras = new TreeMap<>();
    release
        .manifest()
        .tree()
        .path("recipe")
        .path("extras")
        .fields()
        .forEachRemaining(field -> extras.put(field.getKey(), field.getValue().asText()));
    return extras;
  }

  /**
   * The monitor's settings for a rebuild: no control (it changes no adapter), and a refresh as the
   * release recorded it.
   */
  private static PlasticitySettings plasticity(AdapterRefreshDetails refresh) {
    PlasticitySettings defaults = PlasticitySettings.defaults();
    return new PlasticitySettings(
        0,
        defaults.refreshBelow(),
        refresh == null ? defaults.refreshEnergy() : refresh.getEnergy(),
        refresh == null ? defaults.refreshFreeRank() : refresh.getFreedRank(),
        defaults.gainExamples());
  }

  private static Path scratchFolder() {
    try {
      return Files.createTempDirectory("perennial-reproduce-");
    } catch (IOException e) {
      throw new PerennialException("Cannot create a scratch folder for the rebuild: " + e, e);
    }
  }
}
