package dev.perennial.trainer.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WarmStartTest {

  private static final RecipePoint CONFIGURED = RecipePoint.configured(0.8125, 8);
  private static final RecipePoint FAST = new RecipePoint(2, 0.8125, 1, 8);
  private static final RecipePoint MORE_REPLAY = new RecipePoint(1, 0.875, 1, 8);
  private static final RecipePoint WIDE = new RecipePoint(1, 0.8125, 1, 16);

  @Test
  void aKeysSearchStartsFromItsOwnLastWinnerWhateverOtherKeysChose() {
    WarmStart.Centre centre =
        WarmStart.choose(CONFIGURED, Optional.of(MORE_REPLAY), List.of(FAST, FAST, WIDE));

    assertThat(centre).isEqualTo(new WarmStart.Centre(MORE_REPLAY, WarmStart.Origin.KEY));
  }

  @Test
  void aNewKeyStartsFromTheMostCommonWinnerOfOtherKeysTheMostRecentOnATie() {
    assertThat(WarmStart.choose(CONFIGURED, Optional.empty(), List.of(WIDE, FAST, FAST)))
        .isEqualTo(new WarmStart.Centre(FAST, WarmStart.Origin.PRIOR));
    assertThat(WarmStart.choose(CONFIGURED, Optional.empty(), List.of(WIDE, FAST)))
        .as("others most recent first")
        .isEqualTo(new WarmStart.Centre(WIDE, WarmStart.Origin.PRIOR));
    assertThat(WarmStart.choose(CONFIGURED, Optional.empty(), List.of()))
        .isEqualTo(new WarmStart.Centre(CONFIGURED, WarmStart.Origin.CONFIGURED));
  }
}
