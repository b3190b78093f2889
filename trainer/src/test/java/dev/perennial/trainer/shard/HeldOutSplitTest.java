package dev.perennial.trainer.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HeldOutSplitTest {

  @Test
  void theSameExampleIdIsAlwaysOnTheSameSide() {
    HeldOutSplit split = new HeldOutSplit(0.5);
    for (int i = 0; i < 100; i++) {
      assertThat(new HeldOutSplit(0.5).isHeldOut("example-" + i))
          .isEqualTo(split.isHeldOut("example-" + i));
    }
  }

  @Test
  void aboutTheConfiguredShareIsHeldOut() {
    HeldOutSplit split = new HeldOutSplit(0.1);
    long heldOut = IntStream.range(0, 10_000).filter(i -> split.isHeldOut("example-" + i)).count();

    assertThat(heldOut).isBetween(900L, 1100L);
  }

  @Test
  void nothingIsHeldOutAtZeroAndAnEntireHoldOutIsRefused() {
    HeldOutSplit none = new HeldOutSplit(0.0);
    assertThat(IntStream.range(0, 1000).noneMatch(i -> none.isHeldOut("e" + i))).isTrue();
    assertThatThrownBy(() -> new HeldOutSplit(1.0)).isInstanceOf(IllegalArgumentException.class);
  }
}
