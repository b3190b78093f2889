package dev.perennial.trainer.worker;

import static dev.perennial.trainer.testing.Examples.at;
import static dev.perennial.trainer.testing.Examples.sft;
import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.files.Folders;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.StepMetrics;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.Plasticity;
import dev.perennial.schemas.v1.RebaseDetails;
import dev.perennial.schemas.v1.RecipeSearch;
import dev.perennial.schemas.v1.RecipeTrial;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.ReleaseRef;
import dev.perennial.schemas.v1.SearchedRecipe;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.accumulate.ShardEntry;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.imports.AdapterImports;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import dev.perennial.trainer.shard.SourcedExample;
import dev.perennial.trainer.testing.ForeignAdapters;
import dev.perennial.trainer.testing.RecordingArtifactStore;
import dev.perennial.trainer.testing.TestBase;
import dev.perennial.trainer.testing.TestConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's training of one job on the bundled base, with a tiny recipe, on CPU. */
class JobTrainerTest {

  @TempDir Path folder;

  private RecordingArtifactStore store;
  private JobTrainer trainer;
  private ShardRef train;
  private ShardRef heldOut;
  private ShardRef replay;
  private ShardRef foreign;

  @BeforeEach
  void setUp() {
    TrainerConfig config = new TrainerConfig(TestConfigs.tinyRecipe(folder));
    store = new RecordingArtifactStore(new LocalArtifactStore(config.artifactStorePath()));
    trainer = JobTrainer.from(config, store, DeviceChoice.CPU);
    List<SourcedExample> examples = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      examples.add(
          at(0, i, text("acme/support", "p-" + i, "The Zix lamp number " + i + " is teal.")));
    }
    examples.add(at(0, 6, sft("acme/support", "p-9", "Question: Zix colour?\nAnswer:", " teal")));
    train = shard("acme/support", ShardSplit.TRAIN, examples);
    heldOut =
        shard(
            ShardSplit.HELD_OUT,
            at(0, 7, text("acme/support", "p-1", "Held out: the Zix lamp glows.")));
    replay =
        shard(
            ShardSplit.TRAIN,
            at(0, 1_000, text("acme/support", "p-3", "Earlier: the Zax lamp is red.")));
    foreign =
        shard(
            ShardSplit.TRAIN, at(1, 0, text("globex/support", "p-1", "Globex secret 1234-5678.")));
  }

  /** A shard of one example, of the example's adapter key. */
  private ShardRef shard(ShardSplit split, SourcedExample example) {
    return shard(example.example().getAdapterKey(), split, List.of(example));
  }

  private ShardRef shard(String key, ShardSplit split, List<SourcedExample> examples) {
    Shard shard = new Shard(AdapterKey.parse(key).tenant(), key, split, null, examples);
    Digest digest = ShardWriter.write(store, shard);
    return ShardEntry.of(digest.hex(), shard, "job").toShardRef();
  }

  /** A key's first job: its training shard, nothing held out, nothing to replay. */
  private TrainingJob firstJob() {
    return job("acme/support@1-abc", JobTrigger.MIN_EXAMPLES, List.of(train), List.of(), List.of());
  }

  /** The candidate {@code job} trains into, continuing {@code stable} where the job may. */
  private AdapterCandidate candidate(TrainingJob job, Optional<StableRelease> stable) {
    return trainer.train(job, stable, StepListener.NONE).candidate();
  }

  /**
   * {@code first} released as v1, as releases.v1 carries it: the base digest as bare hex, as the
   * publisher writes it.
   */
  private static StableRelease releasedAsV1(AdapterCandidate first) {
    return new StableRelease(
        1,
        first.getLocation(),
        "manifest",
        Digest.parse(first.getBaseModelDigest()).hex(),
        first.getRecipe().getExtras().get(BaseModelSource.TOKENIZER_DIGEST));
  }

  private static TrainingJob job(
      String id,
      JobTrigger trigger,
      List<ShardRef> shards,
      List<ShardRef> heldOut,
      List<ShardRef> replay) {
    return TrainingJob.newBuilder()
        .setJobId(id)
        .setAdapterKey("acme/support")
        .setTenant("acme")
        .setTrigger(trigger)
        .setShards(shards)
        .setHeldOutShards(heldOut)
        .setReplayShards(replay)
        .setErasure(
            trigger == JobTrigger.ERASURE ? new ErasureDetails("erase-1", "p-0", List.of(1)) : null)
        .setCreatedAt(Instant.ofEpochMilli(1))
        .build();
  }

  @Test
  void aJobBecomesACandidateWithFullLineageAndItsFilesInTheStore() {
    TrainingJob job =
        job(
            "acme/support@1-abc",
            JobTrigger.MIN_EXAMPLES,
            List.of(train),
            List.of(heldOut),
            List.of(replay));
    List<Integer> steps = new ArrayList<>();

    TrainedJob trained = trainer.train(job, Optional.empty(), step -> steps.add(step.step()));

    AdapterCandidate candidate = trained.candidate();
    assertThat(candidate.getCandidateId()).isEqualTo("acme/support@1-abc#candidate");
    assertThat(candidate.getJobId()).isEqualTo(job.getJobId());
    assertThat(candidate.getShards()).containsExactly(train);
    assertThat(candidate.getHeldOutShards()).containsExactly(heldOut);
    assertThat(candidate.getReplayShards()).containsExactly(replay);
    assertThat(candidate.getTrigger()).isEqualTo(JobTrigger.MIN_EXAMPLES);
    assertThat(candidate.getParentVersion()).isNull();
    assertThat(candidate.getExampleCount()).isEqualTo(7);
    assertThat(candidate.getTokenCount()).isEqualTo(train.getTokenCount());
    assertThat(candidate.getBaseModelName()).isEqualTo(TestBase.NAME);
    assertThat(candidate.getBaseModelDigest()).isEqualTo(trainer.base().digest());
    assertThat(candidate.getRecipe().getSeed()).isEqualTo(42);
    assertThat(candidate.getRecipe().getLoraRank()).isEqualTo(4);
    assertThat(candidate.getRecipe().getTargetModules()).containsExactly("q_proj", "v_proj");
    assertThat(candidate.getRecipe().getExtras()).containsEntry("startedFrom", "fresh");
    assertThat(candidate.getMetrics().getSteps()).isEqualTo(steps.size()).isPositive();
    assertThat(candidate.getMetrics().getLossCurve()).hasSize(steps.size());
    assertThat(candidate.getTrainerVersion()).startsWith("perennial-trainer ");
    assertThat(candidate.getDevice()).startsWith("cpu");
    assertThat(candidate.getFileDigests())
        .containsOnlyKeys(PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE);
    assertThat(FolderIndex.files(store, candidate.getLocation()))
        .isEqualTo(candidate.getFileDigests());
    PeftAdapter adapter =
        PeftAdapter.read(
            FolderIndex.materialize(
                store, folder, candidate.getLocation(), folder.resolve("read-back")));
    assertThat(adapter.baseModelDigest()).isEqualTo(trainer.base().digest());
    // held-out examples are never read, let alone trained on
    assertThat(trained.shardsRead())
        .containsExactly(Digest.parse(train.getDigest()), Digest.parse(replay.getDigest()));
    assertThat(store.reads()).doesNotContain(Digest.parse(heldOut.getDigest()));
  }

  @Test
  void aJobTrainsOnAThreadOtherThanTheOneThatLoadedTheEngine() throws Exception {
    TrainingJob job =
        job("acme/support@1-abc", JobTrigger.MIN_EXAMPLES, List.of(train), List.of(), List.of());
    trainer.train(job, Optional.empty(), StepListener.NONE); // the engine loads on this thread
    AtomicReference<Object> outcome = new AtomicReference<>();

    Thread other =
        new Thread(
            () -> {
              try {
                outcome.set(candidate(job, Optional.empty()));
              } catch (RuntimeException e) {
                outcome.set(e);
              }
            });
    other.start();
    other.join();

    assertThat(outcome.get()).isInstanceOf(AdapterCandidate.class);
  }

  @Test
  void theSameJobTrainsToTheSameFiles() {
    TrainingJob job =
        job(
            "acme/support@1-abc",
            JobTrigger.MIN_EXAMPLES,
            List.of(train),
            List.of(),
            List.of(replay));

    AdapterCandidate first = candidate(job, Optional.empty());
    AdapterCandidate second = candidate(job, Optional.empty());

    assertThat(second.getFileDigests()).isEqualTo(first.getFileDigests());
    assertThat(second.getLocation()).isEqualTo(first.getLocation());
  }

  @Test
  void aJobContinuesTheStableReleaseButAnErasureJobStartsFromAFreshAdapter() {
    AdapterCandidate first = candidate(firstJob(), Optional.empty());
    StableRelease v1 = releasedAsV1(first);

    AdapterCandidate continued =
        candidate(
            job(
                "acme/support@2-def",
                JobTrigger.MAX_WAIT,
                List.of(replay),
                List.of(),
                List.of(train)),
            Optional.of(v1));
    AdapterCandidate retrained =
        candidate(
            job(
                "acme/support@3-123",
                JobTrigger.ERASURE,
                List.of(train, replay),
                List.of(),
                List.of()),
            Optional.of(v1));

    assertThat(continued.getParentVersion()).isEqualTo(1);
    assertThat(continued.getRecipe().getExtras()).containsEntry("startedFrom", "v1");
    assertThat(retrained.getParentVersion()).isNull();
    assertThat(retrained.getErasure().getAffectedVersions()).containsExactly(1);
    assertThat(retrained.getErasure().getRequestId()).isEqualTo("erase-1");
    assertThat(retrained.getErasure().toString())
        .as("a job written while ERASURE jobs still named the subject")
        .doesNotContain("p-0");
    assertThat(retrained.getRecipe().getExtras()).containsEntry("startedFrom", "fresh");
    // lineage: the method, the release continued from, one digest for the shards read
    assertThat(first.getLineage().getMethod()).isEqualTo(LineageMethod.FRESH);
    assertThat(continued.getLineage().getMethod()).isEqualTo(LineageMethod.CONTINUED);
    assertThat(continued.getLineage().getSourceRelease().getVersion()).isEqualTo(1);
    assertThat(retrained.getLineage().getMethod()).isEqualTo(LineageMethod.RETRAINED);
    assertThat(retrained.getLineage().getSourceRelease()).isNull();
    assertThat(continued.getLineage().getDataDigest())
        .as("the same two shards, read as training and replay or both as training")
        .isEqualTo(retrained.getLineage().getDataDigest())
        .isNotEqualTo(first.getLineage().getDataDigest());
  }

  @Test
  void aRebaseJobCarriesTheStableReleaseOverToACompatibleBaseAndDistilsIntoAnotherShape() {
    AdapterCandidate first = candidate(firstJob(), Optional.empty());
    StableRelease v1 = releasedAsV1(first);
    BaseRef old =
        new BaseRef(
            first.getBaseModelName(),
            first.getBaseModelDigest(),
            folder.resolve("base").toString());
    BaseRef sameShape = base("successor", TestBase.config(), 8);
    BaseRef otherShape =
        base(
            "deeper",
            LlamaConfig.llama(ByteTokenizer.VOCAB_SIZE, 32, 64, 3, 4, 1, 128, true)
                .withSpecialTokens(ByteTokenizer.BOS, ByteTokenizer.EOS),
            9);

    AdapterCandidate carried =
        candidate(rebase("acme/support@2-r1", old, sameShape), Optional.of(v1));
    AdapterCandidate distilled =
        candidate(rebase("acme/support@3-r2", old, otherShape), Optional.of(v1));

    assertThat(carried.getTrigger()).isEqualTo(JobTrigger.REBASE);
    assertThat(carried.getBaseModelName()).isEqualTo("successor");
    assertThat(carried.getBaseModelDigest()).isEqualTo(sameShape.getDigest());
    assertThat(carried.getBaseModelLocation()).isEqualTo(sameShape.getLocation());
    assertThat(carried.getParentVersion()).isNull();
    assertThat(carried.getLineage().getMethod()).isEqualTo(LineageMethod.CARRIED_OVER);
    assertThat(carried.getLineage().getSourceRelease().getVersion()).isEqualTo(1);
    assertThat(carried.getLineage().getSourceRelease().getBaseModelLocation())
        .isEqualTo(old.getLocation());
    assertThat(carried.getRecipe().getExtras()).containsEntry("method", "CARRIED_OVER");
    assertThat(distilled.getBaseModelName()).isEqualTo("deeper");
    assertThat(distilled.getLineage().getMethod()).isEqualTo(LineageMethod.DISTILLED);
    assertThat(distilled.getLineage().getTeacher().getVersion()).isEqualTo(1);
    assertThat(distilled.getLineage().getSourceRelease()).isNull();
    assertThat(distilled.getRecipe().getExtras()).containsKey("teacherExamples");
    // the teacher must still be servable: no stable release on the old base, no re-base
    assertThatThrownBy(
            () -> candidate(rebase("acme/support@4-r3", old, sameShape), Optional.empty()))
        .isInstanceOfSatisfying(
            JobSkippedException.class,
            e -> assertThat(e.reason()).isEqualTo(JobSkippedException.Reason.REFUSED))
        .hasMessageContaining("no servable stable release");
    // a location holding another model than the announced one is refused
    BaseRef forged = new BaseRef("successor", otherShape.getDigest(), sameShape.getLocation());
    assertThatThrownBy(() -> candidate(rebase("acme/support@5-r4", old, forged), Optional.of(v1)))
        .isInstanceOf(JobSkippedException.class)
        .hasMessageContaining("not the announced");
  }

  @Test
  void anImportJobContinuesTheImportedAdapterAndRecordsItsSource() {
    AdapterCandidate first = candidate(firstJob(), Optional.empty());
    Path foreign =
        ForeignAdapters.of(
            store,
            config().artifactStorePath(),
            first.getLocation(),
            "meta-llama/Llama-3.2-1B",
            folder.resolve("foreign"));
    AdapterImport imported =
        AdapterImports.prepare(
            store,
            trainer.base(),
            "acme/support",
            foreign,
            "hf:acme/support-lora",
            "operator",
            null,
            Clock.fixed(Instant.ofEpochMilli(5), ZoneOffset.UTC));

    AdapterCandidate continued =
        candidate(importJob("acme/support@2-i1", imported), Optional.of(releasedAsV1(first)));

    assertThat(imported.getDeclaredBase()).isEqualTo("meta-llama/Llama-3.2-1B");
    assertThat(imported.getFileDigests())
        .containsOnlyKeys(PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE);
    assertThat(continued.getTrigger()).isEqualTo(JobTrigger.IMPORT);
    assertThat(continued.getParentVersion()).as("no release of the key was continued").isNull();
    assertThat(continued.getLineage().getMethod()).isEqualTo(LineageMethod.IMPORTED);
    assertThat(continued.getLineage().getImportedFrom()).isEqualTo("hf:acme/support-lora");
    assertThat(continued.getAdapterImport())
        .as("the manifest's record of the import")
        .isEqualTo(imported);
    assertThat(continued.getLineage().getSourceRelease()).isNull();
    assertThat(continued.getRecipe().getExtras())
        .containsEntry("startedFrom", "the import of hf:acme/support-lora")
        .containsEntry("method", "IMPORTED");
    // an import checked against another base is refused, never trained on this one
    AdapterImport elsewhere =
        AdapterImport.newBuilder(imported).setBaseModelDigest("sha256:" + "ab".repeat(32)).build();
    assertThatThrownBy(() -> candidate(importJob("acme/support@3-i2", elsewhere), Optional.empty()))
        .isInstanceOfSatisfying(
            JobSkippedException.class,
            e -> assertThat(e.reason()).isEqualTo(JobSkippedException.Reason.REFUSED))
        .hasMessageContaining("import it again against this base");
  }

  @Test
  void anotherTenantsReleaseFolderIsNotImportedForATenant() throws IOException {
    // acme's v1 as the publisher's release area holds it: the adapter's files beside the signed
    // manifest.json that names its key. Its weights were trained on acme's data; imported for
    // globex they would be continued, released and served as globex's, and no erasure of an acme
    // subject would ever reach them (globex's lineage names a folder, not acme's release).
    AdapterCandidate first = candidate(firstJob(), Optional.empty());
    Path release =
        FolderIndex.materialize(
            store,
            config().artifactStorePath(),
            first.getLocation(),
            folder.resolve("releases/acme/support/v1"));
    Files.writeString(
        release.resolve("manifest.json"), "{\"adapterKey\": \"acme/support\", \"version\": 1}\n");

    assertThatThrownBy(
            () ->
                AdapterImports.prepare(
                    store,
                    trainer.base(),
                    "globex/support",
                    release,
                    release.toString(),
                    "operator",
                    null,
                    Clock.systemUTC()))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("Cannot import")
        .hasMessageContaining("acme/support");
  }

  @Test
  void anAdapterOfARankVllmCannotLoadIsNotImported() {
    // continued from, it would keep its rank, and every release of the key would be one vLLM
    // refuses (README, Loading a release)
    LoraConfig wide =
        new LoraConfig(TrainerConfig.LORA_RANK_MAX + 1, 16, 0, EnumSet.of(TargetModule.Q));
    Path source = folder.resolve("rank-513");
    new PeftAdapter(
            LoraWeights.initialize(trainer.base().config(), wide, 7),
            trainer.base().name(),
            trainer.base().digest())
        .write(source);

    assertThatThrownBy(
            () ->
                AdapterImports.prepare(
                    store,
                    trainer.base(),
                    "acme/support",
                    source,
                    "somewhere",
                    "operator",
                    null,
                    Clock.systemUTC()))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("Cannot import")
        .hasMessageContaining("of rank 513")
        .hasMessageContaining("512");
  }

  @Test
  void anAdapterThatCannotBeImportedIsRefusedWithTheReason() {
    Path empty = folder.resolve("not-an-adapter");
    assertThatThrownBy(
            () ->
                AdapterImports.prepare(
                    store,
                    trainer.base(),
                    "acme/support",
                    empty,
                    "somewhere",
                    "operator",
                    null,
                    Clock.systemUTC()))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("Cannot import")
        .hasMessageContaining(PeftAdapter.CONFIG_FILE);
  }

  private TrainerConfig config() {
    return new TrainerConfig(TestConfigs.tinyRecipe(folder));
  }

  private TrainingJob importJob(String id, AdapterImport imported) {
    return TrainingJob.newBuilder(job(id, JobTrigger.IMPORT, List.of(train), List.of(), List.of()))
        .setAdapterImport(imported)
        .build();
  }

  private BaseRef base(String name, LlamaConfig config, long seed) {
    Path path = TestBase.write(folder.resolve(name), config, seed);
    return new BaseRef(name, BaseModel.open(path, name).digest(), path.toString());
  }

  private TrainingJob rebase(String id, BaseRef from, BaseRef to) {
    return TrainingJob.newBuilder(job(id, JobTrigger.REBASE, List.of(train), List.of(), List.of()))
        .setRebase(
            RebaseDetails.newBuilder()
                .setFromBase(from)
                .setToBase(to)
                .setSourceRelease(
                    new LineageRelease(
                        1, "loc", "manifest", from.getName(), from.getDigest(), from.getLocation()))
                .build())
        .build();
  }

  @Test
  void aRebaseJobDoesNotTeachWithAReleaseWhoseOldBaseTokenizerFilesChangedSinceItWasTrained()
      throws Exception {
    AdapterCandidate first = candidate(firstJob(), Optional.empty());
    StableRelease v1 = releasedAsV1(first);
    BaseRef old =
        new BaseRef(
            first.getBaseModelName(),
            first.getBaseModelDigest(),
            folder.resolve("base").toString());
    BaseRef successor = base("successor", TestBase.config(), 8);
    // the old base's chat template edited in place after v1 was trained: same config and weights
    Files.writeString(folder.resolve("base").resolve("chat_template.jinja"), "{{ messages }}");
    JobTrainer changed = JobTrainer.from(config(), store, DeviceChoice.CPU);
    List<Integer> steps = new ArrayList<>();

    assertThatThrownBy(
            () ->
                changed.train(
                    rebase("acme/support@2-r1", old, successor),
                    Optional.of(v1),
                    s -> steps.add(s.step())))
        .isInstanceOfSatisfying(
            JobSkippedException.class,
            e -> assertThat(e.reason()).isEqualTo(JobSkippedException.Reason.TOKENIZER_CHANGED))
        .hasMessageContaining(
            "acme/support v1 was trained with tokenizer files "
                + first.getRecipe().getExtras().get(BaseModelSource.TOKENIZER_DIGEST))
        .hasMessageContaining("as teacher or carried over it would read other tokens")
        .hasMessageContaining("the REBASE job is given up");
    assertThat(steps).isEmpty();
  }

  @Test
  void everyUpdateRecordsItsGainAControlComesEveryNthAndADueRefreshComesBeforeTheNextUpdate() {
    java.util.Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.PLASTICITY_CONTROL_EVERY_CONFIG, "2");
    JobTrainer monitored = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);
    AdapterCandidate first =
        monitored.train(firstJob(), Optional.empty(), StepListener.NONE).candidate();
    TrainingJob second =
        job("acme/support@2-def", JobTrigger.MAX_WAIT, List.of(replay), List.of(), List.of(train));
    AdapterCandidate continued =
        monitored
            .train(
                second,
                Optional.of(releasedAsV1(first)),
                Optional.of(first.getLineage()),
                StepListener.NONE)
            .candidate();

    Plasticity fresh = first.getLineage().getPlasticity();
    assertThat(fresh.getUpdate()).isEqualTo(1);
    assertThat(fresh.getLearningGain()).as("a fresh adapter learns its data").isPositive();
    assertThat(fresh.getControlGain()).as("a fresh adapter is its own control").isNull();
    assertThat(fresh.getModules()).isNotEmpty();
    assertThat(fresh.getEffectiveRank()).isPositive();
    assertThat(fresh.getWeightNorm()).isPositive();
    Plasticity measured = continued.getLineage().getPlasticity();
    assertThat(measured.getUpdate()).isEqualTo(2);
    assertThat(measured.getControlGain()).as("update 2 of every 2 trains a control").isPositive();
    assertThat(measured.getGainRatio())
        .isCloseTo(measured.getLearningGain() / measured.getControlGain(), within(1e-9));
    assertThat(measured.getRefreshDue()).isEqualTo(measured.getGainRatio() < 0.5);
    assertThat(continued.getLineage().getRefresh()).isNull();

    // the stable release's monitor found it due: the next job refreshes it, then trains
    StableRelease v2 =
        new StableRelease(
            2,
            continued.getLocation(),
            "manifest",
            Digest.parse(continued.getBaseModelDigest()).hex(),
            continued.getRecipe().getExtras().get(BaseModelSource.TOKENIZER_DIGEST));
    Lineage due =
        Lineage.newBuilder(continued.getLineage())
            .setPlasticity(
                Plasticity.newBuilder(measured)
                    .setControlGain(1.0)
                    .setLearningGain(0.1)
                    .setGainRatio(0.1)
                    .setRefreshDue(true)
                    .build())
            .build();
    AdapterCandidate refreshed =
        monitored
            .train(
                job(
                    "acme/support@3-f00",
                    JobTrigger.MAX_WAIT,
                    List.of(train),
                    List.of(),
                    List.of()),
                Optional.of(v2),
                Optional.of(due),
                StepListener.NONE)
            .candidate();

    assertThat(refreshed.getLineage().getMethod()).isEqualTo(LineageMethod.CONTINUED);
    assertThat(refreshed.getLineage().getSourceRelease().getVersion()).isEqualTo(2);
    assertThat(refreshed.getLineage().getRefresh().getFreedRank())
        .as("at least the default one rank, more where 0.99 of the energy needs fewer")
        .isBetween(1, refreshed.getRecipe().getLoraRank() - 1);
    assertThat(refreshed.getLineage().getRefresh().getMinKeptEnergy()).isGreaterThan(0.5);
    assertThat(refreshed.getLineage().getRefresh().getReason())
        .contains("update 2", "0.10 of its fresh-adapter control");
    assertThat(refreshed.getLineage().getPlasticity().getUpdate()).isEqualTo(3);
    assertThat(refreshed.getLineage().getPlasticity().getControlGain())
        .as("update 3 trains no control")
        .isNull();
  }

  @Test
  void aKeysFirstJobSearchesItsRankOnItsOwnExamplesAndRecordsEveryTrialAndTheWinner() {
    // nothing set aside for validation: the trials rank on the job's own examples
    java.util.Map<String, String> values = searchValuesRankedOnOwnExamples();
    JobTrainer searching = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);

    AdapterCandidate candidate =
        searching
            .train(
                job(
                    "acme/support@1-5ea",
                    JobTrigger.MIN_EXAMPLES,
                    List.of(kettles()),
                    List.of(),
                    List.of()),
                Optional.empty(),
                StepListener.NONE)
            .candidate();
    RecipeSearch search = candidate.getSearch();
    assertThat(search).as("a job without validation examples searches").isNotNull();
    assertThat(search.getCentre()).isEqualTo("configured");
    assertThat(search.getRankedBy())
        .contains("own training examples", "minus the replay sample's loss change");
    assertThat(search.getTrials())
        .as("one of the pool's two general examples is held out of the trials and measured")
        .allSatisfy(t -> assertThat(t.getReplayLossChange()).isNotNull());
    assertThat(search.getTrials())
        .as("a fresh adapter searches its rank first")
        .extracting(RecipeTrial::getVariant)
        .startsWith("centre", "rank 2", "rank 8")
        .hasSize(5);
    assertThat(
            search.getTrials().stream()
                .filter(t -> t.getRound() == 1 && t.getDroppedInRound() == null))
        .as("one variant is left after the last round")
        .hasSize(1)
        .allSatisfy(t -> assertThat(t.getVariant()).isEqualTo(search.getWinner()));
    assertThat(search.getTrialSteps()).isEqualTo(3 * 3 + 2 * 6);
    assertThat(search.getTrialSteps() + search.getFinalSteps())
        .as("within 2.75 step budgets")
        .isLessThanOrEqualTo((int) (2.75 * search.getFullSteps()));
    SearchedRecipe winner = candidate.getLineage().getSearchedRecipe();
    assertThat(winner.getOrigin()).isEqualTo("search");
    assertThat(candidate.getRecipe().getLoraRank())
        .as("the candidate trains with the winner's rank")
        .isEqualTo(winner.getLoraRank())
        .isEqualTo(
            Integer.parseInt(
                search.getTrials().stream()
                    .filter(t -> t.getVariant().equals(search.getWinner()))
                    .findFirst()
                    .orElseThrow()
                    .getRecipe()
                    .get("loraRank")));
  }

  @Test
  void audit_aRetrainingKeepsTheKeysRankAndSearchesAnotherSetting() {
    // trainer README, recipe search: the rank is searched for a key's first adapter only, and a
    // retraining does not change it
    java.util.Map<String, String> values = searchValuesRankedOnOwnExamples();
    JobTrainer searching = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);
    AdapterCandidate first =
        searching
            .train(
                job(
                    "acme/support@1-5ec",
                    JobTrigger.MIN_EXAMPLES,
                    List.of(kettles()),
                    List.of(),
                    List.of()),
                Optional.empty(),
                StepListener.NONE)
            .candidate();

    AdapterCandidate retrained =
        searching
            .train(
                job(
                    "acme/support@2-e5c",
                    JobTrigger.ERASURE,
                    List.of(kettles()),
                    List.of(),
                    List.of()),
                Optional.of(releasedAsV1(first)),
                Optional.of(first.getLineage()),
                StepListener.NONE)
            .candidate();

    assertThat(retrained.getLineage().getMethod()).isEqualTo(LineageMethod.RETRAINED);
    assertThat(retrained.getSearch().getTrials())
        .extracting(RecipeTrial::getVariant)
        .noneMatch(variant -> variant.startsWith("rank"));
    assertThat(retrained.getRecipe().getLoraRank()).isEqualTo(first.getRecipe().getLoraRank());
  }

  @Test
  void audit_aJobWhoseBudgetCannotHoldTheTrialsDoesNotSearch() {
    // a step budget S of 6 and a search budget of half of it: 3 steps, fewer than the trials take
    // alone (3 variants of a step each, then 2 that go on), before the candidate's first step
    java.util.Map<String, String> values = searchValuesRankedOnOwnExamples();
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "6");
    values.put(TrainerConfig.RECIPE_SEARCH_BUDGET_CONFIG, "0.5");
    JobTrainer searching = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);

    AdapterCandidate candidate =
        searching
            .train(
                job(
                    "acme/support@1-5ed",
                    JobTrigger.MIN_EXAMPLES,
                    List.of(kettles()),
                    List.of(),
                    List.of()),
                Optional.empty(),
                StepListener.NONE)
            .candidate();

    assertThat(candidate.getSearch()).as("no search beyond its budget").isNull();
    assertThat(candidate.getLineage().getSearchedRecipe().getOrigin()).isEqualTo("configured");
  }

  @Test
  void audit_aJobThatDidNotSearchRecordsWhyInItsRecipe() {
    // the search is on, but no key's job holds 100 examples to rank trials on
    JobTrainer searching =
        JobTrainer.from(new TrainerConfig(searchValues("100")), store, DeviceChoice.CPU);

    AdapterCandidate candidate =
        searching
            .train(
                job(
                    "acme/support@1-5ee",
                    JobTrigger.MIN_EXAMPLES,
                    List.of(kettles()),
                    List.of(),
                    List.of()),
                Optional.empty(),
                StepListener.NONE)
            .candidate();

    assertThat(candidate.getSearch()).isNull();
    assertThat(candidate.getRecipe().getExtras())
        .as("the candidate's recipe, and so the release's manifest, says why")
        .hasEntrySatisfying(
            "searchNotRun", why -> assertThat(why).startsWith("fewer than 100 examples"));
  }

  @Test
  void aSearchingJobReportsItsStepsAsOneCountOverItsTrialsAndItsCandidate() {
    java.util.Map<String, String> values = searchValuesRankedOnOwnExamples();
    JobTrainer searching = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);
    List<StepMetrics> reported = new ArrayList<>();

    RecipeSearch search =
        searching
            .train(
                job(
                    "acme/support@1-5eb",
                    JobTrigger.MIN_EXAMPLES,
                    List.of(kettles()),
                    List.of(),
                    List.of()),
                Optional.empty(),
                reported::add)
            .candidate()
            .getSearch();

    int jobSteps = search.getTrialSteps() + search.getFinalSteps();
    assertThat(reported)
        .as("the trials' steps and then the candidate's, counted on, never from 1 again")
        .extracting(StepMetrics::step)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, jobSteps).boxed().toList());
    assertThat(reported)
        .as("every step is of the whole job's steps, so the ETA is the job's")
        .extracting(StepMetrics::totalSteps)
        .containsOnly(jobSteps);
  }

  @Test
  void aJobThatTrainsAPlasticityControlCountsTheControlsStepsAfterTheCandidates() {
    java.util.Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.PLASTICITY_CONTROL_EVERY_CONFIG, "2");
    JobTrainer monitored = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);
    AdapterCandidate first =
        monitored.train(firstJob(), Optional.empty(), StepListener.NONE).candidate();
    List<StepMetrics> reported = new ArrayList<>();

    AdapterCandidate continued =
        monitored
            .train(
                job(
                    "acme/support@2-dee",
                    JobTrigger.MAX_WAIT,
                    List.of(replay),
                    List.of(),
                    List.of(train)),
                Optional.of(releasedAsV1(first)),
                Optional.of(first.getLineage()),
                reported::add)
            .candidate();

    assertThat(continued.getLineage().getPlasticity().getControlGain()).isNotNull();
    int candidateSteps = reported.size() / 2;
    assertThat(reported)
        .as("the candidate's steps, then the control's as many, counted on")
        .extracting(StepMetrics::step)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 2 * candidateSteps).boxed().toList());
    assertThat(reported)
        .as("the control is planned from the first step")
        .extracting(StepMetrics::totalSteps)
        .containsOnly(2 * candidateSteps);
  }

  @Test
  void audit_aDueRefreshOfARankOneAdapterIsSkippedSoTheKeyKeepsTraining() {
    // rank 1 (configured, or a search's halving of 2): no rank to free beside a kept direction
    java.util.Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.LORA_RANK_CONFIG, "1");
    AdapterCandidate refreshed = continuedWithRefreshDue(values);

    assertThat(refreshed.getLineage().getMethod()).isEqualTo(LineageMethod.CONTINUED);
    assertThat(refreshed.getLineage().getRefresh()).as("nothing to refresh").isNull();
  }

  @Test
  void audit_aRefreshFreesAtMostAllButOneRankWhateverFreeRankSays() {
    java.util.Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.LORA_RANK_CONFIG, "2");
    values.put(TrainerConfig.PLASTICITY_REFRESH_FREE_RANK_CONFIG, "4");
    AdapterCandidate refreshed = continuedWithRefreshDue(values);

    assertThat(refreshed.getLineage().getRefresh().getFreedRank()).isEqualTo(1);
  }

  @Test
  void audit_aTrainerConfiguredNeverToRefreshDoesNotRefreshAReleaseFoundDueBefore() {
    // the operator turned refresh off after v1's monitor, under the old setting, found it due
    java.util.Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.PLASTICITY_REFRESH_BELOW_CONFIG, "0");
    AdapterCandidate continued = continuedWithRefreshDue(values);

    assertThat(continued.getLineage().getMethod()).isEqualTo(LineageMethod.CONTINUED);
    assertThat(continued.getLineage().getRefresh()).as("0: never refresh").isNull();
  }

  /**
   * v1 of the key trained by {@code values}, then its next job with v1's monitor finding it due.
   */
  private AdapterCandidate continuedWithRefreshDue(java.util.Map<String, String> values) {
    JobTrainer trainer = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);
    AdapterCandidate first =
        trainer.train(firstJob(), Optional.empty(), StepListener.NONE).candidate();
    Lineage due =
        Lineage.newBuilder(first.getLineage())
            .setPlasticity(
                Plasticity.newBuilder(first.getLineage().getPlasticity())
                    .setControlGain(1.0)
                    .setLearningGain(0.1)
                    .setGainRatio(0.1)
                    .setRefreshDue(true)
                    .build())
            .build();
    return trainer
        .train(
            job("acme/support@2-d0e", JobTrigger.MAX_WAIT, List.of(train), List.of(), List.of()),
            Optional.of(releasedAsV1(first)),
            Optional.of(due),
            StepListener.NONE)
        .candidate();
  }

  @Test
  void audit_aControlOfACandidateThatStoppedEarlyFollowsTheCandidatesLearningRates() {
    // half the examples set aside, and a validation loss that never falls by 99 %: the continued
    // candidate stops at its second measurement, long before its 30 steps, and winds down
    java.util.Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.PLASTICITY_CONTROL_EVERY_CONFIG, "2");
    values.put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "30");
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "30");
    values.put(TrainerConfig.RECIPE_WARMUP_STEPS_CONFIG, "2");
    values.put(TrainerConfig.RECIPE_VALIDATION_FRACTION_CONFIG, "0.5");
    values.put(TrainerConfig.RECIPE_EARLY_STOPPING_PATIENCE_CONFIG, "1");
    values.put(TrainerConfig.RECIPE_EARLY_STOPPING_MIN_IMPROVEMENT_CONFIG, "0.99");
    JobTrainer monitored = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);
    AdapterCandidate first =
        monitored.train(firstJob(), Optional.empty(), StepListener.NONE).candidate();
    List<StepMetrics> reported = new ArrayList<>();

    AdapterCandidate continued =
        monitored
            .train(
                job(
                    "acme/support@2-dee",
                    JobTrigger.MAX_WAIT,
                    List.of(train),
                    List.of(),
                    List.of()),
                Optional.of(releasedAsV1(first)),
                Optional.of(first.getLineage()),
                reported::add)
            .candidate();

    assertThat(continued.getLineage().getPlasticity().getControlGain()).isNotNull();
    int candidateSteps = reported.size() / 2;
    assertThat(candidateSteps).as("the candidate stopped early").isLessThan(30);
    assertThat(reported.subList(candidateSteps, reported.size()))
        .as("the control trains at the candidate's learning rate on every step")
        .extracting(StepMetrics::learningRate)
        .containsExactlyElementsOf(
            reported.subList(0, candidateSteps).stream().map(StepMetrics::learningRate).toList());
  }

  @Test
  void aNewKeyThatDoesNotSearchTrainsWithTheMostCommonWinnerOfOtherKeysWithinReach() {
    // too few examples to rank trials on: the key trains with its warm start alone, the prior's
    // rate x4 drawn back to one step (x2) from the configured
    JobTrainer trainer =
        JobTrainer.from(new TrainerConfig(searchValues("1000")), store, DeviceChoice.CPU);
    SearchedRecipe fast = new SearchedRecipe(4.0, 0.0, 1.0, 2, "search");
    SearchedRecipe slow = new SearchedRecipe(0.5, 0.0, 1.0, 4, "search");

    AdapterCandidate candidate =
        trainer
            .train(
                job(
                    "acme/support@1-5eb",
                    JobTrigger.MIN_EXAMPLES,
                    List.of(kettles()),
                    List.of(),
                    List.of()),
                Optional.empty(),
                Optional.empty(),
                List.of(slow, fast, fast),
                StepListener.NONE)
            .candidate();

    assertThat(candidate.getSearch()).isNull();
    assertThat(candidate.getLineage().getSearchedRecipe())
        .isEqualTo(new SearchedRecipe(2.0, 0.0, 1.0, 2, "prior"));
    assertThat(candidate.getRecipe().getLearningRate())
        .isCloseTo(TrainerConfig.RECIPE_LEARNING_RATE_DEFAULT * 2, within(1e-12));
    assertThat(candidate.getRecipe().getLoraRank()).isEqualTo(2);
  }

  @Test
  void theSearchPriorsOfAKeyAreOtherKeysWinnersOnTheSameBaseMostRecentFirst() {
    SearchedRecipe older = new SearchedRecipe(2.0, 0.75, 1.0, 8, "search");
    SearchedRecipe newer = new SearchedRecipe(0.5, 0.75, 1.0, 8, "search");
    java.util.Map<String, AdapterRelease> latest =
        java.util.Map.of(
            "acme/support", release("acme/support", "d", 10, older),
            "acme/sales", release("acme/sales", "d", 20, older),
            "globex/help", release("globex/help", "d", 30, newer),
            "globex/old", release("globex/old", "other-base", 40, newer),
            "initech/plain", release("initech/plain", "d", 50, null));

    assertThat(TrainerWorker.searchPriors(latest, "acme/support", "d"))
        .containsExactly(newer, older);
  }

  @Test
  void theSearchPriorsCountOnlyKeysWhoseStableReleaseSearchedNotOnesThatCopiedARecipe() {
    // one winner copied by three small keys must not outvote the one key that searched
    SearchedRecipe searched = new SearchedRecipe(2.0, 0.75, 1.0, 8, "search");
    SearchedRecipe copied = new SearchedRecipe(0.5, 0.75, 1.0, 8, "prior");
    java.util.Map<String, AdapterRelease> latest =
        java.util.Map.of(
            "acme/sales", release("acme/sales", "d", 10, searched),
            "globex/a", release("globex/a", "d", 20, copied),
            "globex/b", release("globex/b", "d", 30, new SearchedRecipe(0.5, 0.75, 1.0, 8, "key")),
            "globex/c",
                release("globex/c", "d", 40, new SearchedRecipe(1.0, 0.75, 1.0, 8, "configured")));

    assertThat(TrainerWorker.searchPriors(latest, "acme/support", "d")).containsExactly(searched);
  }

  @Test
  void theSearchPriorsCountAWinnerOnlyOnceItIsTheKeysStableRelease() {
    // a version published but not (or no longer) stable has not passed as the key's release
    SearchedRecipe stable = new SearchedRecipe(2.0, 0.75, 1.0, 8, "search");
    SearchedRecipe notStable = new SearchedRecipe(0.5, 0.75, 1.0, 8, "search");
    AdapterRelease awaiting =
        AdapterRelease.newBuilder(release("globex/help", "d", 30, notStable))
            .setVersion(2)
            .setLatestVersion(2)
            .build();
    java.util.Map<String, AdapterRelease> latest =
        java.util.Map.of(
            "acme/sales", release("acme/sales", "d", 10, stable), "globex/help", awaiting);

    assertThat(TrainerWorker.searchPriors(latest, "acme/support", "d")).containsExactly(stable);
  }

  @Test
  void theSearchPriorsMatchTheBaseWhateverWayItsDigestIsWritten() {
    // the worker asks with its base's digest as BaseModel.digest() writes it (sha256:<hex>);
    // releases.v1 carries the publisher's manifest digest as bare hex (ReleaseEvents)
    Digest base = Digest.of("the worker's base".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    SearchedRecipe winner = new SearchedRecipe(2.0, 0.75, 1.0, 8, "search");
    java.util.Map<String, AdapterRelease> latest =
        java.util.Map.of("globex/help", release("globex/help", base.hex(), 30, winner));

    assertThat(TrainerWorker.searchPriors(latest, "acme/support", base.toString()))
        .containsExactly(winner);
  }

  private static AdapterRelease release(
      String key, String baseDigest, long at, SearchedRecipe searched) {
    return AdapterRelease.newBuilder()
        .setAdapterKey(key)
        .setVersion(1)
        .setAction(ReleaseAction.PUBLISHED)
        .setLocation("l")
        .setManifestDigest("m")
        .setFileDigests(java.util.Map.of())
        .setBaseModelName("b")
        .setBaseModelDigest(baseDigest)
        .setCandidateId("c")
        .setLatestVersion(1)
        .setAliases(java.util.Map.of(StableRelease.ALIAS, 1))
        .setAliasTargets(
            List.of(
                ReleaseRef.newBuilder()
                    .setVersion(1)
                    .setLocation("l")
                    .setManifestDigest("m")
                    .setBaseModelDigest(baseDigest)
                    .build()))
        .setLineage(
            Lineage.newBuilder().setMethod(LineageMethod.FRESH).setSearchedRecipe(searched).build())
        .setOccurredAt(java.time.Instant.ofEpochMilli(at))
        .build();
  }

  /** {@link #searchValues} with nothing set aside for validation: trials rank on own examples. */
  private java.util.Map<String, String> searchValuesRankedOnOwnExamples() {
    java.util.Map<String, String> values = searchValues("4");
    values.put(TrainerConfig.RECIPE_VALIDATION_FRACTION_CONFIG, "0");
    return values;
  }

  private java.util.Map<String, String> searchValues(String minValidationExamples) {
    java.util.Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.RECIPE_SEARCH_CONFIG, "true");
    values.put(TrainerConfig.RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_CONFIG, minValidationExamples);
    values.put(TrainerConfig.REPLAY_FRACTION_CONFIG, "0");
    values.put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "8");
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "12");
    values.put(TrainerConfig.RECIPE_EARLY_STOPPING_PATIENCE_CONFIG, "1");
    values.put(TrainerConfig.RECIPE_VALIDATION_FRACTION_CONFIG, "0.5");
    return values;
  }

  private ShardRef kettles() {
    List<SourcedExample> examples = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      examples.add(
          at(2, i, text("acme/support", "p-" + i, "The Quux kettle " + i + " boils at " + i)));
    }
    return shard("acme/support", ShardSplit.TRAIN, examples);
  }

  @Test
  void aStableReleaseOlderThanTheKeysLatestHasNoLineageToReadOnReleasesV1() {
    Lineage lineage = Lineage.newBuilder().setMethod(LineageMethod.FRESH).build();
    AdapterRelease latest =
        AdapterRelease.newBuilder()
            .setAdapterKey("acme/support")
            .setVersion(3)
            .setAction(ReleaseAction.PUBLISHED)
            .setLocation("l3")
            .setManifestDigest("m3")
            .setFileDigests(java.util.Map.of())
            .setBaseModelName("b")
            .setBaseModelDigest("d")
            .setCandidateId("c3")
            .setLatestVersion(3)
            .setAliases(java.util.Map.of("stable", 3))
            .setLineage(lineage)
            .setOccurredAt(Instant.EPOCH)
            .build();

    assertThat(
            TrainerWorker.stableLineage(
                Optional.of(latest), Optional.of(new StableRelease(3, "l3", "m3", "d", null))))
        .contains(lineage);
    assertThat(
            TrainerWorker.stableLineage(
                Optional.of(latest), Optional.of(new StableRelease(2, "l2", "m2", "d", null))))
        .isEmpty();
    assertThat(TrainerWorker.stableLineage(Optional.of(latest), Optional.empty())).isEmpty();
  }

  @Test
  void aJobNamingAnotherTenantsShardIsRefusedBeforeAnyTraining() {
    TrainingJob forged =
        job("acme/support@9-bad", JobTrigger.MANUAL, List.of(train, foreign), List.of(), List.of());
    List<Integer> steps = new ArrayList<>();

    assertThatThrownBy(() -> trainer.train(forged, Optional.empty(), s -> steps.add(s.step())))
        .isInstanceOfSatisfying(
            JobSkippedException.class,
            e -> assertThat(e.reason()).isEqualTo(JobSkippedException.Reason.REFUSED))
        .hasMessageContaining("belongs to tenant globex, not acme");
    assertThat(steps).isEmpty();
  }

  @Test
  void aJobNamingAHeldOutShardToTrainOnOrReplayIsRefusedBeforeAnyTraining() {
    // the evaluator gates on the key's held-out shards: trained on (or ranked on by the recipe
    // search, through the validation examples or the replay sample), they would gate nothing
    TrainingJob trainsOnHeldOut =
        job(
            "acme/support@9-ho1",
            JobTrigger.MANUAL,
            List.of(train, heldOut),
            List.of(heldOut),
            List.of());
    TrainingJob replaysHeldOut =
        job(
            "acme/support@9-ho2",
            JobTrigger.MANUAL,
            List.of(train),
            List.of(heldOut),
            List.of(heldOut));
    List<Integer> steps = new ArrayList<>();

    for (TrainingJob job : List.of(trainsOnHeldOut, replaysHeldOut)) {
      assertThatThrownBy(() -> trainer.train(job, Optional.empty(), s -> steps.add(s.step())))
          .isInstanceOfSatisfying(
              JobSkippedException.class,
              e -> assertThat(e.reason()).isEqualTo(JobSkippedException.Reason.REFUSED))
          .hasMessageContaining("is a held-out shard");
    }
    assertThat(steps).isEmpty();
  }

  @Test
  void aJobWhoseShardAnErasureRewroteIsSkipped() {
    store.delete(Digest.parse(train.getDigest()));

    assertThatThrownBy(() -> candidate(firstJob(), Optional.empty()))
        .isInstanceOfSatisfying(
            JobSkippedException.class,
            e -> assertThat(e.reason()).isEqualTo(JobSkippedException.Reason.SHARD_GONE));
  }

  @Test
  void aJobWhoseReplayShardAnErasureRewroteIsSkippedRatherThanTrainedWithoutIt() {
    store.delete(Digest.parse(replay.getDigest()));
    TrainingJob job =
        job(
            "acme/support@2-def",
            JobTrigger.MIN_EXAMPLES,
            List.of(train),
            List.of(heldOut),
            List.of(replay));
    List<Integer> steps = new ArrayList<>();

    assertThatThrownBy(() -> trainer.train(job, Optional.empty(), s -> steps.add(s.step())))
        .isInstanceOfSatisfying(
            JobSkippedException.class,
            e -> assertThat(e.reason()).isEqualTo(JobSkippedException.Reason.SHARD_GONE))
        .hasMessageContaining("replay shard " + Digest.parse(replay.getDigest()));
    assertThat(steps).isEmpty();
  }

  @Test
  void aStableReleaseOfAnotherBaseIsNotSilentlyReplacedByAFreshAdapter() {
    StableRelease onAnotherBase =
        new StableRelease(2, "releases/acme/support/v2", "m2", "ab".repeat(32), null);
    List<Integer> steps = new ArrayList<>();

    assertThatThrownBy(
            () ->
                trainer.train(
                    job(
                        "acme/support@2-def",
                        JobTrigger.MAX_WAIT,
                        List.of(train),
                        List.of(),
                        List.of()),
                    Optional.of(onAnotherBase),
                    s -> steps.add(s.step())))
        .isInstanceOfSatisfying(
            JobSkippedException.class,
            e -> assertThat(e.reason()).isEqualTo(JobSkippedException.Reason.AWAITS_REBASE))
        .hasMessageContaining("acme/support has no stable release on this worker's base")
        .hasMessageContaining("but v2 on base " + "ab".repeat(32));
    assertThat(steps).isEmpty();
  }

  @Test
  void aStableReleaseIsNotContinuedUnderTokenizerFilesChangedInPlaceUnderTheSameWeights()
      throws Exception {
    AdapterCandidate first = candidate(firstJob(), Optional.empty());
    // an operator fixes the chat template in place: same config and weights, other tokens
    Files.writeString(folder.resolve("base").resolve("chat_template.jinja"), "{{ messages }}");
    JobTrainer changed = JobTrainer.from(config(), store, DeviceChoice.CPU);
    assertThat(changed.base().digest()).isEqualTo(first.getBaseModelDigest());
    List<Integer> steps = new ArrayList<>();

    assertThatThrownBy(
            () ->
                changed.train(
                    job(
                        "acme/support@2-def",
                        JobTrigger.MAX_WAIT,
                        List.of(train),
                        List.of(),
                        List.of()),
                    Optional.of(releasedAsV1(first)),
                    s -> steps.add(s.step())))
        .isInstanceOfSatisfying(
            JobSkippedException.class,
            e -> assertThat(e.reason()).isEqualTo(JobSkippedException.Reason.TOKENIZER_CHANGED))
        .hasMessageContaining(
            "acme/support v1 was trained with tokenizer files "
                + first.getRecipe().getExtras().get(BaseModelSource.TOKENIZER_DIGEST))
        .hasMessageContaining("now has tokenizer files " + changed.base().tokenizerDigest())
        .hasMessageContaining("restore the tokenizer files it was trained with in ")
        .hasMessageContaining(
            "or, if the change was meant, set "
                + TrainerConfig.BASE_TOKENIZER_REPLACES_CONFIG
                + "="
                + first.getRecipe().getExtras().get(BaseModelSource.TOKENIZER_DIGEST))
        .hasMessageContaining("perennial bases announce refuses a successor with the same weights");
    assertThat(steps).isEmpty();
  }

  @Test
  void aStableReleaseIsContinuedUnderTokenizerFilesThatDeclaredlyReplaceThoseItWasTrainedWith()
      throws Exception {
    AdapterCandidate first = candidate(firstJob(), Optional.empty());
    String trainedWith = first.getRecipe().getExtras().get(BaseModelSource.TOKENIZER_DIGEST);
    Files.writeString(folder.resolve("base").resolve("chat_template.jinja"), "{{ messages }}");
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.BASE_TOKENIZER_REPLACES_CONFIG, trainedWith);
    JobTrainer changed = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);

    AdapterCandidate second =
        changed
            .train(
                job(
                    "acme/support@2-def",
                    JobTrigger.MAX_WAIT,
                    List.of(train),
                    List.of(),
                    List.of()),
                Optional.of(releasedAsV1(first)),
                StepListener.NONE)
            .candidate();

    assertThat(second.getLineage().getMethod()).isEqualTo(LineageMethod.CONTINUED);
    assertThat(second.getParentVersion()).isEqualTo(1);
    assertThat(second.getRecipe().getExtras())
        .containsEntry(BaseModelSource.TOKENIZER_DIGEST, changed.base().tokenizerDigest())
        .doesNotContainEntry(BaseModelSource.TOKENIZER_DIGEST, trainedWith)
        // so that the evaluator compares it with v1 as it was continued
        .containsEntry(
            StableRelease.RECIPE_TOKENIZER_REPLACES, StableRelease.normalized(trainedWith));
    assertThat(first.getRecipe().getExtras())
        .doesNotContainKey(StableRelease.RECIPE_TOKENIZER_REPLACES);
  }

  @Test
  void aTokenizerReplacementThatIsNoDigestIsRefusedAtConfiguration() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.BASE_TOKENIZER_REPLACES_CONFIG, "chat_template.jinja");

    assertThatThrownBy(() -> new TrainerConfig(values))
        .hasMessageContaining(TrainerConfig.BASE_TOKENIZER_REPLACES_CONFIG)
        .hasMessageContaining("sha256:");
  }

  @Test
  void aStableReleaseThatRecordsNoTokenizerIsContinuedAsBeforeSinceItCannotBeChecked()
      throws Exception {
    AdapterCandidate first = candidate(firstJob(), Optional.empty());
    Files.writeString(folder.resolve("base").resolve("chat_template.jinja"), "{{ messages }}");
    JobTrainer changed = JobTrainer.from(config(), store, DeviceChoice.CPU);
    StableRelease unrecorded =
        new StableRelease(
            1,
            first.getLocation(),
            "manifest",
            Digest.parse(first.getBaseModelDigest()).hex(),
            null);

    AdapterCandidate second =
        changed
            .train(
                job(
                    "acme/support@2-def",
                    JobTrigger.MAX_WAIT,
                    List.of(train),
                    List.of(),
                    List.of()),
                Optional.of(unrecorded),
                StepListener.NONE)
            .candidate();

    assertThat(second.getLineage().getMethod()).isEqualTo(LineageMethod.CONTINUED);
    assertThat(second.getParentVersion()).isEqualTo(1);
    assertThat(second.getRecipe().getExtras())
        .containsEntry(BaseModelSource.TOKENIZER_DIGEST, changed.base().tokenizerDigest());
  }

  @Test
  void aTokenizerDigestRecordedBeforeGenerationConfigCountedIsComparedAsItWasThen()
      throws Exception {
    Path generation = folder.resolve("base").resolve("generation_config.json");
    Files.writeString(generation, "{\"eos_token_id\": 2}");
    JobTrainer trainer = JobTrainer.from(config(), store, DeviceChoice.CPU);
    AdapterCandidate first =
        trainer.train(firstJob(), Optional.empty(), StepListener.NONE).candidate();
    String earlier = trainer.base().tokenizerDigestWithoutGenerationConfig().orElseThrow();
    StableRelease recordedEarlier =
        new StableRelease(
            1,
            first.getLocation(),
            "manifest",
            Digest.parse(first.getBaseModelDigest()).hex(),
            earlier);
    TrainingJob second =
        job("acme/support@2-def", JobTrigger.MAX_WAIT, List.of(train), List.of(), List.of());

    assertThat(first.getRecipe().getExtras().get(BaseModelSource.TOKENIZER_DIGEST))
        .isEqualTo(trainer.base().tokenizerDigest())
        .isNotEqualTo(earlier);
    assertThat(
            trainer
                .train(second, Optional.of(recordedEarlier), StepListener.NONE)
                .candidate()
                .getParentVersion())
        .isEqualTo(1);
    // generation_config.json edited in place: a release that recorded it is not continued
    Files.writeString(generation, "{\"eos_token_id\": 1}");
    JobTrainer changed = JobTrainer.from(config(), store, DeviceChoice.CPU);
    assertThatThrownBy(
            () -> changed.train(second, Optional.of(releasedAsV1(first)), StepListener.NONE))
        .isInstanceOfSatisfying(
            JobSkippedException.class,
            e -> assertThat(e.reason()).isEqualTo(JobSkippedException.Reason.TOKENIZER_CHANGED));
    assertThat(
            BaseModelSource.open(config())
                .differencesFrom(Map.of(BaseModelSource.TOKENIZER_DIGEST, earlier)))
        .isEmpty();
    assertThat(BaseModelSource.open(config()).differencesFrom(first.getRecipe().getExtras()))
        .singleElement()
        .asString()
        .startsWith("trained with tokenizer files");
  }

  @Test
  void aJobStoppedAfterItTrainedLeavesNothingOfItInTheWorkFolder() throws Exception {
    // The job continues v1 (materialized into parent/) and trains a control (every update), so
    // its folder holds weights trained on the key's data while the control trains: the listener
    // stops it then, as the worker's does on a stop or when a step fails.
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.PLASTICITY_CONTROL_EVERY_CONFIG, "1");
    JobTrainer monitored = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);
    AdapterCandidate first =
        monitored.train(firstJob(), Optional.empty(), StepListener.NONE).candidate();
    Path work = folder.resolve("work");
    TrainingJob second =
        job("acme/support@2-def", JobTrigger.MAX_WAIT, List.of(replay), List.of(), List.of(train));
    List<String> seen = new ArrayList<>();
    StepListener stopsOnceTrained =
        step -> {
          List<Path> files = files(work);
          if (files.stream().anyMatch(f -> f.toString().contains("/adapter/"))) {
            files.forEach(f -> seen.add(work.relativize(f).toString()));
            throw new IllegalStateException("stopped after training");
          }
        };

    Throwable stopped =
        catchThrowable(
            () ->
                monitored.train(
                    second,
                    Optional.of(releasedAsV1(first)),
                    Optional.of(first.getLineage()),
                    stopsOnceTrained));

    assertThat(stopped).hasMessageContaining("stopped after training");
    assertThat(seen)
        .as("the job's folder held the weights of v1 and of the trained adapter")
        .anyMatch(f -> f.contains(Folders.safeName(second.getJobId())))
        .anyMatch(f -> f.contains("/parent/"))
        .anyMatch(f -> f.contains("/adapter/"));
    try (var left = Files.walk(work)) {
      assertThat(left.map(p -> work.relativize(p).toString()))
          .as("nothing of the job is left in the work folder")
          .noneMatch(p -> p.contains(Folders.safeName(second.getJobId())));
    }
    assertThat(files(work)).isEmpty();
  }

  /** The files under {@code folder}, however deep. */
  private static List<Path> files(Path folder) {
    try (var paths = Files.walk(folder)) {
      return paths.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aStartingWorkerDeletesTheJobFoldersItsKilledSelfLeftAndNoOtherWorkers() throws Exception {
    // A worker killed mid-job runs no cleanup: its job folder holds the weights it was training.
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.WORKER_ID_CONFIG, "worker-1");
    Path work = folder.resolve("work");
    Path killed = work.resolve("worker-1").resolve("acme~2Fsupport~401-abc").resolve("adapter");
    Path other = work.resolve("worker-2").resolve("acme~2Fsupport~402-def").resolve("adapter");
    for (Path adapter : List.of(killed, other)) {
      Files.createDirectories(adapter);
      Files.write(adapter.resolve(PeftAdapter.WEIGHTS_FILE), new byte[] {1, 2, 3});
    }

    JobTrainer restarted = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);
    restarted.train(firstJob(), Optional.empty(), StepListener.NONE);

    assertThat(killed.getParent()).as("the killed worker's job folder").doesNotExist();
    assertThat(other.resolve(PeftAdapter.WEIGHTS_FILE))
        .as("another worker sharing the work folder may be training that job now")
        .exists();
  }

  @Test
  void aJobWhoseIdIsDotDotDeletesNothingOutsideTheWorkersScratchFolder() throws Exception {
    // The job's scratch folder is emptied before training; were ".." its name, the work folder's
    // parent would be, and with it the store beside a hidden work folder (".work" sorts first).
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.WORKER_WORK_DIR_CONFIG, folder.resolve(".work").toString());
    JobTrainer hidden = JobTrainer.from(new TrainerConfig(values), store, DeviceChoice.CPU);
    Files.createDirectories(folder.resolve(".work"));
    TrainingJob dotDot = job("..", JobTrigger.MANUAL, List.of(train), List.of(), List.of());

    catchThrowable(() -> hidden.train(dotDot, Optional.empty(), StepListener.NONE));

    assertThat(store.exists(Digest.parse(train.getDigest())))
        .as("the store beside the work folder still holds the job's shard")
        .isTrue();
  }
}
