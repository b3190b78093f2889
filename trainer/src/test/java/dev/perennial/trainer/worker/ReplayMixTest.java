package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.train.TrainingExample;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReplayMixTest {

  private static List<TrainingExample> texts(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> TrainingExample.text(prefix + i)).toList();
  }

  @Test
  void thePoolMixesOwnAndGeneralExamplesAtTheConfiguredShare() {
    ReplayMix.Pool pool = ReplayMix.draw(texts("general ", 100), texts("own ", 100), 0.25, 40, 7);

    assertThat(pool.fromTenant()).isEqualTo(10);
    assertThat(pool.fromGeneral()).isEqualTo(30);
    assertThat(pool.examples()).hasSize(40).doesNotHaveDuplicates();
    assertThat(pool.examples().stream().filter(e -> e.fullText().startsWith("own"))).hasSize(10);
  }

  @Test
  void aSideWithTooFewExamplesLeavesItsPlacesToTheOther() {
    ReplayMix.Pool fewOwn = ReplayMix.draw(texts("general ", 100), texts("own ", 3), 0.5, 20, 7);
    ReplayMix.Pool noGeneral = ReplayMix.draw(List.of(), texts("own ", 100), 0.5, 20, 7);

    assertThat(fewOwn.fromTenant()).isEqualTo(3);
    assertThat(fewOwn.fromGeneral()).isEqualTo(17);
    assertThat(noGeneral.fromTenant()).isEqualTo(20);
  }

  @Test
  void theSameSeedDrawsTheSamePool() {
    assertThat(ReplayMix.draw(texts("g", 50), texts("o", 50), 0.5, 10, 3).examples())
        .isEqualTo(ReplayMix.draw(texts("g", 50), texts("o", 50), 0.5, 10, 3).examples())
        .isNotEqualTo(ReplayMix.draw(texts("g", 50), texts("o", 50), 0.5, 10, 4).examples());
  }
}
