package dev.perennial.publisher.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRefreshDetails;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.Plasticity;
import dev.perennial.schemas.v1.RecipeSearch;
import dev.perennial.schemas.v1.RecipeTrial;
import dev.perennial.schemas.v1.ReferenceKind;
import dev.perennial.schemas.v1.SearchedRecipe;
import dev.perennial.schemas.v1.TrainingReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestFactoryTest {

  @TempDir Path folder;

  private ReleaseManifest manifest(EvaluationVerdict verdict) {
    SortedMap<String, Digest> files = new TreeMap<>();
    verdict
        .getCandidate()
        .getFileDigests()
        .forEach((name, hex) -> files.put(name, Digest.parse(hex)));
    return ManifestFactory.create(
        verdict,
        AdapterKey.parse("acme/support"),
        4,
        files,
        "sha256:" + "0".repeat(64),
        TestVerdicts.AT);
  }

  @Test
  void theManifestRecordsTheWholeLineageTheEvaluationAndEveryFileDigest() {
    LocalArtifactStore store = new LocalArtifactStore(folder);
    EvaluationVerdict verdict =
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-4", 3));

    ReleaseManifest manifest = manifest(verdict);
    JsonNode tree = manifest.tree();

    assertThat(manifest.adapterKey()).isEqualTo(AdapterKey.parse("acme/support"));
    assertThat(manifest.version()).isEqualTo(4);
    assertThat(manifest.candidateId()).isEqualTo("cand-4");
    assertThat(manifest.baseModelName()).isEqualTo(TestVerdicts.BASE_MODEL);
    assertThat(manifest.baseModelDigest().hex()).isEqualTo(TestVerdicts.BASE_DIGEST);
    assertThat(manifest.files())
        .containsOnlyKeys("adapter_config.json", "adapter_model.safetensors");
    assertThat(manifest.files().get("adapter_config.json"))
        .isEqualTo(Digest.of(TestVerdicts.adapterFiles("cand-4").get("adapter_config.json")));
    assertThat(tree.get("parentVersion").intValue()).isEqualTo(3);
    assertThat(tree.at("/recipe/seed").longValue()).isEqualTo(42);
    assertThat(tree.at("/recipe/learningRate").doubleValue()).isEqualTo(3e-4);
    assertThat(tree.at("/data/shards/0/offsetRanges/0/topic").textValue())
        .isEqualTo("perennial.examples.v1");
    assertThat(tree.at("/data/shards/0/offsetRanges/0/toOffset").longValue()).isEqualTo(120);
    assertThat(tree.at("/candidate/jobId").textValue()).isEqualTo("job-cand-4");
    assertThat(tree.at("/candidate/createdAt").textValue()).isEqualTo("2025-06-01T12:00:00Z");
    assertThat(tree.at("/training/finalLoss").doubleValue()).isEqualTo(1.2);
    assertThat(tree.at("/evaluation/gates/2/name").textValue()).isEqualTo("leakage");
    assertThat(tree.at("/evaluation/gates/2/comparator").textValue()).isEqualTo("LESS_OR_EQUAL");
    assertThat(tree.at("/evaluation/report").textValue()).isEqualTo("reports/cand-4.html");
    assertThat(manifest.evaluationMetrics()).containsEntry("learning", 0.82);
    assertThat(tree.has("erasure")).isFalse();
  }

  @Test
  void aCandidatesLineageGetsASectionOfItsOwnAndReadsBackAsTheRecord() {
    LocalArtifactStore store = new LocalArtifactStore(folder);
    LineageRelease teacher =
        new LineageRelease(
            2,
            "adapters/x",
            "ab".repeat(32),
            "perennial-tiny",
            "cd".repeat(32),
            "bundled:perennial-tiny");
    Lineage lineage =
        new Lineage(
            LineageMethod.DISTILLED,
            null,
            teacher,
            "ef".repeat(32),
            null,
            new TrainingReference(ReferenceKind.INCUMBENT, teacher),
            null,
            null,
            null);
    AdapterCandidate candidate =
        AdapterCandidate.newBuilder(TestVerdicts.candidate(store, "acme/support", "cand-6", null))
            .setLineage(lineage)
            .build();

    JsonNode tree = manifest(TestVerdicts.passed(candidate)).tree();

    assertThat(tree.at("/lineage/method").textValue()).isEqualTo("DISTILLED");
    assertThat(tree.at("/lineage/teacher/version").intValue()).isEqualTo(2);
    assertThat(tree.at("/candidate/lineage").isMissingNode()).isTrue();
    assertThat(tree.at("/lineage/reference/kind").textValue()).isEqualTo("INCUMBENT");
    assertThat(LineageJson.of(tree)).contains(lineage);
  }

  @Test
  void anImportedCandidatesManifestNamesWhereTheAdapterCameFromAndTheImportRecord() {
    AdapterCandidate candidate =
        TestVerdicts.imported(new LocalArtifactStore(folder), "acme/support", "cand-7");
    Lineage lineage = candidate.getLineage();

    ReleaseManifest manifest = manifest(TestVerdicts.passed(candidate));
    JsonNode tree = manifest.tree();

    assertThat(tree.at("/lineage/method").textValue()).isEqualTo("IMPORTED");
    assertThat(tree.at("/lineage/importedFrom").textValue()).isEqualTo("hf:acme/support-lora");
    assertThat(tree.at("/parentVersion").isNull()).isTrue();
    assertThat(tree.at("/candidate/adapterImport/importId").textValue()).isEqualTo("import-1");
    assertThat(tree.at("/candidate/adapterImport/importedBy").textValue())
        .isEqualTo("operator:alice");
    assertThat(tree.at("/candidate/adapterImport/declaredBase").textValue())
        .isEqualTo("meta-llama/Llama-3.2-1B");
    assertThat(LineageJson.of(tree)).contains(lineage);
  }

  @Test
  void aSearchesTrialsGetASectionOfTheirOwnAndThePlasticityMonitorReadsBackWithTheLineage() {
    LocalArtifactStore store = new LocalArtifactStore(folder);
    Lineage lineage =
        Lineage.newBuilder()
            .setMethod(LineageMethod.CONTINUED)
            .setRefresh(new AdapterRefreshDetails(0.99, 4, 0.995, "update 5 gained 0.1"))
            .setPlasticity(
                Plasticity.newBuilder()
                    .setUpdate(6)
                    .setLearningGain(0.2)
                    .setEffectiveRank(3.0)
                    .setWeightNorm(1.0)
                    .setProductNorm(0.5)
                    .setModules(List.of())
                    .build())
            .setSearchedRecipe(new SearchedRecipe(2.0, 0.75, 0.5, 8, "search"))
            .build();
    RecipeTrial dropped =
        new RecipeTrial(
            "learning-rate x2",
            Map.of("learningRate", "0.004"),
            42L,
            0,
            3,
            false,
            0.1,
            0.0,
            0.08,
            0);
    RecipeTrial kept =
        new RecipeTrial(
            "learning-rate x1",
            Map.of("learningRate", "0.002"),
            42L,
            0,
            3,
            true,
            0.2,
            0.0,
            null,
            null);
    AdapterCandidate candidate =
        AdapterCandidate.newBuilder(TestVerdicts.candidate(store, "acme/support", "cand-7", null))
            .setLineage(lineage)
            .setSearch(
                RecipeSearch.newBuilder()
                    .setWinner("learning-rate x1")
                    .setFullSteps(12)
                    .setFinalSteps(12)
                    .setBudget(1.5)
                    .setCentre("key")
                    .setTrialSteps(6)
                    .setRankedBy("gates, then gain")
                    .setTrials(List.of(dropped, kept))
                    .build())
            .build();

    JsonNode tree = manifest(TestVerdicts.passed(candidate)).tree();

    assertThat(tree.at("/search/winner").textValue()).isEqualTo("learning-rate x1");
    assertThat(tree.at("/search/trials/0/droppedInRound").intValue()).isZero();
    assertThat(tree.at("/search/trials/1/droppedInRound").isNull()).isTrue();
    assertThat(tree.at("/search/trials/0/replayLossChange").doubleValue())
        .as("what the rank subtracted from the gain")
        .isEqualTo(0.08);
    assertThat(tree.at("/candidate/search").isMissingNode()).isTrue();
    assertThat(tree.at("/lineage/plasticity/update").intValue()).isEqualTo(6);
    assertThat(tree.at("/lineage/refresh/freedRank").intValue()).isEqualTo(4);
    assertThat(tree.at("/lineage/searchedRecipe/replayFraction").doubleValue()).isEqualTo(0.75);
    assertThat(LineageJson.of(tree)).as("releases.v1 carries the winner").contains(lineage);
  }

  @Test
  void aDivergedTrialsNotANumberIsWrittenAsTextAndReadsBackAsItself() {
    LocalArtifactStore store = new LocalArtifactStore(folder);
    RecipeTrial diverged =
        new RecipeTrial(
            "learning-rate x2",
            Map.of("learningRate", "0.004"),
            42L,
            0,
            3,
            false,
            Double.NaN,
            Double.NEGATIVE_INFINITY,
            Double.NaN,
            0);
    RecipeSearch search =
        RecipeSearch.newBuilder()
            .setWinner("centre")
            .setFullSteps(12)
            .setFinalSteps(12)
            .setTrialSteps(3)
            .setRankedBy("gates, then gain")
            .setTrials(List.of(diverged))
            .build();
    AdapterCandidate candidate =
        AdapterCandidate.newBuilder(TestVerdicts.candidate(store, "acme/support", "cand-8", null))
            .setSearch(search)
            .build();

    ReleaseManifest written = manifest(TestVerdicts.passed(candidate));
    ReleaseManifest read = ReleaseManifest.parse(written.bytes());

    assertThat(new String(written.bytes(), StandardCharsets.UTF_8))
        .as("JSON has no NaN literal: a strict reader (Python's json with allow_nan off) reads it")
        .contains("\"learningGain\" : \"NaN\"")
        .contains("\"marginBeyondInterval\" : \"-Infinity\"");
    assertThat(read.digest()).isEqualTo(written.digest());
    RecipeSearch readBack =
        AvroJson.fromJson(read.tree().get(ManifestFactory.SEARCH), RecipeSearch.SCHEMA$);
    assertThat(readBack.getTrials().get(0).getLearningGain()).isNaN();
    assertThat(readBack.getTrials().get(0).getMarginBeyondInterval())
        .isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(readBack.getTrials().get(0).getReplayLossChange()).isNaN();
  }

  @Test
  void theSameInputsGiveTheSameBytesAndTheBytesReadBack() {
    LocalArtifactStore store = new LocalArtifactStore(folder);
    EvaluationVerdict verdict =
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-5", null));

    ReleaseManifest first = manifest(verdict);
    ReleaseManifest second = manifest(verdict);
    ReleaseManifest read = ReleaseManifest.parse(first.bytes());

    assertThat(second.bytes()).isEqualTo(first.bytes());
    assertThat(read.digest()).isEqualTo(first.digest());
    assertThat(read.tree().get("parentVersion").isNull()).isTrue();
    assertThat(new String(first.bytes(), StandardCharsets.UTF_8))
        .startsWith("{\n  \"format\" : \"perennial.release.manifest/v1\"")
        .endsWith("}\n");
  }

  @Test
  void aManifestWithoutItsFilesIsRefusedNamingTheField() {
    String text =
        "{\"format\":\"perennial.release.manifest/v1\",\"adapterKey\":\"acme/support\",\"version\":1}";

    assertThatThrownBy(() -> ReleaseManifest.parse(text.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ManifestException.class)
        .hasMessage("Manifest field files is missing");
  }

  /**
   * A manifest is signed, kept for good and served by the read API: naming the erased subject's
   * pseudonym would tell whoever can link it that this person erased their data, and when. The
   * request id identifies the erasure.
   */
  @Test
  void anErasureRetrainsManifestDoesNotNameTheErasedSubject() {
    LocalArtifactStore store = new LocalArtifactStore(folder);
    AdapterCandidate retrain = TestVerdicts.candidate(store, "acme/support", "cand-3", 2);
    retrain.setErasure(
        ErasureDetails.newBuilder()
            .setRequestId("erase-7")
            .setSubjectPseudonym("p-0123456789abcdef")
            .setAffectedVersions(List.of(2))
            .build());

    ReleaseManifest manifest = manifest(TestVerdicts.passed(retrain));

    assertThat(manifest.tree().at("/erasure/requestId").textValue()).isEqualTo("erase-7");
    assertThat(manifest.tree().at("/erasure/replacesVersions/0").intValue()).isEqualTo(2);
    assertThat(new String(manifest.bytes(), StandardCharsets.UTF_8))
        .doesNotContain("p-0123456789abcdef");
  }
}
