package dev.perennial.cli.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KillScheduleTest {

  @Test
  void theSameSeedDrawsTheSameScheduleAndAnotherSeedAnotherOrder() {
    assertThat(KillSchedule.draw(17, 7, 3)).isEqualTo(KillSchedule.draw(17, 7, 3));
    assertThat(KillSchedule.draw(17, 14, 6).kills())
        .isNotEqualTo(KillSchedule.draw(18, 14, 6).kills());
  }

  @Test
  void sevenKillsHitEveryMomentOnceSpreadOverTheRoundsInPipelineOrder() {
    KillSchedule schedule = KillSchedule.draw(5, KillSchedule.Moment.values().length, 3);

    assertThat(schedule.kills())
        .extracting(KillSchedule.Kill::moment)
        .containsExactlyInAnyOrder(KillSchedule.Moment.values());
    for (int round = 0; round < 3; round++) {
      assertThat(schedule.inRound(round)).isNotEmpty();
      assertThat(schedule.inRound(round)).extracting(KillSchedule.Kill::moment).isSorted();
    }
    assertThat(schedule.describe()).startsWith("seed 5, 3 rounds:");
    assertThat(Arrays.stream(KillSchedule.Moment.values()).map(KillSchedule.Moment::stage))
        .contains("broker", "publisher", "trainer worker");
  }

  @Test
  void fewerThanThreeRoundsLeaveNoRoomForTheWorkerToLeaveAndComeBack() {
    assertThatThrownBy(() -> KillSchedule.draw(1, 7, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
