package dev.perennial.evaluator.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.testing.TestAdapters;
import dev.perennial.model.ModelException;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.TenantKnowledge;
import dev.perennial.model.world.World;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batched scoring of several adapters (small workloads in shared multi-adapter passes, large ones
 * adapter by adapter) gives what scoring every workload on its own adapter gives, and a workload
 * computed once is taken from the cache.
 */
class BatchScorerTest {

  @TempDir static Path folder;

  private static BaseModel base;
  private static Map<ModelRef, PeftAdapter> adapters;
  private static ModelRef first;
  private static ModelRef second;
  private static List<EvalExample> questions;
  private static List<EvalExample> texts;

  @BeforeAll
  static void trainTwoAdapters() {
    ModelRuntime.setThreads(1);
    JniUtils.setGradMode(false);
    base = TinyModel.open();
    TenantKnowledge acme = World.standard().tenant("acme");
    List<TrainingExample> training =
        acme.feedback().stream()
            .map(q -> TrainingExample.completion(q.prompt(), q.completion()))
            .toList();
    first = ModelRef.adapter("first");
    second = ModelRef.adapter("second");
    adapters =
        Map.of(
            first,
            PeftAdapter.read(
                TestAdapters.train(base, training, List.of(), 3, 1e-2, folder.resolve("a"))),
            second,
            PeftAdapter.read(
                TestAdapters.train(base, training, List.of(), 3, 3e-2, folder.resolve("b"))));
    questions = new ArrayList<>();
    for (QaPair pair : acme.heldOutQuestions().subList(0, 6)) {
      questions.add(EvalExample.question(pair.prompt(), pair.completion()));
    }
    texts = acme.heldOutTexts().stream().map(EvalExample::text).toList();
  }

  private static List<Workload> workloads() {
    List<Workload> workloads = new ArrayList<>();
    for (ModelRef model : List.of(first, second, ModelRef.BASE)) {
      workloads.add(Workload.score(model, "questions", questions));
      workloads.add(Workload.answer(model, "questions:qa", questions));
      workloads.add(Workload.score(model, "texts", texts));
    }
    return workloads;
  }

  @Test
  void sharedMultiAdapterPassesGiveWhatAdapterByAdapterPassesGive() {
    Results batched;
    Results alone;
    BatchScorer shared =
        new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(8, 6, 128, 34));
    BatchScorer single =
        new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(8, 0, 128, 34));
    try (shared;
        single) {
      batched = shared.run(workloads(), adapters);
      alone = single.run(workloads(), adapters);
      assertThat(shared.stats().sharedRows()).isEqualTo(2 * 12);
      assertThat(shared.stats().singleRows()).isEqualTo(2 * texts.size());
      assertThat(single.stats().sharedRows()).isZero();
    }

    for (Workload workload : workloads()) {
      if (workload.kind() == Workload.Kind.ANSWER) {
        assertThat(batched.answers(workload)).isEqualTo(alone.answers(workload));
        continue;
      }
      List<ExampleScore> expected = alone.scores(workload);
      List<ExampleScore> actual = batched.scores(workload);
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < actual.size(); i++) {
        assertThat(actual.get(i).tokens()).isEqualTo(expected.get(i).tokens());
        assertThat(actual.get(i).meanLoss())
            .isCloseTo(expected.get(i).meanLoss(), Offset.offset(1e-4));
      }
    }
  }

  /**
   * A candidate's figures must not depend on which other candidates its batch happened to hold (how
   * many waited is a matter of timing): its scores in a batch of its own and beside another
   * adapter's rows are bit-identical, under the evaluator's default settings. Measured before the
   * fix: one row each (the shared passes gathered them, alone grouped) and 16 rows beside 1 (alone
   * merged into the base weights, beside the other at a mean of 8.5 rows grouped) each moved the
   * log-likelihood in the 7th digit.
   */
  @Test
  void anAdaptersScoresInSharedPassesAreTheSameWhateverOtherAdaptersTheBatchHolds() {
    List<EvalExample> many = new ArrayList<>(questions);
    for (QaPair pair : World.standard().tenant("acme").feedback().subList(0, 10)) {
      many.add(EvalExample.question(pair.prompt(), pair.completion()));
    }
    // one row each: a batch of two adapters with one row each
    assertSameScoresAloneAndBeside(
        List.of(Workload.score(first, "one", many.subList(0, 1))),
        List.of(Workload.score(second, "one", many.subList(1, 2))));
    // 16 rows in two workloads of 8 (each within batch.max.rows.per.adapter) beside one row
    assertSameScoresAloneAndBeside(
        List.of(
            Workload.score(first, "a", many.subList(0, 8)),
            Workload.score(first, "b", many.subList(8, 16))),
        List.of(Workload.score(second, "c", many.subList(0, 1))));
  }

  private static void assertSameScoresAloneAndBeside(List<Workload> mine, List<Workload> others) {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "127.0.0.1:9092");
    values.put("schema.registry.url", "http://127.0.0.1:8081");
    BatchScorer.Settings settings = BatchScorer.Settings.from(new EvaluatorConfig(values));
    List<Workload> together = new ArrayList<>(mine);
    together.addAll(others);
    Results alone;
    Results beside;
    try (BatchScorer scorer = new BatchScorer(base, Device.cpu(), settings)) {
      alone = scorer.run(mine, adapters);
    }
    try (BatchScorer scorer = new BatchScorer(base, Device.cpu(), settings)) {
      beside = scorer.run(together, adapters);
    }
    for (Workload workload : mine) {
      assertThat(beside.scores(workload))
          .as("%s beside %s", workload.key(), others.stream().map(Workload::key).toList())
          .isEqualTo(alone.scores(workload));
    }
  }

  @Test
  void aWorkloadComputedOnceComesFromTheCacheAfterwards() {
    try (BatchScorer scorer =
        new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(8, 6, 128, 34))) {
      Results once = scorer.run(workloads(), adapters);
      long computed =
          scorer.stats().baseRows() + scorer.stats().sharedRows() + scorer.stats().singleRows();

      Results twice = scorer.run(workloads(), adapters);

      assertThat(
              scorer.stats().baseRows() + scorer.stats().sharedRows() + scorer.stats().singleRows())
          .isEqualTo(computed);
      assertThat(scorer.stats().cachedRows()).isEqualTo(computed);
      Workload texts = workloads().get(2);
      assertThat(twice.scores(texts)).isEqualTo(once.scores(texts));
    }
  }

  /**
   * A batch's scoring reports how far it is as its passes finish: rows done out of the batch's
   * rows, a few times a batch (not once per row), all of them by the end.
   */
  @Test
  void aBatchReportsItsRowsDoneAsItsPassesFinish() {
    try (BatchScorer scorer =
        new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(8, 6, 128, 34))) {
      List<ScoringProgress> reported = new ArrayList<>();
      long rows = workloads().stream().mapToLong(Workload::rows).sum();

      scorer.run(workloads(), adapters, reported::add);

      assertThat(reported).hasSizeGreaterThan(1).hasSizeLessThan((int) rows);
      assertThat(reported).extracting(ScoringProgress::totalRows).containsOnly(rows);
      assertThat(reported).extracting(ScoringProgress::rows).isSorted().doesNotHaveDuplicates();
      assertThat(reported.get(reported.size() - 1).rows()).isEqualTo(rows);
      assertThat(reported.get(reported.size() - 1).etaSeconds()).isZero();
    }
  }

  /**
   * Rows a batch does not compute (from the cache, or a second workload of the same key) are not in
   * its rows to do: counted as done at once, they would make the time left look shorter.
   */
  @Test
  void aBatchCountsOnlyTheRowsItComputes() {
    try (BatchScorer scorer =
        new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(8, 6, 128, 34))) {
      List<ScoringProgress> reported = new ArrayList<>();
      List<Workload> twice = new ArrayList<>(workloads());
      twice.addAll(workloads());

      scorer.run(twice, adapters, reported::add);
      scorer.run(workloads(), adapters, reported::add);

      long once = workloads().stream().mapToLong(Workload::rows).sum();
      assertThat(reported).extracting(ScoringProgress::totalRows).containsOnly(once);
    }
  }

  /**
   * The evaluator stops a batch in progress by interrupting its scoring thread (SIGTERM mid-batch:
   * its verdicts would be thrown away, and the pod's grace period is shorter than a large batch).
   */
  @Test
  void aScorerWhoseThreadIsInterruptedStopsInsteadOfScoringEveryRow() {
    try (BatchScorer scorer =
        new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(8, 6, 128, 34))) {
      // the base is loaded before the interrupt: only the passes are left to stop
      scorer.run(
          List.of(Workload.score(ModelRef.BASE, "warm-up", questions.subList(0, 1))), adapters);
      long warmUp = scorer.stats().baseRows();
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> scorer.run(workloads(), adapters))
            .isInstanceOf(ModelException.class)
            .hasMessageContaining("interrupted");
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
      } finally {
        Thread.interrupted();
      }
      assertThat(scorer.stats().baseRows()).isEqualTo(warmUp);
      assertThat(scorer.stats().sharedRows()).isZero();
      assertThat(scorer.stats().singleRows()).isZero();
    }
  }
}
