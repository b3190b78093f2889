package dev.perennial.trainer.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReplayHoldOutTest {

  // a pool as ReplayMix draws it: the key's own earlier examples first, then general ones
  private static final List<String> POOL =
      IntStream.range(0, 100).mapToObj(i -> (i < 30 ? "own-" : "general-") + i).toList();

  @Test
  void heldOutSampleIsDisjointFromWhatTrialsTrainOnAndMixesThePool() {
    ReplayHoldOut<String> split = ReplayHoldOut.of(POOL, 64);

    assertThat(split.heldOut()).hasSize(25).doesNotContainAnyElementsOf(split.training());
    assertThat(split.training()).hasSize(75);
    Set<String> union = new HashSet<>(split.training());
    union.addAll(split.heldOut());
    assertThat(union).containsExactlyInAnyOrderElementsOf(POOL);
    assertThat(split.heldOut()).anyMatch(e -> e.startsWith("own-"));
    assertThat(split.heldOut()).anyMatch(e -> e.startsWith("general-"));
    assertThat(ReplayHoldOut.of(POOL, 8).heldOut()).hasSize(8);
    assertThat(ReplayHoldOut.of(List.of("a", "b", "c"), 64).heldOut()).containsExactly("c");
    assertThat(ReplayHoldOut.of(List.of("a"), 64).heldOut()).isEmpty();
  }

  @Test
  void trialThatForgetsTheUnseenSampleRanksBelowOneThatKeepsIt() {
    ReplayHoldOut<String> split = ReplayHoldOut.of(POOL, 64);
    Set<String> rehearsed = Set.copyOf(split.training());
    // every example starts at 2.0 nats; "rehearser" learns the job a little faster and drives the
    // loss of the replay it trains on down, but loses what it does not rehearse; "keeper" keeps
    ToDoubleFunction<String> before = e -> 2.0;
    ToDoubleFunction<String> rehearser = e -> rehearsed.contains(e) ? 1.8 : 2.3;
    ToDoubleFunction<String> keeper = e -> rehearsed.contains(e) ? 1.95 : 2.0;

    List<String> ranked =
        List.of(
                new Named("rehearser", score(0.12, split.heldOut(), before, rehearser)),
                new Named("keeper", score(0.10, split.heldOut(), before, keeper)))
            .stream()
            .sorted((a, b) -> TrialScore.BEST_FIRST.compare(a.score(), b.score()))
            .map(Named::name)
            .toList();
    assertThat(ranked).containsExactly("keeper", "rehearser");

    // measured on the replay the trials train on, the rehearser would have won
    assertThat(score(0.12, split.training(), before, rehearser).netGain())
        .isGreaterThan(score(0.10, split.training(), before, keeper).netGain());
  }

  private record Named(String name, TrialScore score) {}

  private static TrialScore score(
      double learnt,
      List<String> sample,
      ToDoubleFunction<String> before,
      ToDoubleFunction<String> after) {
    return TrialScore.measured(learnt, mean(sample, after) - mean(sample, before));
  }

  private static double mean(List<String> sample, ToDoubleFunction<String> loss) {
    return sample.stream().mapToDouble(loss).average().orElseThrow();
  }
}
