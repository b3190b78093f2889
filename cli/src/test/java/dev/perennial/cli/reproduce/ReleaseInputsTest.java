package dev.perennial.cli.reproduce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.manifest.ManifestFactory;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.RaterGuard;
import dev.perennial.schemas.v1.RebaseDetails;
import dev.perennial.schemas.v1.RecipeSearch;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.rater.RaterGuardSettings;
import dev.perennial.trainer.worker.JobRecipe;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseInputsTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");

  @TempDir Path folder;

  private final JobRecipe recipe =
      JobRecipe.from(
          new TrainerConfig(
              Map.of("bootstrap.servers", "127.0.0.1:9", "schema.registry.url", "http://x:9")));

  /** A candidate that continued v2, as the trainer describes one. */
  private AdapterCandidate continuing() {
    AdapterCandidate candidate =
        TestVerdicts.candidate(new LocalArtifactStore(folder), KEY.toString(), "cand-3", 2);
    candidate.setTrigger(JobTrigger.MIN_EXAMPLES);
    candidate.setReplayShards(List.of(candidate.getHeldOutShards().get(0)));
    candidate.setRecipe(recipe.record(recipe.modelRecipe(6), recipe.freshLora(), Map.of()));
    candidate.setLineage(
        Lineage.newBuilder()
            .setMethod(LineageMethod.CONTINUED)
            .setSourceRelease(
                LineageRelease.newBuilder()
                    .setVersion(2)
                    .setLocation("sha256:" + "1".repeat(64))
                    .setManifestDigest("sha256:" + "2".repeat(64))
                    .setBaseModelName(TestVerdicts.BASE_MODEL)
                    .setBaseModelDigest(TestVerdicts.BASE_DIGEST)
                    .build())
            .build());
    return candidate;
  }

  private static ReleaseManifest manifest(AdapterCandidate candidate) {
    SortedMap<String, Digest> files = new TreeMap<>();
    candidate.getFileDigests().forEach((name, hex) -> files.put(name, Digest.parse(hex)));
    return ManifestFactory.create(
        TestVerdicts.passed(candidate), KEY, 3, files, "sha256:key", TestVerdicts.AT);
  }

  @Test
  void theJobTheRecipeAndTheContinuedReleaseReadBackFromTheManifest() {
    AdapterCandidate candidate = continuing();

    ReleaseInputs inputs = ReleaseInputs.of(manifest(candidate));

    assertThat(inputs.missing()).isEmpty();
    assertThat(inputs.job().getJobId()).isEqualTo("job-cand-3");
    assertThat(inputs.job().getTenant()).isEqualTo("acme");
    assertThat(inputs.job().getTrigger()).isEqualTo(JobTrigger.MIN_EXAMPLES);
    assertThat(inputs.job().getShards()).isEqualTo(candidate.getShards());
    assertThat(inputs.job().getReplayShards()).isEqualTo(candidate.getReplayShards());
    assertThat(inputs.recipe().modelRecipe(6)).isEqualTo(recipe.modelRecipe(6));
    assertThat(inputs.startedFrom())
        .contains(
            new StableRelease(
                2,
                "sha256:" + "1".repeat(64),
                "sha256:" + "2".repeat(64),
                TestVerdicts.BASE_DIGEST,
                null));
    assertThat(inputs.refreshed()).isFalse();
    assertThat(inputs.device()).isEqualTo("cpu()");
    // a candidate that recorded no rater guard trained without one
    assertThat(inputs.recipe().raterGuard().enabled()).isFalse();
  }

  @Test
  void aReBasedReleaseReadsBackAsTheRebaseJobThatMovedItsSourceOrTeacher() {
    AdapterCandidate carried = continuing();
    carried.setTrigger(JobTrigger.REBASE);
    carried.setBaseModelName("successor");
    carried.setBaseModelLocation("/models/successor");
    carried.getLineage().setMethod(LineageMethod.CARRIED_OVER);
    carried.getLineage().getSourceRelease().setBaseModelLocation("bundled:perennial-tiny");
    AdapterCandidate distilled = continuing();
    distilled.setTrigger(JobTrigger.REBASE);
    distilled.setBaseModelLocation("/models/deeper");
    distilled.getLineage().setMethod(LineageMethod.DISTILLED);
    distilled.getLineage().setTeacher(distilled.getLineage().getSourceRelease());
    distilled.getLineage().setSourceRelease(null);
    distilled.getLineage().getTeacher().setBaseModelLocation("bundled:perennial-tiny");

    ReleaseInputs carriedInputs = ReleaseInputs.of(manifest(carried));
    ReleaseInputs distilledInputs = ReleaseInputs.of(manifest(distilled));

    assertThat(carriedInputs.missing()).isEmpty();
    RebaseDetails rebase = carriedInputs.job().getRebase();
    assertThat(rebase.getFromBase().getLocation()).isEqualTo("bundled:perennial-tiny");
    assertThat(rebase.getToBase().getName()).isEqualTo("successor");
    assertThat(rebase.getToBase().getLocation()).isEqualTo("/models/successor");
    assertThat(rebase.getSourceRelease().getVersion()).isEqualTo(2);
    assertThat(rebase.getDistil()).isFalse();
    assertThat(carriedInputs.startedFrom()).map(StableRelease::version).contains(2);
    assertThat(distilledInputs.missing()).isEmpty();
    assertThat(distilledInputs.job().getRebase().getDistil()).isTrue();
    assertThat(distilledInputs.job().getRebase().getToBase().getLocation())
        .isEqualTo("/models/deeper");
    assertThat(distilledInputs.startedFrom()).map(StableRelease::version).contains(2);
  }

  @Test
  void theRaterGuardTheCandidateRecordedRunsAgainWithItsSettings() {
    AdapterCandidate candidate = continuing();
    candidate.setRaterGuard(
        RaterGuard.newBuilder()
            .setSubjectsCompared(19)
            .setSubjectsSetAside(6)
            .setExamplesSetAside(122)
            .setAlpha(0.001)
            .setMinItems(12)
            .setMinOthers(3)
            .build());
    ReleaseManifest manifest = manifest(candidate);
    candidate.getRaterGuard().setMajorityVote(true);
    candidate.getRaterGuard().setExamplesOutvoted(40);
    ReleaseManifest voted = manifest(candidate);

    // in the manifest's candidate section, counts only
    assertThat(
            manifest.tree().path("candidate").path("raterGuard").path("subjectsSetAside").asInt())
        .isEqualTo(6);
    assertThat(ReleaseInputs.of(manifest).recipe().raterGuard())
        .isEqualTo(new RaterGuardSettings(true, 0.001, 12, 3, false));
    assertThat(ReleaseInputs.of(voted).recipe().raterGuard())
        .isEqualTo(new RaterGuardSettings(true, 0.001, 12, 3, true));
  }

  @Test
  void aManifestThatLacksWhatTrainingNeedsSaysWhatItLacks() {
    AdapterCandidate old = continuing();
    old.setLineage(null);
    old.setTrigger(null);
    old.getRecipe().getExtras().remove("replayPoolSize");
    AdapterCandidate searched = continuing();
    searched.setSearch(
        RecipeSearch.newBuilder()
            .setWinner("baseline")
            .setFullSteps(6)
            .setTrialSteps(6)
            .setRankedBy("gain")
            .setTrials(List.of())
            .build());
    AdapterCandidate unlocated = continuing();
    unlocated.getLineage().setMethod(LineageMethod.CARRIED_OVER);
    unlocated.setTrigger(JobTrigger.REBASE);

    assertThat(ReleaseInputs.of(manifest(old)).missing())
        .containsExactly(
            "the manifest records no lineage (a release made before lineage was recorded)",
            "the manifest records no job trigger (a release made before it was recorded)",
            "the recipe cannot be read back: the recorded recipe has no replayPoolSize");
    assertThat(ReleaseInputs.of(manifest(searched)).missing())
        .containsExactly(
            "its job searched the recipe, and the manifest does not record the steps the search"
                + " left the winner (a release made before they were recorded)");
    searched.getSearch().setFinalSteps(5);
    assertThat(ReleaseInputs.of(manifest(searched)).missing()).isEmpty();
    assertThat(ReleaseInputs.of(manifest(searched)).searchedSteps()).hasValue(5);
    assertThat(ReleaseInputs.of(manifest(unlocated)).missing())
        .containsExactly(
            "the manifest does not record where base "
                + TestVerdicts.BASE_MODEL
                + " and "
                + TestVerdicts.BASE_MODEL
                + " was read from");
    AdapterCandidate importedUnrecorded = continuing();
    importedUnrecorded.getLineage().setMethod(LineageMethod.IMPORTED);
    importedUnrecorded.setTrigger(JobTrigger.IMPORT);
    assertThat(ReleaseInputs.of(manifest(importedUnrecorded)).missing())
        .containsExactly(
            "the manifest does not record the import training started from (a release made"
                + " before imports were recorded)");
  }

  @Test
  void aReleaseWithoutReplayShardsReadsBackWithNone() {
    AdapterCandidate candidate = continuing();
    candidate.setReplayShards(List.<ShardRef>of());

    assertThat(ReleaseInputs.of(manifest(candidate)).job().getReplayShards()).isEmpty();
  }

  @Test
  void anErasureRetrainReadsBackAsItsErasureJobWithoutNamingTheErasedSubject() {
    AdapterCandidate retrain = continuing();
    retrain.setTrigger(JobTrigger.ERASURE);
    retrain.setErasure(
        ErasureDetails.newBuilder()
            .setRequestId("erase-7")
            .setSubjectPseudonym("p-0123456789abcdef")
            .setAffectedVersions(List.of(2))
            .build());
    // a manifest published before manifests stopped naming the subject
    ObjectNode published = manifest(retrain).tree();
    ((ObjectNode) published.get("erasure")).put("subjectPseudonym", "p-0123456789abcdef");

    ErasureDetails erasure = ReleaseInputs.of(ReleaseManifest.of(published)).job().getErasure();

    assertThat(erasure.getRequestId()).isEqualTo("erase-7");
    assertThat(erasure.getAffectedVersions()).containsExactly(2);
    assertThat(erasure.getSubjectPseudonym()).isEmpty();
  }
}
