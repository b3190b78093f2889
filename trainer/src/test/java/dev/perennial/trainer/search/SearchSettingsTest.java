package dev.perennial.trainer.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SearchSettingsTest {

  @Test
  void aJobSearchesOnlyWhenEnabledAndWithEnoughValidationExamplesToRankOn() {
    SearchSettings on = new SearchSettings(true, 8, 0.25);

    assertThat(on.applies(8)).isTrue();
    assertThat(on.applies(7)).as("a key with little data").isFalse();
    assertThat(SearchSettings.off().applies(1000)).as("off by default").isFalse();
    assertThat(on.variants())
        .extracting(SearchSettings.Variant::learningRateFactor)
        .containsExactly(0.5, 1.0, 2.0);
  }
}
