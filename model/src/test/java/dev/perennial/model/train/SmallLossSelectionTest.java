package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmallLossSelectionTest {

  @Test
  void leavesOutThePairsOfHighestLatestLossOnceEveryPairWasSeen() {
    // 5 pairs, share 0.3: floor(1.5) = 1 pair of the 5 left out
    SmallLossSelection selection = new SmallLossSelection(5, 0.3);

    // pairs 3 and 4 not seen yet: all kept, whatever their loss
    assertThat(selection.keep(List.of(0, 1, 2), new float[] {0.5f, 0.9f, 0.7f}))
        .containsExactly(1f, 1f, 1f);
    // latest {0.5, 0.9, 0.7, 0.2, 0.6}: the highest, 0.9 (pair 1), is the cut; 3 and 4 are below
    assertThat(selection.keep(List.of(3, 4), new float[] {0.2f, 0.6f})).containsExactly(1f, 1f);
    // pair 1 now 0.4, pair 0 0.95: latest {0.95, 0.4, 0.7, 0.2, 0.6}, cut 0.95: pair 0 left out
    assertThat(selection.keep(List.of(1, 0), new float[] {0.4f, 0.95f})).containsExactly(1f, 0f);
    // pair 2 rises to 0.97 above pair 0's remembered 0.95: the cut follows it
    assertThat(selection.keep(List.of(2), new float[] {0.97f})).containsExactly(0f);
    assertThat(selection.keep(List.of(0), new float[] {0.95f})).containsExactly(1f);
  }

  @Test
  void aShareTooSmallForTheJobsPairsLeavesNoneOut() {
    SmallLossSelection selection = new SmallLossSelection(3, 0.3);

    selection.keep(List.of(0, 1), new float[] {0.1f, 0.2f});
    assertThat(selection.keep(List.of(2), new float[] {9f})).containsExactly(1f);
    assertThatThrownBy(() -> new SmallLossSelection(3, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
