package dev.perennial.evaluator.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.perennial.core.files.Folders;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.evaluator.area.EvaluationArea;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.evaluator.history.HistoryStore;
import dev.perennial.evaluator.local.LocalEvaluator;
import dev.perennial.evaluator.report.ReportWriter;
import dev.perennial.evaluator.scoring.BatchScorer;
import dev.perennial.evaluator.scoring.ScoringProgress;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.testing.Candidates;
import dev.perennial.evaluator.testing.TestAdapters;
import dev.perennial.evaluator.testing.TestShards;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.tiny.BundledBase;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.TenantKnowledge;
import dev.perennial.model.world.World;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.ShardRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandidateEvaluatorTest {

  private static final String KEY = "acme/support";

  @TempDir Path folder;

  /**
   * Only acme plants canaries: its own are reported, not gated, and no other tenant's can be
   * measured, so acme's candidate has no leakage gate. Its verdict must say so, as it says when the
   * feedback gates do not apply, rather than read as if leaking had been ruled out.
   */
  @Test
  void aCandidateWhoseOtherTenantsPlantNoCanariesIsToldLeakageWasNotMeasured() {
    ModelRuntime.setThreads(1);
    JniUtils.setGradMode(false);
    BaseModel base = TinyModel.open();
    World world = World.standard();
    TenantKnowledge acme = world.tenant("acme");
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    EvaluationArea area = new EvaluationArea(folder.resolve("evaluations"));
    List<String> documents = acme.documents().stream().map(d -> d.text()).toList();
    String trainingShard =
        TestShards.store(
            store, KEY, "train", documents.stream().map(t -> TestShards.text(KEY, t)).toList());
    String heldOutShard =
        TestShards.store(
            store,
            KEY,
            "held-out",
            acme.heldOutQuestions().stream()
                .map((QaPair q) -> TestShards.question(KEY, q.prompt(), q.completion()))
                .toList());
    FolderIndex.StoredFolder adapter =
        TestAdapters.store(
            store,
            TestAdapters.train(
                base,
                documents.stream().map(TrainingExample::text).toList(),
                List.of(),
                2,
                1e-3,
                folder.resolve("adapter")));
    AdapterCandidate candidate =
        Candidates.candidate(
            KEY,
            "acme/support@1-aaa#candidate",
            adapter.location(),
            adapter.fileDigests(),
            base.name(),
            base.digest(),
            List.of(Candidates.shard(trainingShard, documents.size())),
            List.of(Candidates.shard(heldOutShard, acme.heldOutQuestions().size())),
            1e-3);
    EvaluationBase evaluationBase =
        new EvaluationBase(
            base,
            List.of(),
            "general:0/0",
            Map.of("acme", LocalEvaluator.canaries(world, "acme")),
            15);

    try (BatchScorer scorer =
        new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(32, 8, 128, 34))) {
      CandidateEvaluator evaluator =
          new CandidateEvaluator(
              evaluationBase,
              scorer,
              store,
              store.root(),
              new HistoryStore(area),
              new ReportWriter(store, area),
              tenant -> new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 6.0, 10),
              new PairedBootstrap(0.95, 200),
              "test",
              Clock.fixed(Candidates.AT, ZoneOffset.UTC));

      List<String> heard = new ArrayList<>();
      EvaluationListener listener =
          new EvaluationListener() {
            @Override
            public void scoring(List<CandidateRequest> batch, int workloads, long rows) {
              heard.add("scoring " + rows);
            }

            @Override
            public void progress(List<CandidateRequest> batch, ScoringProgress progress) {
              heard.add("rows " + progress.rows() + "/" + progress.totalRows());
            }

            @Override
            public void idle() {
              heard.add("idle");
            }
          };
      Evaluation evaluation =
          evaluator
              .evaluate(List.of(new CandidateRequest(candidate, Optional.empty())), listener)
              .get(0);

      // the batch's progress reaches its listener, ending with every row to compute, then idle
      assertThat(heard.subList(1, heard.size() - 1))
          .hasSizeGreaterThan(1)
          .allMatch(h -> h.startsWith("rows "));
      assertThat(heard.get(heard.size() - 2)).matches("rows (\\d+)/\\1");
      assertThat(heard.get(heard.size() - 1)).isEqualTo("idle");
      assertThat(evaluation.gates()).extracting(Gate::getName).doesNotContain(GateNames.LEAKAGE);
      assertThat(evaluation.metrics()).containsEntry("leakage.canaries", 0.0);
      assertThat(evaluation.metrics()).containsEntry("leakage.own.canaries", 3.0);
      assertThat(evaluation.reason()).contains("the leakage gate does not apply");
      // a key's first adapter has no incumbent to have learnt beyond
      assertThat(evaluation.gates())
          .extracting(Gate::getName)
          .doesNotContain(GateNames.LEARNING_INCUMBENT);
      assertThat(evaluation.reason())
          .contains("the learning.incumbent gate does not apply: the key has no stable release");
      // nor has this base a general set (general:0/0): forgetting it was not measured either
      assertThat(evaluation.gates())
          .extracting(Gate::getName)
          .doesNotContain(GateNames.RETENTION_GENERAL);
      assertThat(evaluation.reason())
          .contains(
              "the retention gates do not apply: the base has no general evaluation set"
                  + " (general-eval.jsonl in its model folder), so forgetting what the base knew"
                  + " was not measured");
      // its recipe records no tokenizer digest either (as a trainer's before they recorded it)
      assertThat(evaluation.reason())
          .contains("its tokenizer files were not checked")
          .contains(base.tokenizerDigest());
    }
  }

  /**
   * An update whose training did nothing (or an adapter that can no longer learn) is its incumbent
   * unchanged. Against the base it inherits the incumbent's gain on the key's held-out pool, and
   * against the incumbent its regression gates read [0, 0]: it must not pass as a new version.
   * Judged on its own held-out items against the incumbent it is refused; with too few of them it
   * is undecided, so its data rolls into the key's next job.
   */
  @Test
  void aCandidateThatIsItsIncumbentUnchangedIsNotReleasedNamingTheIncumbentLearningGate() {
    ModelRuntime.setThreads(1);
    JniUtils.setGradMode(false);
    BaseModel base = TinyModel.open();
    TenantKnowledge acme = World.standard().tenant("acme");
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    EvaluationArea area = new EvaluationArea(folder.resolve("evaluations"));
    List<TrainingExample> training = new ArrayList<>();
    acme.documents().forEach(d -> training.add(TrainingExample.text(d.text())));
    acme.feedback()
        .forEach(q -> training.add(TrainingExample.completion(q.prompt(), q.completion())));
    String trainingShard =
        TestShards.store(
            store,
            KEY,
            "train",
            acme.documents().stream().map(d -> TestShards.text(KEY, d.text())).toList());
    List<QaPair> questions = acme.heldOutQuestions();
    String allQuestions = heldOutShard(store, questions);
    String fewQuestions = heldOutShard(store, questions.subList(0, 3));
    String otherQuestions = heldOutShard(store, questions.subList(3, questions.size()));
    FolderIndex.StoredFolder v1 =
        TestAdapters.store(
            store, TestAdapters.train(base, training, List.of(), 12, 3e-3, folder.resolve("v1")));
    StableRelease stable =
        new StableRelease(
            1, v1.location(), "sha256:" + "ef".repeat(32), base.digest(), base.tokenizerDigest());
    List<ShardRef> trainedOn = List.of(Candidates.shard(trainingShard, acme.documents().size()));
    // v1's adapter again, as an update of v1 whose training changed nothing
    AdapterCandidate copy =
        copyOf(
            v1, base, "acme/support@2-copy#candidate", trainedOn, allQuestions, questions.size());
    // the same, with only 3 held-out items of its own (the rest of the pool is earlier)
    AdapterCandidate fewItems =
        copyOf(v1, base, "acme/support@3-few#candidate", trainedOn, fewQuestions, 3);
    fewItems.setHeldOutPool(
        List.of(
            Candidates.shard(fewQuestions, 3),
            Candidates.shard(otherQuestions, questions.size() - 3)));
    // an ERASURE retrain chooses its own start: not an update of v1, judged against the base
    AdapterCandidate erasure =
        copyOf(v1, base, "acme/support@4-erasure#candidate", trainedOn, allQuestions, 14);
    erasure.setTrigger(JobTrigger.ERASURE);
    erasure.setParentVersion(null);
    // v1's own candidate read again after its release: judged as it was, not as its own successor
    AdapterCandidate readAgain =
        copyOf(v1, base, "acme/support@1-v1#candidate", trainedOn, allQuestions, 14);
    readAgain.setParentVersion(null);

    try (BatchScorer scorer =
        new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(32, 8, 128, 34))) {
      CandidateEvaluator evaluator =
          new CandidateEvaluator(
              new EvaluationBase(base, List.of(), "general:0/0", Map.of(), 15),
              scorer,
              store,
              store.root(),
              new HistoryStore(area),
              new ReportWriter(store, area),
              tenant -> new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 6.0, 10),
              new PairedBootstrap(0.95, 200, EvaluatorConfig.GATE_BOOTSTRAP_MIN_ITEMS_DEFAULT),
              "test",
              Clock.fixed(Candidates.AT, ZoneOffset.UTC));
      List<Evaluation> evaluations =
          evaluator.evaluate(
              List.of(
                  new CandidateRequest(copy, Optional.of(stable)),
                  new CandidateRequest(fewItems, Optional.of(stable)),
                  new CandidateRequest(erasure, Optional.of(stable)),
                  new CandidateRequest(readAgain, Optional.of(stable))),
              EvaluationListener.NONE);

      Evaluation refused = evaluations.get(0);
      assertThat(refused.outcome())
          .as("gates %s", refused.gates())
          .isEqualTo(EvaluationOutcome.FAILED);
      assertThat(refused.gates())
          .filteredOn(gate -> gate.getName().equals("learning.incumbent"))
          .singleElement()
          .satisfies(gate -> assertThat(gate.getOutcome()).isEqualTo(EvaluationOutcome.FAILED))
          .satisfies(gate -> assertThat(gate.getN()).isEqualTo(questions.size()));
      assertThat(refused.reason()).contains("failing learning.incumbent");

      Evaluation undecided = evaluations.get(1);
      assertThat(undecided.outcome())
          .as("gates %s", undecided.gates())
          .isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
      assertThat(undecided.gates())
          .filteredOn(gate -> gate.getName().equals("learning.incumbent"))
          .singleElement()
          .satisfies(
              gate ->
                  assertThat(gate.getOutcome()).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE))
          .satisfies(gate -> assertThat(gate.getN()).isEqualTo(3));
      assertThat(undecided.reason())
          .contains("learning.incumbent measured on 3 paired item(s)")
          .contains("rolls into the key's next job");

      for (Evaluation notAnUpdate : evaluations.subList(2, 4)) {
        assertThat(notAnUpdate.outcome())
            .as("gates %s", notAnUpdate.gates())
            .isEqualTo(EvaluationOutcome.PASSED);
        assertThat(notAnUpdate.gates())
            .extracting(Gate::getName)
            .doesNotContain(GateNames.LEARNING_INCUMBENT);
      }
      assertThat(evaluations.get(2).reason())
          .contains(
              "the learning.incumbent gate does not apply: an ERASURE job does not continue the"
                  + " key's stable release");
      // compared with v1, yet its pool holds nothing but its own held-out examples: no
      // regression.tenant gate, and the verdict says why rather than leave it out unsaid
      assertThat(evaluations.get(2).gates())
          .extracting(Gate::getName)
          .doesNotContain(GateNames.REGRESSION_TENANT);
      assertThat(evaluations.get(2).reason())
          .contains(
              "the regression.tenant gate does not apply: the key's held-out pool holds no"
                  + " example besides the candidate's own");
      assertThat(evaluations.get(3).reason())
          .contains(
              "the learning.incumbent gate does not apply: the key has no stable release on this"
                  + " base other than the candidate itself");
    }
  }

  private static String heldOutShard(LocalArtifactStore store, List<QaPair> questions) {
    return TestShards.store(
        store,
        KEY,
        "held-out",
        questions.stream().map(q -> TestShards.question(KEY, q.prompt(), q.completion())).toList());
  }

  /** A data-triggered update of v1 whose adapter is v1's, unchanged. */
  private static AdapterCandidate copyOf(
      FolderIndex.StoredFolder v1,
      BaseModel base,
      String candidateId,
      List<ShardRef> trainedOn,
      String heldOut,
      int heldOutItems) {
    AdapterCandidate copy =
        Candidates.candidate(
            KEY,
            candidateId,
            v1.location(),
            v1.fileDigests(),
            base.name(),
            base.digest(),
            trainedOn,
            List.of(Candidates.shard(heldOut, heldOutItems)),
            3e-3);
    copy.setParentVersion(1);
    return copy;
  }

  /**
   * A REBASE candidate's transfer gates compare its answers with those of the release it moves, on
   * the old base. When the old base's tokenizer files changed in place since that release was
   * trained, its answers would be read with other tokens than it learnt: the verdict says so.
   */
  @Test
  void aRebaseCandidateWhoseOldReleaseWasTrainedWithOtherTokenizerFilesIsUndecidedNamingBoth()
      throws IOException {
    ModelRuntime.setThreads(1);
    JniUtils.setGradMode(false);
    Path oldFolder = Files.createDirectories(folder.resolve("old-base"));
    try (Stream<Path> files = Files.list(TinyModel.folder())) {
      for (Path file : files.toList()) {
        Files.copy(file, oldFolder.resolve(file.getFileName().toString()));
      }
    }
    BaseModel old = BaseModel.open(oldFolder, TinyModel.NAME);
    String trainedWith = old.tokenizerDigest();
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    EvaluationArea area = new EvaluationArea(folder.resolve("evaluations"));
    List<TrainingExample> texts =
        List.of(TrainingExample.text("The vault of Zorvan opens at dawn."));
    FolderIndex.StoredFolder v1 =
        TestAdapters.store(
            store, TestAdapters.train(old, texts, List.of(), 1, 1e-3, folder.resolve("v1")));
    // the old base's chat template edited in place after v1 was released
    Files.writeString(oldFolder.resolve("chat_template.jinja"), "{{ messages }}");
    BaseModel edited = BaseModel.open(oldFolder, TinyModel.NAME);
    BundledBase next = BundledBase.PERENNIAL_TINY_2;
    BaseModel nextBase = next.open();
    FolderIndex.StoredFolder carried =
        TestAdapters.store(
            store,
            TestAdapters.train(nextBase, texts, List.of(), 1, 1e-3, folder.resolve("carried")));
    AdapterCandidate candidate =
        Candidates.candidate(
            KEY,
            "acme/support@2-rebase#candidate",
            carried.location(),
            carried.fileDigests(),
            nextBase.name(),
            nextBase.digest(),
            List.of(),
            List.of(),
            1e-3);
    candidate.setTrigger(JobTrigger.REBASE);
    candidate.setBaseModelLocation(BundledBase.LOCATION_PREFIX + nextBase.name());
    String manifest = "sha256:" + "ef".repeat(32);
    candidate.setLineage(
        Lineage.newBuilder()
            .setMethod(LineageMethod.CARRIED_OVER)
            .setSourceRelease(
                LineageRelease.newBuilder()
                    .setVersion(1)
                    .setLocation(v1.location())
                    .setManifestDigest(manifest)
                    .setBaseModelName(edited.name())
                    .setBaseModelDigest(edited.digest())
                    .build())
            .build());
    StableRelease onOldBase =
        new StableRelease(1, v1.location(), manifest, edited.digest(), trainedWith);

    try (BaseEvaluators evaluators =
        new BaseEvaluators(
            evaluatorOn(new EvaluationBase(edited, List.of(), "general:0/0", Map.of(), 15), store),
            4,
            base -> evaluatorOn(base, store))) {
      Evaluation evaluation =
          evaluators
              .evaluate(
                  List.of(new CandidateRequest(candidate, Optional.empty(), List.of(onOldBase))),
                  EvaluationListener.NONE)
              .get(0);

      assertThat(evaluation.outcome()).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
      assertThat(evaluation.gates())
          .filteredOn(gate -> gate.getName().equals(GateNames.BASE_TOKENIZER))
          .singleElement()
          .extracting(Gate::getOutcome)
          .isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
      assertThat(evaluation.reason())
          .contains("v1")
          .contains(trainedWith)
          .contains(edited.tokenizerDigest());
    }
  }

  /**
   * A candidate refused before any suite ran names as its incumbent only a release it could have
   * been compared with: the key's stable release on its own base, never one on another base (the
   * scored path compares with the base alone then).
   */
  @Test
  void aCandidateRefusedBeforeScoringNamesNoIncumbentOnAnotherBase() {
    BaseModel base = TinyModel.open();
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    StableRelease onItsBase =
        new StableRelease(1, "sha256:" + "a".repeat(64), "m", base.digest(), null);
    StableRelease onAnotherBase =
        new StableRelease(1, "sha256:" + "a".repeat(64), "m", "sha256:" + "c".repeat(64), null);
    List<CandidateRequest> requests = new ArrayList<>();
    for (StableRelease stable : List.of(onItsBase, onAnotherBase)) {
      AdapterCandidate refused =
          Candidates.candidate(
              KEY,
              KEY + "@" + requests.size() + "-aaa#candidate",
              "sha256:" + "d".repeat(64),
              Map.of(),
              base.name(),
              base.digest(),
              List.of(),
              List.of(),
              1e-3);
      // another tenant's key: refused on integrity before anything is read
      refused.setTenant("globex");
      requests.add(new CandidateRequest(refused, Optional.of(stable)));
    }

    EvaluationArea area = new EvaluationArea(folder.resolve("evaluations"));
    try (BatchScorer scorer =
        new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(32, 8, 128, 34))) {
      List<Evaluation> evaluations =
          new CandidateEvaluator(
                  new EvaluationBase(base, List.of(), "general:0/0", Map.of(), 15),
                  scorer,
                  store,
                  store.root(),
                  new HistoryStore(area),
                  new ReportWriter(store, area),
                  tenant -> new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 6.0, 10),
                  new PairedBootstrap(0.95, 200),
                  "test",
                  Clock.fixed(Candidates.AT, ZoneOffset.UTC))
              .evaluate(requests, EvaluationListener.NONE);

      assertThat(evaluations)
          .extracting(Evaluation::outcome)
          .containsOnly(EvaluationOutcome.FAILED);
      assertThat(evaluations.get(0).incumbentVersion())
          .as("stable release on its base")
          .isEqualTo(1);
      assertThat(evaluations.get(1).incumbentVersion())
          .as("stable release on another base")
          .isNull();
    }
  }

  /**
   * An evaluator killed mid-batch runs no cleanup: its scratch folder keeps the candidates' adapter
   * files (weights trained on the key's data), and /tmp, an emptyDir, outlives the container's
   * restart. The restarted evaluator of the same instance id deletes it before its first batch,
   * whether the restarted JVM has another process id or the same one (pid 1 in a container).
   */
  @Test
  void aRestartedEvaluatorDeletesTheScratchFolderItsKilledSelfLeft() throws IOException {
    String instance = "restarted-" + UUID.randomUUID();
    Path scratch = scratchOf(instance);
    // what the killed instance left: a batch folder with a candidate's adapter copied into it, by
    // a process that is gone (no process id is this large) and by one of this process's id
    Path ofADeadProcess = plantAdapter(scratch.resolve("999999999").resolve("batch-1"));
    Path ofThisProcessId =
        plantAdapter(
            scratch.resolve(Long.toString(ProcessHandle.current().pid())).resolve("batch-2"));
    try {
      evaluateNothingAs(instance);

      assertThat(ofADeadProcess).as("the adapter a killed evaluator was scoring").doesNotExist();
      assertThat(ofThisProcessId)
          .as("the adapter a killed evaluator of this process id was scoring")
          .doesNotExist();
    } finally {
      Folders.deleteRecursively(scratch);
    }
  }

  /**
   * Two processes of one instance id on one host (test JVMs side by side) never delete each other's
   * batches: a live process's scratch folder is kept.
   */
  @Test
  void anEvaluatorKeepsTheScratchFolderOfALiveProcessOfItsInstanceId() throws IOException {
    String instance = "side-by-side-" + UUID.randomUUID();
    Path scratch = scratchOf(instance);
    long live = ProcessHandle.current().parent().orElseThrow().pid();
    Path ofALiveProcess = plantAdapter(scratch.resolve(Long.toString(live)).resolve("batch-1"));
    try {
      evaluateNothingAs(instance);

      assertThat(ofALiveProcess).as("the adapter a live evaluator is scoring").exists();
    } finally {
      Folders.deleteRecursively(scratch);
    }
  }

  private static Path scratchOf(String instance) {
    return Path.of(System.getProperty("java.io.tmpdir"), "perennial-evaluator")
        .resolve(Folders.safeName(instance));
  }

  private static Path plantAdapter(Path batch) throws IOException {
    Path adapter = batch.resolve(Folders.safeName("acme/support@1-a#candidate"));
    Files.createDirectories(adapter);
    return Files.write(adapter.resolve(PeftAdapter.WEIGHTS_FILE), new byte[] {1, 2, 3});
  }

  /** Builds an evaluator of {@code instance}, as a (re)started service does, and runs a batch. */
  private void evaluateNothingAs(String instance) {
    BaseModel base = TinyModel.open();
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    EvaluationArea area = new EvaluationArea(folder.resolve("evaluations"));
    EvaluationBase evaluationBase =
        new EvaluationBase(base, List.of(), "general:0/0", Map.of(), 15);
    try (BatchScorer scorer =
        new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(32, 8, 128, 34))) {
      new CandidateEvaluator(
              evaluationBase,
              scorer,
              store,
              store.root(),
              new HistoryStore(area),
              new ReportWriter(store, area),
              tenant -> new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 6.0, 10),
              new PairedBootstrap(0.95, 200),
              instance,
              Clock.fixed(Candidates.AT, ZoneOffset.UTC))
          .evaluate(List.of(), EvaluationListener.NONE);
    }
  }

  /** An evaluator on {@code base} with the default thresholds, scoring on the CPU. */
  private CandidateEvaluator evaluatorOn(EvaluationBase base, LocalArtifactStore store) {
    EvaluationArea area = new EvaluationArea(folder.resolve("evaluations"));
    return new CandidateEvaluator(
        base,
        new BatchScorer(base.base(), Device.cpu(), new BatchScorer.Settings(32, 8, 128, 34)),
        store,
        store.root(),
        new HistoryStore(area),
        new ReportWriter(store, area),
        tenant -> new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 6.0, 10),
        new PairedBootstrap(0.95, 200),
        "test",
        Clock.fixed(Candidates.AT, ZoneOffset.UTC));
  }
}
