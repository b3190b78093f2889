package dev.perennial.trainer.worker;

import static dev.perennial.trainer.testing.Examples.at;
import static dev.perennial.trainer.testing.Examples.correction;
import static dev.perennial.trainer.testing.Examples.preference;
import static dev.perennial.trainer.testing.Examples.rating;
import static dev.perennial.trainer.testing.Examples.sft;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.score.Scorer;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ReferenceKind;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.ShardEntry;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import dev.perennial.trainer.shard.SourcedExample;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs of feedback through the worker's trainer (issue 14): preference pairs trained by DPO against
 * the base for a first adapter, ratings (KTO) and corrections (pair plus SFT) against the key's
 * stable release, on the test base, CPU.
 */
class FeedbackJobTest {

  private static final String KEY = "acme/support";
  private static final String[] COLOURS = {
    " teal", " amber", " olive", " coral", " ivory", " plum"
  };

  @TempDir Path folder;

  private LocalArtifactStore store;
  private JobTrainer trainer;

  @BeforeEach
  void setUp() {
    trainer = trainer(Map.of());
  }

  /** The tiny recipe of these jobs, with {@code more} settings. */
  private JobTrainer trainer(Map<String, String> more) {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    // each step all the job's own rows, no replay: the objectives alone move the adapter
    values.put(TrainerConfig.REPLAY_FRACTION_CONFIG, "0");
    values.put(TrainerConfig.RECIPE_BATCH_SIZE_CONFIG, "6");
    values.put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "12");
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "12");
    values.put(TrainerConfig.RECIPE_LEARNING_RATE_CONFIG, "0.01");
    // the objectives alone, without the feedback-only profile's RPO term (bench feedback measures
    // the profile); its beta (0.1) stays
    values.put(TrainerConfig.RECIPE_FEEDBACK_ONLY_SFT_WEIGHT_CONFIG, "0");
    values.putAll(more);
    TrainerConfig config = new TrainerConfig(values);
    store = new LocalArtifactStore(config.artifactStorePath());
    return JobTrainer.from(config, store, DeviceChoice.CPU);
  }

  private static String prompt(int i) {
    return "Question: What colour is Zix lamp " + i + "?\nAnswer:";
  }

  @Test
  void aJobOfPreferencePairsTrainsByDpoAgainstTheBaseAndRaisesTheChosenOverRejectedMargin() {
    List<SourcedExample> pairs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      pairs.add(at(0, i, preference(KEY, "p-" + i, prompt(i), COLOURS[i], " grey")));
    }

    AdapterCandidate candidate = train("acme/support@1-abc", pairs, Optional.empty());

    assertThat(candidate.getLineage().getReference().getKind()).isEqualTo(ReferenceKind.BASE);
    assertThat(candidate.getLineage().getReference().getRelease()).isNull();
    assertThat(candidate.getExampleCount()).isEqualTo(6);
    assertThat(candidate.getRecipe().getExtras())
        .containsEntry("reference", "base")
        .containsEntry("preferenceLoss", "dpo")
        // feedback alone: the feedback-only profile's beta and RPO weight
        .containsEntry("feedbackProfile", "feedback-only")
        .containsEntry("preferenceBeta", "0.1")
        .containsEntry("preferenceSftWeight", "0.0")
        .containsEntry("feedback.preference", "6")
        .containsEntry("feedback.rating", "0")
        // scored once before training: each pair's two answers, not once per step
        .containsEntry("referenceRows", "12");
    assertThat(candidate.getMetrics().getSteps()).isEqualTo(12);
    // every subject alone on its pair: the rater guard compared nobody
    assertThat(candidate.getRaterGuard().getSubjectsCompared()).isZero();
    assertThat(candidate.getRaterGuard().getExamplesSetAside()).isZero();
    List<TrainingExample> chosen = new ArrayList<>();
    List<TrainingExample> rejected = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      chosen.add(TrainingExample.completion(prompt(i), COLOURS[i]));
      rejected.add(TrainingExample.completion(prompt(i), " grey"));
    }
    double[] margins = margins(candidate, null, chosen, rejected);
    assertThat(Arrays.stream(margins).min().orElseThrow()).isPositive();
    assertThat(Arrays.stream(margins).average().orElseThrow()).isGreaterThan(0.5);
  }

  @Test
  void aSubjectWhoContradictsTheOthersOnEveryPairDoesNotTrainAndTheCandidateCountsIt() {
    List<SourcedExample> pairs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      for (String subject : List.of("p-a", "p-b", "p-c")) {
        pairs.add(
            at(0, pairs.size(), preference(KEY, subject, prompt(i), COLOURS[i % 6], " grey")));
      }
      pairs.add(at(0, pairs.size(), preference(KEY, "p-d", prompt(i), " grey", COLOURS[i % 6])));
    }

    AdapterCandidate candidate = train("acme/support@1-abc", pairs, Optional.empty());

    // p-d disagrees with the three others on all 8 pairs (P = 1/256 <= 0.01): its 8 pairs left out
    assertThat(candidate.getExampleCount()).isEqualTo(24);
    assertThat(candidate.getRecipe().getExtras()).containsEntry("feedback.preference", "24");
    assertThat(candidate.getRaterGuard().getSubjectsCompared()).isEqualTo(4);
    assertThat(candidate.getRaterGuard().getSubjectsSetAside()).isEqualTo(1);
    assertThat(candidate.getRaterGuard().getExamplesSetAside()).isEqualTo(8);
    assertThat(candidate.getRaterGuard().getAlpha()).isEqualTo(0.01);
  }

  @Test
  void withTheMajorityVoteALoneSubjectsMinorityLabelsDoNotTrainAndTheCandidateCountsThem() {
    trainer = trainer(Map.of(TrainerConfig.RECIPE_RATER_GUARD_MAJORITY_VOTE_CONFIG, "true"));
    List<SourcedExample> pairs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      // one pseudonym, as per-record noise arrives: two right records and one flipped a question
      pairs.add(at(0, pairs.size(), preference(KEY, "p-tenant", prompt(i), COLOURS[i], " grey")));
      pairs.add(at(0, pairs.size(), preference(KEY, "p-tenant", prompt(i), COLOURS[i], " grey")));
      pairs.add(at(0, pairs.size(), preference(KEY, "p-tenant", prompt(i), " grey", COLOURS[i])));
    }

    AdapterCandidate candidate = train("acme/support@1-abc", pairs, Optional.empty());

    assertThat(candidate.getExampleCount()).isEqualTo(12);
    assertThat(candidate.getRecipe().getExtras()).containsEntry("feedback.preference", "12");
    assertThat(candidate.getRaterGuard().getSubjectsCompared()).isZero();
    assertThat(candidate.getRaterGuard().getMajorityVote()).isTrue();
    assertThat(candidate.getRaterGuard().getExamplesOutvoted()).isEqualTo(6);
  }

  @Test
  void aJobWithDocumentsAndPairsTrainsByTheRecipeKeysAsConfigured() {
    List<SourcedExample> mixed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      mixed.add(at(0, 2 * i, preference(KEY, "p-" + i, prompt(i), COLOURS[i], " grey")));
      mixed.add(at(0, 2 * i + 1, sft(KEY, "p-" + i, prompt(i + 3), COLOURS[i + 3])));
    }

    AdapterCandidate candidate = train("acme/support@1-abc", mixed, Optional.empty());

    assertThat(candidate.getRecipe().getExtras())
        .containsEntry("feedbackProfile", "mixed")
        .containsEntry("preferenceBeta", "0.5")
        .containsEntry("replayKlWeight", "0.0")
        .containsEntry("feedback.preference", "3");
  }

  @Test
  void aRecipeOfSftTrainsFeedbackByItsGoodAnswerAloneWithoutAReference() {
    // no example set aside for early stopping: patience longer than the job
    trainer =
        trainer(
            Map.of(
                TrainerConfig.RECIPE_FEEDBACK_OBJECTIVE_CONFIG,
                "sft",
                TrainerConfig.RECIPE_EARLY_STOPPING_PATIENCE_CONFIG,
                "20"));
    List<SourcedExample> feedback = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      feedback.add(at(0, 2 * i, preference(KEY, "p-" + i, prompt(i), COLOURS[i], " grey")));
      feedback.add(at(0, 2 * i + 1, rating(KEY, "p-" + i, prompt(i), " black", false)));
    }

    AdapterCandidate candidate = train("acme/support@1-abc", feedback, Optional.empty());

    // the undesirable ratings have no good answer: three examples, the pairs' chosen answers
    assertThat(candidate.getExampleCount()).isEqualTo(3);
    assertThat(candidate.getLineage().getReference()).isNull();
    assertThat(candidate.getRecipe().getExtras())
        .containsEntry("feedbackObjective", "sft")
        .doesNotContainKeys("reference", "preferenceLoss");
    List<TrainingExample> chosen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      chosen.add(TrainingExample.completion(prompt(i), COLOURS[i]));
    }
    List<ExampleScore> trained = score(candidate, chosen);
    List<ExampleScore> base = score(null, chosen);
    for (int i = 0; i < 3; i++) {
      assertThat(trained.get(i).logLikelihood()).isGreaterThan(base.get(i).logLikelihood());
    }
  }

  @Test
  void ratingsAndCorrectionsTrainAgainstTheKeysStableRelease() {
    // both jobs are feedback alone: pair beta 0.1 (the feedback-only profile's; at the mixed jobs'
    // 0.5 these 12 steps leave one rating's margin at -0.003 nats, a tie that says nothing about
    // the reference, which is what this test is about)
    List<SourcedExample> first = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      first.add(at(0, i, preference(KEY, "p-" + i, prompt(i), COLOURS[i], " grey")));
    }
    AdapterCandidate v1 = train("acme/support@1-abc", first, Optional.empty());
    StableRelease stable =
        new StableRelease(
            1,
            v1.getLocation(),
            "manifest",
            Digest.parse(v1.getBaseModelDigest()).hex(),
            v1.getRecipe().getExtras().get(BaseModelSource.TOKENIZER_DIGEST));
    List<SourcedExample> feedback = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      feedback.add(at(0, 10 + 3 * i, rating(KEY, "p-" + i, prompt(i), COLOURS[i], true)));
      feedback.add(at(0, 11 + 3 * i, rating(KEY, "p-" + i, prompt(i), " black", false)));
      feedback.add(
          at(0, 12 + 3 * i, correction(KEY, "p-" + i, prompt(i + 2), COLOURS[i + 2], " pink")));
    }

    AdapterCandidate v2 = train("acme/support@2-def", feedback, Optional.of(stable));

    assertThat(v2.getParentVersion()).isEqualTo(1);
    assertThat(v2.getLineage().getReference().getKind()).isEqualTo(ReferenceKind.INCUMBENT);
    assertThat(v2.getLineage().getReference().getRelease().getVersion()).isEqualTo(1);
    assertThat(v2.getLineage().getReference().getRelease().getLocation())
        .isEqualTo(v1.getLocation());
    assertThat(v2.getRecipe().getExtras())
        .containsEntry("reference", "v1")
        .containsEntry("feedback.rating", "4")
        .containsEntry("feedback.correction", "2")
        .containsEntry("correctionSftWeight", "1.0")
        // ratings: answer and mismatched row; corrections: both answers
        .containsEntry("referenceRows", "12");
    assertThat(v2.getMetrics().getLossCurve()).allSatisfy(loss -> assertThat(loss).isFinite());
    // against the incumbent: the corrections are preferred over the originals, and the desirable
    // answers gained on the undesirable ones
    double[] corrections =
        margins(
            v2,
            v1,
            List.of(
                TrainingExample.completion(prompt(2), COLOURS[2]),
                TrainingExample.completion(prompt(3), COLOURS[3])),
            List.of(
                TrainingExample.completion(prompt(2), " pink"),
                TrainingExample.completion(prompt(3), " pink")));
    assertThat(Arrays.stream(corrections).min().orElseThrow()).isPositive();
    double[] ratings =
        margins(
            v2,
            v1,
            List.of(
                TrainingExample.completion(prompt(0), COLOURS[0]),
                TrainingExample.completion(prompt(1), COLOURS[1])),
            List.of(
                TrainingExample.completion(prompt(0), " black"),
                TrainingExample.completion(prompt(1), " black")));
    assertThat(Arrays.stream(ratings).min().orElseThrow()).isPositive();
  }

  private AdapterCandidate train(
      String jobId, List<SourcedExample> examples, Optional<StableRelease> stable) {
    Shard shard = new Shard(AdapterKey.parse(KEY).tenant(), KEY, ShardSplit.TRAIN, null, examples);
    ShardRef ref = ShardEntry.of(ShardWriter.write(store, shard).hex(), shard, "job").toShardRef();
    TrainingJob job =
        TrainingJob.newBuilder()
            .setJobId(jobId)
            .setAdapterKey(KEY)
            .setTenant("acme")
            .setTrigger(JobTrigger.MIN_EXAMPLES)
            .setShards(List.of(ref))
            .setHeldOutShards(List.of())
            .setReplayShards(List.of())
            .setCreatedAt(Instant.ofEpochMilli(1))
            .build();
    return trainer.train(job, stable, StepListener.NONE).candidate();
  }

  /**
   * Per pair, {@code (log pi(chosen) - log ref(chosen)) - (log pi(rejected) - log ref(rejected))}
   * with the candidate as pi and {@code reference} (the base alone when null) as ref.
   */
  private double[] margins(
      AdapterCandidate candidate,
      AdapterCandidate reference,
      List<TrainingExample> chosen,
      List<TrainingExample> rejected) {
    double[] policy = difference(score(candidate, chosen), score(candidate, rejected));
    double[] before = difference(score(reference, chosen), score(reference, rejected));
    double[] margins = new double[policy.length];
    for (int i = 0; i < margins.length; i++) {
      margins[i] = policy[i] - before[i];
    }
    return margins;
  }

  private List<ExampleScore> score(AdapterCandidate candidate, List<TrainingExample> examples) {
    if (candidate == null) {
      try (LanguageModel base = LanguageModel.load(trainer.base(), Device.cpu())) {
        return Scorer.score(base, examples, 8, 64);
      }
    }
    Path into = folder.resolve("read-" + Math.abs(candidate.getJobId().hashCode()));
    PeftAdapter adapter =
        PeftAdapter.read(FolderIndex.materialize(store, folder, candidate.getLocation(), into));
    try (LanguageModel model =
        LanguageModel.loadAdapter(trainer.base(), Device.cpu(), adapter, false)) {
      return Scorer.score(model, examples, 8, 64);
    }
  }

  private static double[] difference(List<ExampleScore> a, List<ExampleScore> b) {
    double[] difference = new double[a.size()];
    for (int i = 0; i < difference.length; i++) {
      difference[i] = a.get(i).logLikelihood() - b.get(i).logLikelihood();
    }
    return difference;
  }
}
