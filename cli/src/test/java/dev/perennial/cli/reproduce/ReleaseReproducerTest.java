package dev.perennial.cli.reproduce;

import static dev.perennial.trainer.testing.Examples.at;
import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.tiny.Pretrainer;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.train.StepListener;
import dev.perennial.publisher.manifest.ManifestFactory;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.RebaseDetails;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.ShardEntry;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.imports.AdapterImports;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import dev.perennial.trainer.shard.SourcedExample;
import dev.perennial.trainer.testing.ForeignAdapters;
import dev.perennial.trainer.testing.TestBase;
import dev.perennial.trainer.testing.TestConfigs;
import dev.perennial.trainer.worker.BaseModelSource;
import dev.perennial.trainer.worker.JobTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rebuilding a release the worker's trainer made, on the bundled base with a tiny recipe, on CPU:
 * the release continued an earlier one (its adapter, replay of its shard), which the rebuild takes
 * from the store as the manifest names it. (CryptoShreddingIT rebuilds a first release and explains
 * an erased one.)
 */
class ReleaseReproducerTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");

  @TempDir Path folder;

  private TrainerConfig config;
  private ArtifactStore store;
  private JobTrainer trainer;
  private ReleaseArea area;

  @BeforeEach
  void setUp() {
    config = new TrainerConfig(TestConfigs.tinyRecipe(folder));
    store = new LocalArtifactStore(config.artifactStorePath());
    trainer = JobTrainer.from(config, store, DeviceChoice.CPU);
    area = new ReleaseArea(folder.resolve("releases"));
  }

  @Test
  void aReleaseThatContinuedAnotherRebuildsBitIdenticallyAndADifferentSeedDoesNot()
      throws Exception {
    SigningKey signer = SigningKey.generate();
    ShardRef first = shard(store, 0, "The Zix lamp number %d is teal.");
    ShardRef second = shard(store, 100, "The Zax lamp number %d is red.");
    StableRelease stable = releasedAsV1(signer, first);
    AdapterCandidate v2 =
        trainer
            .train(job("@2-b", second, List.of(first)), Optional.of(stable), StepListener.NONE)
            .candidate();
    StoredRelease continued = release(area, store, signer, 2, v2);
    List<Digest> stored = store.list();
    ReleaseReproducer reproducer = new ReleaseReproducer(area, config, DeviceChoice.CPU);

    Reproduction rebuilt = reproducer.reproduce(KEY, 2);
    ObjectNode tree = continued.manifest().tree();
    ((ObjectNode) tree.get("recipe")).put("seed", 43L);
    Files.write(
        continued.folder().resolve(ReleaseManifest.FILE_NAME), ReleaseManifest.of(tree).bytes());
    Reproduction reseeded = reproducer.reproduce(KEY, 2);

    assertThat(v2.getLineage().getMethod()).isEqualTo(LineageMethod.CONTINUED);
    assertThat(rebuilt.outcome())
        .as(String.join("\n", rebuilt.lines()))
        .isEqualTo(Reproduction.Outcome.REPRODUCED);
    assertThat(rebuilt.lines()).contains("  same      adapter_model.safetensors");
    assertThat(reseeded.outcome()).isEqualTo(Reproduction.Outcome.DIFFERS);
    assertThat(reseeded.lines()).contains("  DIFFERS   adapter_model.safetensors");
    assertThat(store.list()).as("the store after two rebuilds").isEqualTo(stored);
  }

  @Test
  void aReleaseThatContinuedAnImportedAdapterRebuildsBitIdenticallyFromTheStoredImport()
      throws Exception {
    AdapterCandidate v1 = releaseAnImportContinued();

    Reproduction rebuilt = new ReleaseReproducer(area, config, DeviceChoice.CPU).reproduce(KEY, 1);

    assertThat(v1.getLineage().getMethod()).isEqualTo(LineageMethod.IMPORTED);
    assertThat(rebuilt.outcome())
        .as(String.join("\n", rebuilt.lines()))
        .isEqualTo(Reproduction.Outcome.REPRODUCED);
    assertThat(rebuilt.lines()).contains("  same      adapter_model.safetensors");
  }

  @Test
  void audit_aReleaseWhoseImportedAdapterFileIsGoneNamesThatFile() throws Exception {
    AdapterCandidate v1 = releaseAnImportContinued();
    AdapterImport imported = v1.getAdapterImport();
    String weights =
        FolderIndex.files(store, imported.getLocation()).get("adapter_model.safetensors");
    store.delete(Digest.parse(weights));

    Reproduction rebuilt = new ReleaseReproducer(area, config, DeviceChoice.CPU).reproduce(KEY, 1);

    assertThat(rebuilt.outcome())
        .as(String.join("\n", rebuilt.lines()))
        .isEqualTo(Reproduction.Outcome.INCOMPLETE);
    assertThat(rebuilt.lines())
        .contains(
            "  gone: adapter_model.safetensors of the adapter imported from hub/acme-lora sha256:"
                + weights);
  }

  /** Imports an adapter trained elsewhere and releases as v1 the key's job that continued it. */
  private AdapterCandidate releaseAnImportContinued() throws Exception {
    ShardRef first = shard(store, 0, "The Zix lamp number %d is teal.");
    AdapterCandidate elsewhere =
        trainer
            .train(job("@1-a", first, List.of()), Optional.empty(), StepListener.NONE)
            .candidate();
    Path foreign =
        ForeignAdapters.of(
            store,
            config.artifactStorePath(),
            elsewhere.getLocation(),
            "hub/base",
            folder.resolve("foreign"));
    AdapterImport imported =
        AdapterImports.prepare(
            store,
            trainer.base(),
            KEY.toString(),
            foreign,
            "hub/acme-lora",
            "operator",
            null,
            Clock.fixed(Instant.ofEpochMilli(7), ZoneOffset.UTC));
    ShardRef second = shard(store, 100, "The Zax lamp number %d is red.");
    TrainingJob importJob =
        TrainingJob.newBuilder(job("@2-i", second, List.of()))
            .setTrigger(JobTrigger.IMPORT)
            .setAdapterImport(imported)
            .build();
    AdapterCandidate v1 = trainer.train(importJob, Optional.empty(), StepListener.NONE).candidate();
    release(area, store, SigningKey.generate(), 1, v1);
    return v1;
  }

  @Test
  void aReleaseReBasedOntoASuccessorRebuildsBitIdenticallyCarriedOverAndDistilled()
      throws Exception {
    SigningKey signer = SigningKey.generate();
    ShardRef first = shard(store, 0, "The Zix lamp number %d is teal.");
    StableRelease stable = releasedAsV1(signer, first);
    AdapterCandidate carried =
        trainer
            .train(
                rebaseJob("@2-r", first, stable, "successor", TestBase.config(), 8),
                Optional.of(stable),
                StepListener.NONE)
            .candidate();
    release(area, store, signer, 2, carried);
    LlamaConfig deeper =
        LlamaConfig.llama(ByteTokenizer.VOCAB_SIZE, 32, 64, 3, 4, 1, 128, true)
            .withSpecialTokens(ByteTokenizer.BOS, ByteTokenizer.EOS);
    AdapterCandidate distilled =
        trainer
            .train(
                rebaseJob("@3-r", first, stable, "deeper", deeper, 9),
                Optional.of(stable),
                StepListener.NONE)
            .candidate();
    release(area, store, signer, 3, distilled);
    ReleaseReproducer reproducer = new ReleaseReproducer(area, config, DeviceChoice.CPU);

    Reproduction carriedAgain = reproducer.reproduce(KEY, 2);
    Reproduction distilledAgain = reproducer.reproduce(KEY, 3);

    assertThat(carried.getLineage().getMethod()).isEqualTo(LineageMethod.CARRIED_OVER);
    assertThat(carried.getBaseModelName()).isEqualTo("successor");
    assertThat(carriedAgain.outcome())
        .as(String.join("\n", carriedAgain.lines()))
        .isEqualTo(Reproduction.Outcome.REPRODUCED);
    assertThat(distilled.getLineage().getMethod()).isEqualTo(LineageMethod.DISTILLED);
    assertThat(distilledAgain.outcome())
        .as(String.join("\n", distilledAgain.lines()))
        .isEqualTo(Reproduction.Outcome.REPRODUCED);
    assertThat(distilledAgain.lines()).contains("  same      adapter_model.safetensors");
  }

  @Test
  void aReleaseWhoseJobSearchedItsRecipeRebuildsBitIdenticallyFromTheWinnersRecipe()
      throws Exception {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.RECIPE_SEARCH_CONFIG, "true");
    values.put(TrainerConfig.RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_CONFIG, "4");
    values.put(TrainerConfig.RECIPE_SEARCH_BUDGET_CONFIG, "1.0");
    values.put(TrainerConfig.REPLAY_FRACTION_CONFIG, "0");
    values.put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "8");
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "12");
    values.put(TrainerConfig.RECIPE_EARLY_STOPPING_PATIENCE_CONFIG, "1");
    values.put(TrainerConfig.RECIPE_VALIDATION_FRACTION_CONFIG, "0.5");
    JobTrainer searching = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);
    List<SourcedExample> examples = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      examples.add(
          at(0, i, text(KEY.toString(), "p-" + i, "The Quux kettle " + i + " boils at " + i)));
    }
    Shard shard = new Shard(KEY.tenant(), KEY.toString(), ShardSplit.TRAIN, null, examples);
    ShardRef kettles =
        ShardEntry.of(ShardWriter.write(store, shard).hex(), shard, "job").toShardRef();
    AdapterCandidate searched =
        searching
            .train(job("@1-s", kettles, List.of()), Optional.empty(), StepListener.NONE)
            .candidate();
    release(area, store, SigningKey.generate(), 1, searched);

    Reproduction rebuilt = new ReleaseReproducer(area, config, DeviceChoice.CPU).reproduce(KEY, 1);

    assertThat(searched.getSearch()).as("the job searched its recipe").isNotNull();
    assertThat(searched.getSearch().getTrials()).isNotEmpty();
    // a budget under 1.5 cuts the winner's steps: the rebuild trains exactly as many
    assertThat(searched.getSearch().getFinalSteps()).isLessThan(searched.getRecipe().getMaxSteps());
    assertThat(rebuilt.outcome())
        .as(String.join("\n", rebuilt.lines()))
        .isEqualTo(Reproduction.Outcome.REPRODUCED);
  }

  @Test
  void aReleaseWhoseSearchMovedTheReplayShareRebuildsBitIdentically() throws Exception {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.RECIPE_SEARCH_CONFIG, "true");
    values.put(TrainerConfig.RECIPE_SEARCH_DIMENSIONS_CONFIG, "replay");
    values.put(TrainerConfig.RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_CONFIG, "4");
    values.put(TrainerConfig.RECIPE_SEARCH_BUDGET_CONFIG, "1.0");
    values.put(TrainerConfig.REPLAY_FRACTION_CONFIG, "0.25");
    values.put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "8");
    // 14 steps at most: 16 examples, 3 new a step under the configured replay share (1 row of 4)
    // leave room to stop early after 2 epochs of 6 steps, so the job sets examples aside; under
    // the winner's 2 rows of replay (8 steps an epoch) they would not
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "14");
    values.put(TrainerConfig.RECIPE_EARLY_STOPPING_PATIENCE_CONFIG, "1");
    values.put(TrainerConfig.RECIPE_VALIDATION_FRACTION_CONFIG, "0.5");
    JobTrainer searching = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);
    List<SourcedExample> examples = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      examples.add(
          at(0, i, text(KEY.toString(), "p-" + i, "The Quux kettle " + i + " boils at " + i)));
    }
    Shard shard = new Shard(KEY.tenant(), KEY.toString(), ShardSplit.TRAIN, null, examples);
    ShardRef kettles =
        ShardEntry.of(ShardWriter.write(store, shard).hex(), shard, "job").toShardRef();
    AdapterCandidate searched =
        searching
            .train(job("@1-s", kettles, List.of()), Optional.empty(), StepListener.NONE)
            .candidate();
    release(area, store, SigningKey.generate(), 1, searched);

    Reproduction rebuilt = new ReleaseReproducer(area, config, DeviceChoice.CPU).reproduce(KEY, 1);

    assertThat(searched.getSearch()).as("the job searched its recipe").isNotNull();
    assertThat(searched.getRecipe().getReplayRatio())
        .as("the search moved the replay share")
        .isNotEqualTo(0.25);
    assertThat(searched.getRecipe().getExtras().get("validationExamples"))
        .as("the job set examples aside for early stopping")
        .isNotEqualTo("0");
    assertThat(rebuilt.outcome())
        .as(String.join("\n", rebuilt.lines()))
        .isEqualTo(Reproduction.Outcome.REPRODUCED);
  }

  @Test
  void aReleaseTrainedWithAnotherGeneralReplaySetOfTheSameBaseIsNotRebuiltAndSaysWhy() {
    ShardRef first = shard(store, 0, "The Zix lamp number %d is teal.");
    releasedAsV1(SigningKey.generate(), first);
    // the same config and weights, so the same base digest; other general replay texts, which the
    // first job replays (it has no earlier shards of its own)
    Path base = config.baseModelPath().orElseThrow();
    String before = BaseModel.open(base).digest();
    TestBase.writeGeneralReplay(base, "The general lamp is black.", "Quorn is a city.");

    Reproduction rebuilt = new ReleaseReproducer(area, config, DeviceChoice.CPU).reproduce(KEY, 1);

    assertThat(BaseModel.open(base).digest()).isEqualTo(before);
    assertThat(rebuilt.outcome())
        .as(String.join("\n", rebuilt.lines()))
        .isEqualTo(Reproduction.Outcome.INCOMPLETE);
    assertThat(String.join("\n", rebuilt.lines())).contains(Pretrainer.GENERAL_REPLAY);
  }

  /** A REBASE job moving v1 of the key from the configured base onto a test base {@code to}. */
  private TrainingJob rebaseJob(
      String id, ShardRef shard, StableRelease v1, String to, LlamaConfig shape, long seed) {
    BaseModel from = trainer.base();
    Path target = TestBase.write(folder.resolve(to), shape, seed);
    String fromLocation = folder.resolve("base").toString();
    return TrainingJob.newBuilder(job(id, shard, List.of()))
        .setTrigger(JobTrigger.REBASE)
        .setRebase(
            RebaseDetails.newBuilder()
                .setFromBase(new BaseRef(from.name(), from.digest(), fromLocation))
                .setToBase(new BaseRef(to, BaseModel.open(target, to).digest(), target.toString()))
                .setSourceRelease(
                    new LineageRelease(
                        1,
                        v1.location(),
                        v1.manifestDigest(),
                        from.name(),
                        from.digest(),
                        fromLocation))
                .build())
        .build();
  }

  /** The key's first job, trained on {@code shard}, released as v1. */
  private StableRelease releasedAsV1(SigningKey signer, ShardRef shard) {
    AdapterCandidate v1 =
        trainer
            .train(job("@1-a", shard, List.of()), Optional.empty(), StepListener.NONE)
            .candidate();
    StoredRelease released = release(area, store, signer, 1, v1);
    return new StableRelease(
        1,
        v1.getLocation(),
        released.manifest().digest().toString(),
        Digest.parse(v1.getBaseModelDigest()).hex(),
        v1.getRecipe().getExtras().get(BaseModelSource.TOKENIZER_DIGEST));
  }

  private static StoredRelease release(
      ReleaseArea area, ArtifactStore store, SigningKey signer, int version, AdapterCandidate c) {
    SortedMap<String, Digest> files = new TreeMap<>();
    c.getFileDigests().forEach((name, hex) -> files.put(name, Digest.parse(hex)));
    ReleaseManifest manifest =
        ManifestFactory.create(
            TestVerdicts.passed(c), KEY, version, files, signer.keyId(), TestVerdicts.AT);
    return area.write(manifest, store, signer);
  }

  /** A training shard of six examples of the key. */
  private static ShardRef shard(ArtifactStore store, int offset, String sentence) {
    List<SourcedExample> examples = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      examples.add(at(0, offset + i, text(KEY.toString(), "p-" + i, String.format(sentence, i))));
    }
    Shard shard = new Shard(KEY.tenant(), KEY.toString(), ShardSplit.TRAIN, null, examples);
    return ShardEntry.of(ShardWriter.write(store, shard).hex(), shard, "job").toShardRef();
  }

  private static TrainingJob job(String id, ShardRef shard, List<ShardRef> replay) {
    return TrainingJob.newBuilder()
        .setJobId(KEY + id)
        .setAdapterKey(KEY.toString())
        .setTenant(KEY.tenant())
        .setTrigger(JobTrigger.MIN_EXAMPLES)
        .setShards(List.of(shard))
        .setReplayShards(replay)
        .setCreatedAt(Instant.ofEpochMilli(1))
        .build();
  }
}
