package dev.perennial.publisher.alias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.testing.ReleaseStates;
import dev.perennial.schemas.key.AdapterKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AliasPolicyTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final TenantPolicy AUTO = new TenantPolicy(true, RetractionPolicy.REPLACEMENT);
  private static final TenantPolicy MANUAL = new TenantPolicy(false, RetractionPolicy.REPLACEMENT);

  @Test
  void aReleaseBecomesStableWhenTheTenantPromotesAutomaticallyElseCanary() {
    AliasPolicy.NewReleaseAlias first =
        AliasPolicy.forNewRelease(KeyState.empty(KEY), ReleaseStates.BASE, null, AUTO);
    KeyState auto =
        AliasPolicy.afterPublish(KeyState.empty(KEY), ReleaseStates.release(KEY, 1), first.alias());
    AliasPolicy.NewReleaseAlias second =
        AliasPolicy.forNewRelease(auto, ReleaseStates.BASE, 1, MANUAL);
    KeyState manual = AliasPolicy.afterPublish(auto, ReleaseStates.release(KEY, 2), second.alias());

    assertThat(first.why()).isEqualTo("tenant promotes automatically");
    assertThat(second.why()).isEqualTo("awaits promotion");
    assertThat(auto.aliases()).containsExactlyEntriesOf(Map.of("stable", 1));
    assertThat(auto.latestVersion()).isEqualTo(1);
    assertThat(manual.aliases()).containsEntry("stable", 1).containsEntry("canary", 2);
    assertThat(manual.latestVersion()).isEqualTo(2);
  }

  @Test
  void aReleaseEvaluatedAgainstAnotherStableThanTodaysWaitsOnCanary() {
    KeyState stableIsV2 = ReleaseStates.published(KEY, 2, AUTO);

    AliasPolicy.NewReleaseAlias againstNothing =
        AliasPolicy.forNewRelease(stableIsV2, ReleaseStates.BASE, null, AUTO);
    AliasPolicy.NewReleaseAlias againstV1 =
        AliasPolicy.forNewRelease(stableIsV2, ReleaseStates.BASE, 1, AUTO);
    AliasPolicy.NewReleaseAlias againstV2 =
        AliasPolicy.forNewRelease(stableIsV2, ReleaseStates.BASE, 2, AUTO);

    assertThat(againstNothing)
        .isEqualTo(
            new AliasPolicy.NewReleaseAlias(
                "canary",
                "evaluated against no incumbent while stable is now v2; awaits promotion"));
    assertThat(againstV1.alias()).isEqualTo("canary");
    assertThat(againstV1.why()).startsWith("evaluated against v1 while stable is now v2");
    assertThat(againstV2.alias()).isEqualTo("stable");
  }

  @Test
  void aReleaseTakesStableWhenTheStableItWasComparedWithHasSinceBeenRetracted() {
    KeyState noStable = AliasPolicy.afterRetraction(ReleaseStates.published(KEY, 1, AUTO), 1);

    assertThat(noStable.aliases()).doesNotContainKey("stable");
    assertThat(AliasPolicy.forNewRelease(noStable, ReleaseStates.BASE, 1, AUTO).alias())
        .isEqualTo("stable");
  }

  @Test
  void promoteMovesAnAliasToAnyPublishedUnretractedVersion() {
    KeyState state = ReleaseStates.published(KEY, 3, MANUAL);

    KeyState promoted = AliasPolicy.promote(state, "stable", 3);

    assertThat(state.aliases()).containsEntry("canary", 3).doesNotContainKey("stable");
    assertThat(promoted.aliases()).containsEntry("stable", 3).containsEntry("canary", 3);
  }

  @Test
  void promoteRefusesUnknownRetractedAndUnchangedTargets() {
    KeyState state = AliasPolicy.afterRetraction(ReleaseStates.published(KEY, 3, AUTO), 2);

    assertThatThrownBy(() -> AliasPolicy.promote(state, "stable", 9))
        .isInstanceOfSatisfying(
            AliasChangeRefusedException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(AliasChangeRefusedException.Reason.UNKNOWN_VERSION))
        .hasMessage("acme/support has no published v9 (latest is v3)");
    assertThatThrownBy(() -> AliasPolicy.promote(state, "stable", 2))
        .hasMessage("acme/support v2 is retracted and is never served");
    assertThatThrownBy(() -> AliasPolicy.promote(state, "stable", 3))
        .hasMessage("acme/support stable already points at v3");
  }

  @Test
  void rollbackMovesAnAliasBackToAnOlderVersionOnly() {
    KeyState state = ReleaseStates.published(KEY, 3, AUTO);

    KeyState rolledBack = AliasPolicy.rollback(state, "stable", 1);

    assertThat(rolledBack.aliases()).containsEntry("stable", 1);
    assertThat(rolledBack.releases()).containsOnlyKeys(1, 2, 3);
    assertThatThrownBy(() -> AliasPolicy.rollback(rolledBack, "stable", 2))
        .isInstanceOfSatisfying(
            AliasChangeRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(AliasChangeRefusedException.Reason.NOT_OLDER));
    assertThatThrownBy(() -> AliasPolicy.rollback(state, "canary", 1))
        .hasMessage("acme/support has no alias canary on v1's base base to roll back");
  }

  @Test
  void anAliasOnARetractedVersionFallsBackToTheNewestOlderServableVersion() {
    KeyState state = AliasPolicy.rollback(ReleaseStates.published(KEY, 3, AUTO), "stable", 2);
    state = AliasPolicy.afterRetraction(state, 1);

    KeyState after = AliasPolicy.afterRetraction(state, 2);

    assertThat(after.retracted()).containsExactly(1, 2);
    assertThat(after.aliases()).doesNotContainKey("stable");
    KeyState withCanary = AliasPolicy.promote(ReleaseStates.published(KEY, 3, AUTO), "canary", 3);
    assertThat(AliasPolicy.afterRetraction(withCanary, 3).aliases())
        .containsEntry("stable", 2)
        .containsEntry("canary", 2);
  }
}
