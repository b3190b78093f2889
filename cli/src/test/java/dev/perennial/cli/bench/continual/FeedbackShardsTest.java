package dev.perennial.cli.bench.continual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.model.world.UpdateStream;
import dev.perennial.model.world.World;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.rater.RaterGuard;
import dev.perennial.trainer.rater.RaterGuardSettings;
import dev.perennial.trainer.shard.ExampleContent;
import dev.perennial.trainer.shard.ShardReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feedback bench's data: noisy labels only where the noise share puts them, and held-out pairs
 * that are the truth whatever the noise and never trained.
 */
class FeedbackShardsTest {

  private static final World WORLD = World.standard();
  private static final TrainerConfig DEFAULTS =
      new TrainerConfig(
          Map.of("bootstrap.servers", "127.0.0.1:9", "schema.registry.url", "http://127.0.0.1:9"));
  private static final UpdateStream STREAM =
      UpdateStream.generate(WORLD, List.of("tenant1"), new UpdateStream.Shape(2, 6, 1, 0, 0), 5)
          .get(0);

  @TempDir Path folder;
  private LocalArtifactStore store;
  private FeedbackShards shards;

  @BeforeEach
  void writeShards() {
    store = new LocalArtifactStore(folder);
    shards = FeedbackShards.write(store, WORLD, STREAM, 0.25, 1, 5);
  }

  @Test
  void withoutNoiseEveryTrainedLabelPrefersTheTruth() {
    for (ExampleKind kind :
        List.of(ExampleKind.PREFERENCE, ExampleKind.CORRECTION, ExampleKind.RATING)) {
      FeedbackShards.TrainShard shard = shards.trainShard(1, kind, 0);
      assertThat(shard.flipped()).as("%s", kind).isZero();
      for (TrainingExample example : trained(shard)) {
        assertThat(ExampleContent.problems(example)).isEmpty();
        String right = truth(example.getPrompt());
        if (kind == ExampleKind.RATING) {
          assertThat(example.getCompletion().equals(right)).isEqualTo(example.getDesirable());
        } else {
          assertThat(example.getChosen()).isEqualTo(right);
          assertThat(example.getRejected()).isNotEqualTo(right);
        }
      }
    }
  }

  @Test
  void aNoisyShardFlipsExactlyTheNoiseShareOfItsLabelsAndSaysHowMany() {
    FeedbackShards.TrainShard pairs = shards.trainShard(1, ExampleKind.PREFERENCE, 0.3);
    List<TrainingExample> examples = trained(pairs);
    long wrongChosen =
        examples.stream().filter(e -> !e.getChosen().equals(truth(e.getPrompt()))).count();
    assertThat(wrongChosen).isEqualTo(pairs.flipped());
    // drawn over the trained records alone: exactly 30 % of what trains
    assertThat(pairs.flipped()).isEqualTo(Math.round(0.3 * pairs.items()));

    FeedbackShards.TrainShard ratings = shards.trainShard(1, ExampleKind.RATING, 0.3);
    long wrongRatings =
        trained(ratings).stream()
            .filter(e -> e.getCompletion().equals(truth(e.getPrompt())) != e.getDesirable())
            .count();
    assertThat(wrongRatings).isEqualTo(ratings.flipped());
    assertThat(ratings.flipped()).isEqualTo(Math.round(0.3 * ratings.items()));
    assertThat(ratings.items()).isEqualTo(2 * pairs.items());
  }

  @Test
  void heldOutPairsAreTrueNeverTrainedAndTheSameForEveryKindAndNoise() {
    List<EvalExample> heldOut = shards.heldOutPairs(1);
    assertThat(heldOut).isNotEmpty().allMatch(EvalExample::isPreference);
    Set<String> trainedPrompts = new HashSet<>();
    for (double noise : List.of(0.0, 0.3)) {
      for (ExampleKind kind : List.of(ExampleKind.PREFERENCE, ExampleKind.RATING)) {
        trained(shards.trainShard(1, kind, noise)).forEach(e -> trainedPrompts.add(e.getPrompt()));
        assertThat(shards.update(1, kind, noise).heldOutExamples()).isEqualTo(heldOut);
      }
    }
    for (EvalExample pair : heldOut) {
      assertThat(pair.target()).isEqualTo(truth(pair.prompt()));
      assertThat(pair.rejected()).isNotEqualTo(pair.target());
      assertThat(trainedPrompts).doesNotContain(pair.prompt());
    }
    int questions = STREAM.update(1).feedback().size();
    assertThat(heldOut.size() + shards.trainShard(1, ExampleKind.PREFERENCE, 0).items())
        .isEqualTo(questions);
    assertThat(shards.heldOutPhrasingPairs(1))
        .hasSize(STREAM.update(1).taught().size())
        .allSatisfy(pair -> assertThat(pair.rejected()).isNotEqualTo(pair.target()));
  }

  @Test
  void theLabelCeilingIsTheMajorityOfEachHeldOutFactsTrainedLabels() {
    FeedbackShards.Ceiling noisy = shards.ceiling(1, ExampleKind.PREFERENCE, 0.3);

    assertThat(noisy.heldOutPairs()).isEqualTo(shards.heldOutPairs(1).size());
    assertThat(noisy.heldOut()).isEqualTo(majorities(shards, 0.3));
    assertThat(noisy.heldOutAccuracy()).isLessThan(1);
    // without noise every trained label is true: a fact is a coin only when no phrasing of it
    // is trained (all held out)
    Set<String> taught = new HashSet<>();
    trained(shards.trainShard(1, ExampleKind.PREFERENCE, 0))
        .forEach(pair -> taught.add(fact(pair.getPrompt())));
    double facts = STREAM.update(1).taught().size();
    assertThat(shards.ceiling(1, ExampleKind.PREFERENCE, 0).phrasingAccuracy())
        .isEqualTo((taught.size() + 0.5 * (facts - taught.size())) / facts);
  }

  @Test
  void moreRecordsAQuestionTrainMoreOfTheSameQuestionsWithOneWrongAnswerAFactAndTheSameHeldOut() {
    FeedbackShards three = FeedbackShards.write(store, WORLD, STREAM, 0.25, 3, 5);
    FeedbackShards.TrainShard one = shards.trainShard(1, ExampleKind.PREFERENCE, 0.3);
    FeedbackShards.TrainShard noisy = three.trainShard(1, ExampleKind.PREFERENCE, 0.3);
    List<TrainingExample> pairs = trained(noisy);

    assertThat(noisy.items()).isEqualTo(3 * one.items());
    assertThat(noisy.flipped()).isEqualTo(Math.round(0.3 * noisy.items()));
    assertThat(pairs.stream().map(TrainingExample::getPrompt).distinct())
        .containsExactlyInAnyOrderElementsOf(
            trained(one).stream().map(TrainingExample::getPrompt).toList());
    assertThat(three.heldOutPairs(1)).isEqualTo(shards.heldOutPairs(1));
    // every record of a fact, and its held-out pairs, name the same wrong answer
    Map<String, Set<String>> wrong = new HashMap<>();
    for (TrainingExample pair : pairs) {
      boolean right = pair.getChosen().equals(truth(pair.getPrompt()));
      wrong
          .computeIfAbsent(fact(pair.getPrompt()), k -> new HashSet<>())
          .add(right ? pair.getRejected() : pair.getChosen());
    }
    for (EvalExample pair : three.heldOutPairs(1)) {
      wrong.computeIfAbsent(fact(pair.prompt()), k -> new HashSet<>()).add(pair.rejected());
    }
    wrong.forEach((fact, values) -> assertThat(values).as(fact).hasSize(1));
    assertThat(three.ceiling(1, ExampleKind.PREFERENCE, 0.3).heldOut())
        .isEqualTo(majorities(three, 0.3));
  }

  @Test
  void underTheUserModelEachUserIsASubjectAndTheGuardSetsAsideOnlyTheNoisyOnes() {
    // the stream of the README's bench at seed 1: 12 new entities, 80 trained questions
    UpdateStream bench =
        UpdateStream.generate(WORLD, List.of("tenant1"), new UpdateStream.Shape(1, 12, 1, 0, 0), 1)
            .get(0);
    FeedbackShards byUsers =
        FeedbackShards.write(store, WORLD, bench, 0.25, 5, FeedbackNoiseModel.USERS, 20, 1);
    FeedbackShards.TrainShard noisy = byUsers.trainShard(1, ExampleKind.PREFERENCE, 0.3);
    List<TrainingExample> pairs = trained(noisy);

    assertThat(noisy.noisy())
        .hasSize(6)
        .allSatisfy(p -> assertThat(p).startsWith("p-tenant1-user"));
    assertThat(pairs.stream().filter(p -> noisy.noisy().contains(p.getSubjectPseudonym())))
        .hasSize(noisy.flipped());
    FeedbackShards.GuardCheck check =
        byUsers.guardCheck(1, ExampleKind.PREFERENCE, 0.3, RaterGuardSettings.from(DEFAULTS));
    assertThat(check)
        .isEqualTo(
            new FeedbackShards.GuardCheck(
                19,
                6,
                6,
                6,
                noisy.flipped(),
                byUsers.ceiling(1, ExampleKind.PREFERENCE, 0),
                0,
                0,
                noisy.items() - noisy.flipped()));
    assertThat(byUsers.guardCheck(1, ExampleKind.PREFERENCE, 0, RaterGuardSettings.from(DEFAULTS)))
        .isEqualTo(
            new FeedbackShards.GuardCheck(
                20,
                0,
                0,
                0,
                0,
                byUsers.ceiling(1, ExampleKind.PREFERENCE, 0),
                0,
                0,
                byUsers.trainShard(1, ExampleKind.PREFERENCE, 0).items()));
  }

  @Test
  void underTheRecordModelEveryExampleHasTheTenantsSubjectAndTheGuardComparesNothing() {
    FeedbackShards five = FeedbackShards.write(store, WORLD, STREAM, 0.25, 5, 5);
    FeedbackShards.TrainShard noisy = five.trainShard(1, ExampleKind.PREFERENCE, 0.3);

    assertThat(trained(noisy))
        .allSatisfy(e -> assertThat(e.getSubjectPseudonym()).isEqualTo("p-tenant1"));
    FeedbackShards.GuardCheck check =
        five.guardCheck(1, ExampleKind.PREFERENCE, 0.3, RaterGuardSettings.from(DEFAULTS));

    assertThat(check.compared()).isZero();
    assertThat(check.examplesSetAside()).isZero();
    assertThat(check.kept()).isEqualTo(five.ceiling(1, ExampleKind.PREFERENCE, 0.3));
    assertThat(check.examplesOutvoted()).isZero();
    assertThat(check.flippedTrained()).isEqualTo(noisy.flipped());
  }

  @Test
  void underTheRecordModelTheMajorityVoteLeavesEachQuestionItsMajorityLabelOnly() {
    FeedbackShards five = FeedbackShards.write(store, WORLD, STREAM, 0.25, 5, 5);
    FeedbackShards.TrainShard noisy = five.trainShard(1, ExampleKind.PREFERENCE, 0.3);
    RaterGuardSettings majority = new RaterGuardSettings(true, 0.01, 8, 2, true);

    RaterGuard.Outcome outcome = new RaterGuard(majority).apply(noisy.examples(), List.of());
    FeedbackShards.GuardCheck check = five.guardCheck(1, ExampleKind.PREFERENCE, 0.3, majority);

    // five records a question, so no tie: each question keeps its 3 to 5 majority records
    Map<String, Set<String>> chosenByPrompt = new HashMap<>();
    outcome
        .training()
        .forEach(
            e ->
                chosenByPrompt
                    .computeIfAbsent(e.example().getPrompt(), p -> new HashSet<>())
                    .add(e.example().getChosen()));
    assertThat(chosenByPrompt)
        .hasSize(noisy.items() / 5)
        .allSatisfy((p, c) -> assertThat(c).hasSize(1));
    assertThat(check.examplesOutvoted())
        .isEqualTo(noisy.items() - outcome.training().size())
        .isPositive();
    assertThat(check.trained()).isEqualTo(outcome.training().size());
    // a flipped label trains only where the flips are its question's majority (3 of 5 or more)
    Map<String, Integer> flippedByPrompt = new HashMap<>();
    noisy.examples().stream()
        .filter(e -> noisy.flippedEvents().contains(e.example().getEventId()))
        .forEach(e -> flippedByPrompt.merge(e.example().getPrompt(), 1, Integer::sum));
    assertThat(check.flippedTrained())
        .isEqualTo(flippedByPrompt.values().stream().filter(n -> n >= 3).mapToInt(n -> n).sum())
        .isLessThan(noisy.flipped());
    assertThat(check.examplesSetAside()).isZero();
  }

  @Test
  void aLaterUpdateReplaysTheEarlierShardsOfItsKindAndNoise() {
    TrainingJob job = shards.job(2, ExampleKind.CORRECTION, 0.1);

    assertThat(job.getShards())
        .containsExactly(shards.trainShard(2, ExampleKind.CORRECTION, 0.1).ref());
    assertThat(job.getReplayShards())
        .containsExactly(shards.trainShard(1, ExampleKind.CORRECTION, 0.1).ref());
    assertThat(job.getHeldOutShards()).hasSize(1);
    assertThat(shards.job(2, ExampleKind.CORRECTION, 0.1).getJobId()).isEqualTo(job.getJobId());
    assertThat(shards.job(2, ExampleKind.CORRECTION, 0.3).getJobId()).isNotEqualTo(job.getJobId());
  }

  /**
   * The label ceiling's count from the trained shard's pairs of update 1: per held-out pair, 1
   * where its fact's pairs chose the truth more often than not, 0 where less, 0.5 at a tie.
   */
  private double majorities(FeedbackShards feedback, double noise) {
    Map<String, Integer> votes = new HashMap<>();
    for (TrainingExample pair : trained(feedback.trainShard(1, ExampleKind.PREFERENCE, noise))) {
      votes.merge(
          fact(pair.getPrompt()),
          pair.getChosen().equals(truth(pair.getPrompt())) ? 1 : -1,
          Integer::sum);
    }
    double expected = 0;
    for (EvalExample pair : feedback.heldOutPairs(1)) {
      int vote = votes.getOrDefault(fact(pair.prompt()), 0);
      expected += vote > 0 ? 1 : vote < 0 ? 0 : 0.5;
    }
    return expected;
  }

  private List<TrainingExample> trained(FeedbackShards.TrainShard shard) {
    return ShardReader.read(
            store, Digest.parse(shard.ref().getDigest()), "tenant1", "tenant1/default")
        .trainingExamples();
  }

  /** The fact a feedback question of update 1 asks about, by its prompt. */
  private static String fact(String prompt) {
    return STREAM.update(1).feedback().stream()
        .filter(q -> q.prompt().equals(prompt))
        .findFirst()
        .map(q -> q.fact().key())
        .orElseThrow();
  }

  /** The right answer to a feedback question of update 1, by its prompt. */
  private static String truth(String prompt) {
    return STREAM.update(1).feedback().stream()
        .filter(q -> q.prompt().equals(prompt))
        .findFirst()
        .map(q -> q.completion())
        .orElseThrow();
  }
}
