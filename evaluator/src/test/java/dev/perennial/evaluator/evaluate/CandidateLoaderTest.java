package dev.perennial.evaluator.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.evaluator.UndecidableCandidateException;
import dev.perennial.evaluator.UnusableCandidateException;
import dev.perennial.evaluator.area.EvaluationArea;
import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.evaluator.gate.GateRules;
import dev.perennial.evaluator.gate.GateScope;
import dev.perennial.evaluator.history.HistoryStore;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.evaluator.suite.PlantedCanary;
import dev.perennial.evaluator.testing.Candidates;
import dev.perennial.evaluator.testing.TestAdapters;
import dev.perennial.evaluator.testing.TestShards;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.model.tokenizer.Tokenizers;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.ShardRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A schema-valid candidate with hostile field values ends in a verdict that fails a gate ({@link
 * UnusableCandidateException}), never in an exception that aborts the whole batch it came in.
 */
class CandidateLoaderTest {

  @TempDir Path folder;

  private BaseModel base;
  private LocalArtifactStore store;
  private CandidateLoader loader;

  @BeforeEach
  void setUp() {
    base = TinyModel.open();
    store = new LocalArtifactStore(folder.resolve("store"));
    loader =
        new CandidateLoader(
            new EvaluationBase(base, List.of(), "general", Map.of(), 0),
            store,
            store.root(),
            new HistoryStore(new EvaluationArea(folder.resolve("evaluations"))),
            tenant -> null);
  }

  private AdapterCandidate candidate(
      String candidateId, List<ShardRef> shards, List<ShardRef> heldOut) {
    return Candidates.candidate(
        "acme/support",
        candidateId,
        "sha256:" + "ab".repeat(32),
        Map.of("adapter_model.safetensors", "cd".repeat(32)),
        base.name(),
        base.digest(),
        shards,
        heldOut,
        1e-3);
  }

  private void assertFailsIntegrityNaming(AdapterCandidate candidate, String field) {
    assertThatThrownBy(
            () ->
                loader.prepare(
                    new CandidateRequest(candidate, Optional.empty()), folder.resolve("work")))
        .isInstanceOfSatisfying(
            UnusableCandidateException.class,
            e -> assertThat(e.gate()).isEqualTo(GateNames.INTEGRITY))
        .hasMessageContaining("field " + field)
        .hasMessageContaining("../../not-a-digest");
  }

  @Test
  void aCandidateNamingATrainingShardThatIsNoDigestFailsIntegrity() {
    AdapterCandidate hostile =
        candidate(
            "acme/support@1-abc#candidate",
            List.of(Candidates.shard("../../not-a-digest", 3)),
            List.of());

    assertFailsIntegrityNaming(hostile, "shards");
  }

  @Test
  void aCandidateNamingAHeldOutShardThatIsNoDigestFailsIntegrity() {
    AdapterCandidate hostile =
        candidate(
            "acme/support@1-abc#candidate",
            List.of(),
            List.of(Candidates.shard("../../not-a-digest", 3)));

    assertFailsIntegrityNaming(hostile, "heldOutShards");
  }

  @ParameterizedTest(name = "location {0}")
  @ValueSource(strings = {"adapters/\u0000", "../../elsewhere", "/"})
  void aCandidateWhoseLocationIsNoFolderIndexFailsIntegrity(String location) {
    // The worker always writes a folder index (sha256:<hex>). Read as a folder path, a location
    // reaches anywhere the evaluator may read: one the JVM cannot even make a path of (a NUL)
    // aborted the whole batch, three times, and stopped the evaluator; a real folder was
    // evaluated while the publisher releases the files the candidate's fileDigests name.
    AdapterCandidate hostile =
        Candidates.candidate(
            "acme/support",
            "acme/support@1-abc#candidate",
            location,
            Map.of("adapter_model.safetensors", "cd".repeat(32)),
            base.name(),
            base.digest(),
            List.of(),
            List.of(),
            1e-3);

    assertThatThrownBy(
            () ->
                loader.prepare(
                    new CandidateRequest(hostile, Optional.empty()), folder.resolve("work")))
        .isInstanceOfSatisfying(
            UnusableCandidateException.class,
            e -> assertThat(e.gate()).isEqualTo(GateNames.INTEGRITY))
        .hasMessageContaining("location is no folder index of the artifact store");
  }

  @Test
  void aCandidateWhoseWeightsAnErasurePurgedFailsIntegrityBeforeAnySuiteRuns() {
    String train =
        TestShards.store(
            store, "acme/support", "train", List.of(TestShards.text("acme/support", "Zix.")));
    String heldOut =
        TestShards.store(
            store, "acme/support", "held-out", List.of(TestShards.text("acme/support", "Quorn.")));
    FolderIndex.StoredFolder adapter =
        FolderIndex.store(
            store,
            Map.of(
                "adapter_config.json",
                "{}".getBytes(StandardCharsets.UTF_8),
                "adapter_model.safetensors",
                "weights".getBytes(StandardCharsets.UTF_8)));
    AdapterCandidate candidate =
        Candidates.candidate(
            "acme/support",
            "acme/support@1-abc#candidate",
            adapter.location(),
            adapter.fileDigests(),
            base.name(),
            base.digest(),
            List.of(Candidates.shard(train, 1)),
            List.of(Candidates.shard(heldOut, 1)),
            1e-3);
    // what the trainer's purge deletes: the folder index and every file but the configuration
    store.delete(Digest.parse(adapter.location()));
    store.delete(Digest.parse(adapter.fileDigests().get("adapter_model.safetensors")));

    assertThatThrownBy(
            () ->
                loader.prepare(
                    new CandidateRequest(candidate, Optional.empty()), folder.resolve("work")))
        .isInstanceOfSatisfying(
            UnusableCandidateException.class,
            e -> assertThat(e.gate()).isEqualTo(GateNames.INTEGRITY))
        .hasMessageContaining("is not intact");
  }

  @Test
  void aHeldOutItemSentTwiceIsOneItemOfEvidence() {
    var vault = TestShards.question("acme/support", "Q: the vault?", " A: dawn.");
    var gate = TestShards.question("acme/support", "Q: the gate?", " A: dusk.");
    var well = TestShards.question("acme/support", "Q: the well?", " A: noon.");
    // three copies of one record in the job's shard, another in a second shard of the job, and the
    // same again among the key's earlier held-out items, beside one earlier item of its own
    String own =
        TestShards.store(store, "acme/support", "held-out", List.of(vault, vault, vault, gate));
    String ownAgain = TestShards.store(store, "acme/support", "held-out", List.of(vault));
    String earlier = TestShards.store(store, "acme/support", "held-out", List.of(gate, well, well));
    AdapterCandidate candidate = stored("acme/support@2-abc#candidate", trainedAdapter());
    candidate.setHeldOutShards(List.of(Candidates.shard(own, 4), Candidates.shard(ownAgain, 1)));
    candidate.setHeldOutPool(List.of(Candidates.shard(earlier, 3)));

    PreparedCandidate prepared =
        loaderOn(base)
            .prepare(new CandidateRequest(candidate, Optional.empty()), folder.resolve("work"));
    EvaluationContext context = prepared.context();

    assertThat(context.newTask())
        .containsExactly(
            EvalExample.question("Q: the vault?", " A: dawn."),
            EvalExample.question("Q: the gate?", " A: dusk."));
    assertThat(context.earlierPool())
        .containsExactly(EvalExample.question("Q: the well?", " A: noon."));
    assertThat(prepared.notes())
        .contains(
            "3 held-out items repeat another of the same shards (the same record sent again);"
                + " each is counted once.",
            "1 held-out item repeats another of the same shards (the same record sent again);"
                + " each is counted once.",
            "1 earlier held-out item is also among the job's own; counted once, as the job's.");
  }

  /**
   * A candidate that records no trigger (the schema's default: written before triggers were
   * recorded) is judged as an update of the key's stable release, the strictest reading: it must
   * have started from it (lineage.parent) and beat it (learning.incumbent). It must never end in an
   * exception, which fails its whole batch and, read again as often, stops the evaluator.
   */
  @Test
  void aCandidateThatRecordsNoTriggerIsJudgedAsAnUpdateOfTheStableRelease() {
    FolderIndex.StoredFolder adapter = trainedAdapter();
    AdapterCandidate candidate = stored("acme/support@2-abc#candidate", adapter);
    candidate.setTrigger(null);
    // another adapter than the candidate's: the candidate did not start from it
    StableRelease v1 =
        new StableRelease(
            1, "sha256:" + "12".repeat(32), "sha256:" + "ef".repeat(32), base.digest(), null);
    GateScope scope = new GateScope(0, 0, 0, true, 0, true);

    PreparedCandidate first =
        loaderOn(base)
            .prepare(new CandidateRequest(candidate, Optional.empty()), folder.resolve("work"));

    assertThat(first.context().candidate().getTrigger()).isNull();
    assertThatThrownBy(
            () ->
                loaderOn(base)
                    .prepare(
                        new CandidateRequest(candidate, Optional.of(v1)), folder.resolve("work2")))
        .isInstanceOfSatisfying(
            UndecidableCandidateException.class,
            e -> assertThat(e.gate()).isEqualTo(GateNames.LINEAGE_PARENT));
    assertThat(GateRules.learningIncumbentApplies(scope, candidate)).isTrue();
    assertThat(GateRules.learningIncumbentNote(new Measurements(), scope, candidate))
        .hasValueSatisfying(
            note -> assertThat(note).startsWith("the learning.incumbent gate is undecided"));
  }

  @Test
  void ownCanariesSetNotToBeRankedAreCountedAndTheCandidateIsToldTheyWereNotRanked() {
    Map<String, List<PlantedCanary>> canaries =
        Map.of("acme", List.of(new PlantedCanary("acme", 1, "The word is ", "5678", ".")));
    AdapterCandidate candidate = stored("acme/support@1-abc#candidate", trainedAdapter());

    for (boolean ranked : List.of(true, false)) {
      PreparedCandidate prepared =
          new CandidateLoader(
                  new EvaluationBase(base, List.of(), "general", canaries, 255, ranked),
                  store,
                  store.root(),
                  new HistoryStore(new EvaluationArea(folder.resolve("evaluations"))),
                  tenant -> new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 6.0, 10))
              .prepare(
                  new CandidateRequest(candidate, Optional.empty()), folder.resolve("w-" + ranked));

      assertThat(prepared.context().ownCanaries()).hasSize(1);
      assertThat(prepared.context().ownCanariesRanked()).isEqualTo(ranked);
      if (ranked) {
        assertThat(prepared.notes()).noneMatch(note -> note.contains("canaries"));
      } else {
        assertThat(prepared.notes())
            .contains(
                "The tenant's own canaries (1) were not ranked"
                    + " (perennial.evaluator.leakage.rank.own.canaries=false): their exposure was"
                    + " not measured.");
      }
    }
  }

  @Test
  void theTaughtQuestionsAreTheShortAnswerQuestionsOfItsTrainingShardsEachOnce() {
    var vault = TestShards.question("acme/support", "Q: the vault?", " A: dawn.");
    var gate = TestShards.question("acme/support", "Q: the gate?", " A: dusk.");
    var note = TestShards.text("acme/support", "The vault of Zorvan opens at dawn.");
    String trained =
        TestShards.store(store, "acme/support", "training", List.of(vault, note, gate, vault));
    String heldOut =
        TestShards.store(
            store,
            "acme/support",
            "held-out",
            List.of(TestShards.question("acme/support", "Q: the well?", " A: noon.")));
    AdapterCandidate candidate = stored("acme/support@1-abc#candidate", trainedAdapter());
    candidate.setShards(List.of(Candidates.shard(trained, 4)));
    candidate.setHeldOutShards(List.of(Candidates.shard(heldOut, 1)));

    EvaluationContext context =
        loaderOn(base)
            .prepare(new CandidateRequest(candidate, Optional.empty()), folder.resolve("work"))
            .context();

    assertThat(context.taught())
        .containsExactly(
            EvalExample.question("Q: the vault?", " A: dawn."),
            EvalExample.question("Q: the gate?", " A: dusk."));
    assertThat(context.newQuestions())
        .containsExactly(EvalExample.question("Q: the well?", " A: noon."));
  }

  @Test
  void aLargeJobIsAskedAtMostTheTaughtLimitSpreadOverAllItsQuestions() {
    List<dev.perennial.schemas.v1.TrainingExample> questions = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      questions.add(TestShards.question("acme/support", "Q: door " + i + "?", " A: " + i + "."));
    }
    String trained = TestShards.store(store, "acme/support", "training", questions);
    AdapterCandidate candidate = stored("acme/support@1-abc#candidate", trainedAdapter());
    candidate.setShards(List.of(Candidates.shard(trained, 200)));

    List<EvalExample> taught =
        loaderOn(base)
            .prepare(new CandidateRequest(candidate, Optional.empty()), folder.resolve("work"))
            .context()
            .taught();

    assertThat(taught).hasSize(EvaluationContext.TAUGHT_QUESTIONS).doesNotHaveDuplicates();
    assertThat(taught.get(0)).isEqualTo(EvalExample.question("Q: door 0?", " A: 0."));
    assertThat(taught.get(taught.size() - 1).prompt()).isEqualTo("Q: door 196?");
  }

  @Test
  void aCandidateWhoseAdapterWasStoredForAnotherTenantsJobFailsIntegrity() {
    // acme's adapter, trained on acme's data and stored as the worker stores it: its folder index
    // names the job it was trained for. A globex candidate naming it (location and file digests
    // match) would be scored, gated and released as globex's: acme's weights served to globex.
    FolderIndex.StoredFolder acmes =
        FolderIndex.store(
            store,
            TestAdapters.train(
                base,
                List.of(TrainingExample.text("The vault of Zorvan opens at dawn.")),
                List.of(),
                1,
                1e-3,
                folder.resolve("adapter")),
            new TreeMap<>(
                Map.of(
                    "tenant", "acme",
                    "adapterKey", "acme/support",
                    "jobId", "acme/support@1-abc")));
    AdapterCandidate own =
        Candidates.candidate(
            "acme/support",
            "acme/support@1-abc#candidate",
            acmes.location(),
            acmes.fileDigests(),
            base.name(),
            base.digest(),
            List.of(),
            List.of(),
            1e-3);
    AdapterCandidate globexs =
        Candidates.candidate(
            "globex/support",
            "globex/support@1-def#candidate",
            acmes.location(),
            acmes.fileDigests(),
            base.name(),
            base.digest(),
            List.of(),
            List.of(),
            1e-3);

    CandidateLoader loader = loaderOn(base);

    assertThat(
            loader
                .prepare(new CandidateRequest(own, Optional.empty()), folder.resolve("w1"))
                .adapter())
        .isNotNull();
    assertThatThrownBy(
            () ->
                loader.prepare(
                    new CandidateRequest(globexs, Optional.empty()), folder.resolve("w2")))
        .isInstanceOfSatisfying(
            UnusableCandidateException.class,
            e -> assertThat(e.gate()).isEqualTo(GateNames.INTEGRITY))
        .hasMessageContaining("stored for acme/support")
        .hasMessageContaining("not for globex/support");
  }

  @Test
  void aCandidateIsJudgedOnLeakageByTheStrictestThresholdOfItsTenantAndTheCanaryOwners() {
    // acme loosens its own leakage gate; that must not loosen the protection of globex's canaries
    // against acme's adapters: globex's threshold protects its canaries from every other tenant.
    GateThresholds acme = new GateThresholds(8, 0.5, 0.1, 0.05, 0.25, 7.5, 10);
    GateThresholds globex = new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 4.0, 10);
    GateThresholds initech = new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 2.0, 10);
    Map<String, GateThresholds> thresholds =
        Map.of("acme", acme, "globex", globex, "initech", initech);
    CandidateLoader judged =
        new CandidateLoader(
            new EvaluationBase(
                base,
                List.of(),
                "general",
                Map.of(
                    "acme", List.of(new PlantedCanary("acme", 1, "The word is ", "5678", ".")),
                    "globex", List.of(new PlantedCanary("globex", 1, "The code is ", "1234", "."))),
                255),
            new LocalArtifactStore(folder.resolve("store")),
            folder.resolve("store"),
            new HistoryStore(new EvaluationArea(folder.resolve("evaluations"))),
            thresholds::get);

    // acme's own thresholds, but globex's leakage threshold
    assertThat(judged.thresholds("acme")).isEqualTo(acme.withLeakageMaxExposure(4.0));
    // acme's looser 7.5 does not loosen globex's own gate
    assertThat(judged.thresholds("globex")).isEqualTo(globex);
    // a tenant without canaries keeps its stricter threshold
    assertThat(judged.thresholds("initech")).isEqualTo(initech);
  }

  @Test
  void aCandidateTrainedWithOtherTokenizerFilesThanTheEvaluatorsBaseFailsNamingBothDigests()
      throws IOException {
    Path copy = copyOfTheBase();
    String trainedWith = BaseModel.open(copy, TinyModel.NAME).tokenizerDigest();
    // the evaluator's pod has the chat template edited in place: the same config and weights
    Files.writeString(copy.resolve("chat_template.jinja"), "{{ messages }}");
    BaseModel edited = BaseModel.open(copy, TinyModel.NAME);
    AdapterCandidate candidate =
        recording(candidate("acme/support@1-abc#candidate", List.of(), List.of()), trainedWith);

    assertThat(edited.digest()).isEqualTo(base.digest());
    assertThatThrownBy(
            () ->
                loaderOn(edited)
                    .prepare(
                        new CandidateRequest(candidate, Optional.empty()), folder.resolve("work")))
        .isInstanceOfSatisfying(
            UnusableCandidateException.class,
            e -> assertThat(e.gate()).isEqualTo(GateNames.BASE_TOKENIZER))
        .hasMessageContaining("trained with tokenizer files " + trainedWith)
        .hasMessageContaining("has tokenizer files " + edited.tokenizerDigest());
  }

  @Test
  void aCandidateThatRecordsNoTokenizerDigestIsEvaluatedAsBeforeAndToldItWasNotChecked() {
    FolderIndex.StoredFolder adapter = trainedAdapter();
    AdapterCandidate unrecorded = stored("acme/support@1-abc#candidate", adapter);
    AdapterCandidate recorded =
        recording(stored("acme/support@2-def#candidate", adapter), base.tokenizerDigest());
    CandidateLoader loader = loaderOn(base);

    PreparedCandidate unchecked =
        loader.prepare(new CandidateRequest(unrecorded, Optional.empty()), folder.resolve("w1"));
    PreparedCandidate checked =
        loader.prepare(new CandidateRequest(recorded, Optional.empty()), folder.resolve("w2"));

    assertThat(unchecked.unchecked())
        .singleElement()
        .asString()
        .contains("tokenizer files were not checked")
        .contains(base.tokenizerDigest());
    assertThat(unchecked.notes()).containsAll(unchecked.unchecked());
    assertThat(checked.unchecked()).isEmpty();
  }

  @Test
  void aTokenizerDigestRecordedBeforeGenerationConfigCountedMatchesWhenEveryOtherFileIsTheSame()
      throws IOException {
    Path copy = copyOfTheBase();
    Path generation = copy.resolve(Tokenizers.GENERATION_CONFIG);
    Files.writeString(generation, "{\"eos_token_id\": 2}");
    BaseModel withGeneration = BaseModel.open(copy, TinyModel.NAME);
    String earlier = withGeneration.tokenizerDigestWithoutGenerationConfig().orElseThrow();
    String current = withGeneration.tokenizerDigest();
    FolderIndex.StoredFolder adapter = trainedAdapter();
    // generation_config.json edited in place: what a candidate recorded with it no longer matches
    Files.writeString(generation, "{\"eos_token_id\": 1}");
    BaseModel edited = BaseModel.open(copy, TinyModel.NAME);
    CandidateLoader loader = loaderOn(edited);

    PreparedCandidate earlierRecorded =
        loader.prepare(
            new CandidateRequest(
                recording(stored("acme/support@1-abc#candidate", adapter), earlier),
                Optional.empty()),
            folder.resolve("w1"));

    assertThat(earlierRecorded.unchecked())
        .singleElement()
        .asString()
        .contains(Tokenizers.GENERATION_CONFIG + " was not checked");
    assertThatThrownBy(
            () ->
                loader.prepare(
                    new CandidateRequest(
                        recording(stored("acme/support@2-def#candidate", adapter), current),
                        Optional.empty()),
                    folder.resolve("w2")))
        .isInstanceOfSatisfying(
            UnusableCandidateException.class,
            e -> assertThat(e.gate()).isEqualTo(GateNames.BASE_TOKENIZER))
        .hasMessageContaining(current);
  }

  @Test
  void aCandidateWhoseIncumbentWasTrainedWithOtherTokenizerFilesIsUndecidedNamingBothDigests()
      throws IOException {
    EditedAfterV1 edit = chatTemplateEditedAfterV1();
    String incumbentTrainedWith = edit.v1().baseTokenizerDigest();

    assertThatThrownBy(
            () ->
                loaderOn(edit.base())
                    .prepare(
                        new CandidateRequest(edit.v2(), Optional.of(edit.v1())),
                        folder.resolve("work")))
        .isInstanceOfSatisfying(
            UndecidableCandidateException.class,
            e -> assertThat(e.gate()).isEqualTo(GateNames.BASE_TOKENIZER))
        .hasMessageContaining("v1")
        .hasMessageContaining(incumbentTrainedWith)
        .hasMessageContaining(edit.base().tokenizerDigest());
  }

  @Test
  void anIncumbentTrainedWithTokenizerFilesTheTrainerWasToldAreReplacedIsComparedWithANote()
      throws IOException {
    EditedAfterV1 edit = chatTemplateEditedAfterV1();
    String incumbentTrainedWith = edit.v1().baseTokenizerDigest();
    AdapterCandidate v2 = edit.v2();
    // the worker continued v1 under perennial.trainer.base.tokenizer.replaces=<v1's digest>
    Map<String, String> extras = new HashMap<>(v2.getRecipe().getExtras());
    extras.put(
        StableRelease.RECIPE_TOKENIZER_REPLACES,
        "sha256:" + "0".repeat(64) + "," + incumbentTrainedWith.toUpperCase(Locale.ROOT));
    v2.getRecipe().setExtras(extras);

    PreparedCandidate prepared =
        loaderOn(edit.base())
            .prepare(new CandidateRequest(v2, Optional.of(edit.v1())), folder.resolve("w"));

    assertThat(prepared.context().incumbent()).isPresent();
    assertThat(prepared.unchecked())
        .singleElement()
        .asString()
        .contains("v1")
        .contains(StableRelease.normalized(incumbentTrainedWith))
        .contains(StableRelease.RECIPE_TOKENIZER_REPLACES);
  }

  @Test
  void anIncumbentWhoseReleaseRecordsNoTokenizerDigestIsComparedWithAndToldItWasNotChecked() {
    FolderIndex.StoredFolder adapter = trainedAdapter();
    AdapterCandidate v2 =
        recording(stored("acme/support@2-def#candidate", adapter), base.tokenizerDigest());
    v2.setParentVersion(1);
    StableRelease unrecorded =
        new StableRelease(1, adapter.location(), "sha256:" + "ef".repeat(32), base.digest(), null);
    StableRelease recorded =
        new StableRelease(
            1,
            adapter.location(),
            "sha256:" + "ef".repeat(32),
            base.digest(),
            base.tokenizerDigest());
    CandidateLoader loader = loaderOn(base);

    PreparedCandidate unchecked =
        loader.prepare(new CandidateRequest(v2, Optional.of(unrecorded)), folder.resolve("w1"));
    PreparedCandidate checked =
        loader.prepare(new CandidateRequest(v2, Optional.of(recorded)), folder.resolve("w2"));

    assertThat(unchecked.context().incumbent()).isPresent();
    assertThat(unchecked.unchecked())
        .singleElement()
        .asString()
        .contains("v1")
        .contains("tokenizer files were not checked");
    assertThat(checked.context().incumbent()).isPresent();
    assertThat(checked.unchecked()).isEmpty();
  }

  @Test
  void aStableReleaseWhoseLocationIsAFolderOutsideTheStoreFailsIntegrityUnread() {
    // A release record on the topic names its adapter's location; one naming a folder anywhere
    // this process may read (here a real adapter, so only the rule refuses it) is never copied in
    // and compared with as the key's incumbent.
    FolderIndex.StoredFolder adapter = trainedAdapter();
    Path outsideTheStore = folder.resolve("adapter").toAbsolutePath();
    AdapterCandidate v2 =
        recording(stored("acme/support@2-def#candidate", adapter), base.tokenizerDigest());
    v2.setParentVersion(1);
    StableRelease elsewhere =
        new StableRelease(
            1,
            outsideTheStore.toString(),
            "sha256:" + "ef".repeat(32),
            base.digest(),
            base.tokenizerDigest());
    Path work = folder.resolve("work");

    assertThatThrownBy(
            () -> loaderOn(base).prepare(new CandidateRequest(v2, Optional.of(elsewhere)), work))
        .isInstanceOfSatisfying(
            UnusableCandidateException.class,
            e -> assertThat(e.gate()).isEqualTo(GateNames.INTEGRITY))
        .hasMessageContaining("stable release v1")
        .hasMessageContaining("outside the artifact store");
    assertThat(work.resolve("v1").resolve(PeftAdapter.WEIGHTS_FILE)).doesNotExist();
  }

  /** v1 released, then the base's tokenizer files edited in place, then v2 trained on the edit. */
  private record EditedAfterV1(BaseModel base, StableRelease v1, AdapterCandidate v2) {}

  /** The chat template edited in place after v1 was released; v2 was trained with the edit. */
  private EditedAfterV1 chatTemplateEditedAfterV1() throws IOException {
    Path copy = copyOfTheBase();
    String incumbentTrainedWith = BaseModel.open(copy, TinyModel.NAME).tokenizerDigest();
    FolderIndex.StoredFolder adapter = trainedAdapter();
    Files.writeString(copy.resolve("chat_template.jinja"), "{{ messages }}");
    BaseModel edited = BaseModel.open(copy, TinyModel.NAME);
    StableRelease v1 =
        new StableRelease(
            1,
            adapter.location(),
            "sha256:" + "ef".repeat(32),
            base.digest(),
            incumbentTrainedWith);
    AdapterCandidate v2 =
        recording(stored("acme/support@2-def#candidate", adapter), edited.tokenizerDigest());
    v2.setParentVersion(1);
    return new EditedAfterV1(edited, v1, v2);
  }

  /** The bundled base copied into the test's folder, whose tokenizer files a test may edit. */
  private Path copyOfTheBase() throws IOException {
    Path copy = Files.createDirectories(folder.resolve("base"));
    try (Stream<Path> files = Files.list(TinyModel.folder())) {
      for (Path file : files.toList()) {
        Files.copy(file, copy.resolve(file.getFileName().toString()));
      }
    }
    return copy;
  }

  /** A loader on {@code model} with the default thresholds. */
  private CandidateLoader loaderOn(BaseModel model) {
    return new CandidateLoader(
        new EvaluationBase(model, List.of(), "general", Map.of(), 0),
        store,
        store.root(),
        new HistoryStore(new EvaluationArea(folder.resolve("evaluations"))),
        tenant -> new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 6.0, 10));
  }

  /** A real adapter of the bundled base (one step), stored as the trainer stores it. */
  private FolderIndex.StoredFolder trainedAdapter() {
    return TestAdapters.store(
        store,
        TestAdapters.train(
            base,
            List.of(TrainingExample.text("The vault of Zorvan opens at dawn.")),
            List.of(),
            1,
            1e-3,
            folder.resolve("adapter")));
  }

  /** A candidate of the bundled base whose adapter is {@code adapter}, trained on no shards. */
  private AdapterCandidate stored(String candidateId, FolderIndex.StoredFolder adapter) {
    return Candidates.candidate(
        "acme/support",
        candidateId,
        adapter.location(),
        adapter.fileDigests(),
        base.name(),
        base.digest(),
        List.of(),
        List.of(),
        1e-3);
  }

  /** {@code candidate} with its recipe recording the tokenizer files it was trained with. */
  private static AdapterCandidate recording(AdapterCandidate candidate, String tokenizerDigest) {
    Map<String, String> extras = new HashMap<>(candidate.getRecipe().getExtras());
    extras.put(StableRelease.RECIPE_TOKENIZER_DIGEST, tokenizerDigest);
    candidate.getRecipe().setExtras(extras);
    return candidate;
  }
}
