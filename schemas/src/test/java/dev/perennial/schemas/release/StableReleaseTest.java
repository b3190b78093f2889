package dev.perennial.schemas.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.BaseAliases;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.ReleaseRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StableReleaseTest {

  private static AdapterRelease release(Map<String, Integer> aliases, List<Integer> retracted) {
    return AdapterRelease.newBuilder()
        .setAdapterKey("acme/support")
        .setVersion(3)
        .setAction(ReleaseAction.PUBLISHED)
        .setLocation("releases/acme/support/v3")
        .setManifestDigest("m3")
        .setFileDigests(Map.of())
        .setBaseModelName("perennial-tiny")
        .setBaseModelDigest("sha256:base")
        .setCandidateId("c3")
        .setLatestVersion(3)
        .setAliases(aliases)
        .setAliasTargets(
            List.of(
                new ReleaseRef(2, "releases/acme/support/v2", "m2", "sha256:base", "sha256:tok"),
                new ReleaseRef(3, "releases/acme/support/v3", "m3", "sha256:base", null)))
        .setRetractedVersions(retracted)
        .setOccurredAt(Instant.ofEpochMilli(1))
        .build();
  }

  /** v2 stable on perennial-tiny ("base"), v4 stable on its successor ("next"). */
  private static AdapterRelease stableOnTwoBases() {
    return AdapterRelease.newBuilder(release(Map.of("stable", 4), List.of()))
        .setAliasTargets(
            List.of(
                new ReleaseRef(2, "releases/acme/support/v2", "m2", "sha256:base", "sha256:tok"),
                new ReleaseRef(4, "releases/acme/support/v4", "m4", "sha256:next", "sha256:tok")))
        .setBaseAliases(
            List.of(
                new BaseAliases("next", "next", Map.of("stable", 4)),
                new BaseAliases("perennial-tiny", "base", Map.of("stable", 2))))
        .build();
  }

  @Test
  void theStableAliasNamesTheReleaseToContinue() {
    assertThat(StableRelease.of(release(Map.of("stable", 2, "canary", 3), List.of())))
        .contains(
            new StableRelease(2, "releases/acme/support/v2", "m2", "sha256:base", "sha256:tok"));
  }

  @Test
  void theStableReleaseCarriesTheTokenizerItsRecordSaysItWasTrainedWithAndNoneWhenItDoesNot() {
    AdapterRelease onlyTheRecord =
        AdapterRelease.newBuilder(release(Map.of("stable", 3), List.of()))
            .setAliasTargets(List.of())
            .setBaseTokenizerDigest("sha256:" + "ef".repeat(32))
            .build();

    assertThat(StableRelease.of(release(Map.of("stable", 2), List.of())))
        .flatMap(StableRelease::tokenizerDigest)
        .contains("sha256:tok");
    assertThat(StableRelease.of(release(Map.of("stable", 3), List.of())))
        .flatMap(StableRelease::tokenizerDigest)
        .isEmpty();
    assertThat(StableRelease.of(onlyTheRecord))
        .flatMap(StableRelease::tokenizerDigest)
        .contains("sha256:" + "ef".repeat(32));
  }

  @Test
  void tokenizersCompareAsDigestsAndAnUnrecordedOneCannotBeCompared() {
    String hex = "ab".repeat(32);
    StableRelease recorded = new StableRelease(2, "loc", "m2", "base", "sha256:" + hex);
    StableRelease unrecorded = new StableRelease(2, "loc", "m2", "base", null);

    assertThat(recorded.trainedWithOtherTokenizer(hex.toUpperCase(java.util.Locale.ROOT)))
        .contains(false);
    assertThat(recorded.trainedWithOtherTokenizer("sha256:" + "cd".repeat(32))).contains(true);
    assertThat(unrecorded.trainedWithOtherTokenizer("sha256:" + hex)).isEmpty();
  }

  @Test
  void noStableAliasOrARetractedOneMeansAFreshAdapter() {
    assertThat(StableRelease.of(release(Map.of("canary", 3), List.of()))).isEmpty();
    assertThat(StableRelease.of(release(Map.of("stable", 2), List.of(2)))).isEmpty();
  }

  @Test
  void eachBaseHasItsOwnStableAndARecordWithoutBaseAliasesServesOnlyItsOneBase() {
    AdapterRelease legacy = release(Map.of("stable", 2), List.of());
    AdapterRelease perBase = stableOnTwoBases();

    assertThat(StableRelease.of(legacy, "sha256:base").map(StableRelease::version)).contains(2);
    assertThat(StableRelease.of(legacy, "sha256:next")).isEmpty();
    assertThat(StableRelease.of(perBase, "sha256:base").map(StableRelease::version)).contains(2);
    assertThat(StableRelease.of(perBase, "next").map(StableRelease::version)).contains(4);
    assertThat(StableRelease.of(perBase).map(StableRelease::version)).contains(4);
    assertThat(StableRelease.of(perBase, "sha256:other")).isEmpty();
  }

  @Test
  void aReleaseIsTrainedOnABaseWhateverWayItsDigestIsWritten() {
    String hex = "ab".repeat(32);
    StableRelease release = new StableRelease(2, "sha256:" + "cd".repeat(32), "m2", hex, null);

    assertThat(release.trainedOn("sha256:" + hex)).isTrue();
    assertThat(release.trainedOn(hex.toUpperCase(java.util.Locale.ROOT))).isTrue();
    assertThat(release.trainedOn("sha256:" + "ef".repeat(32))).isFalse();
    assertThat(release.trainedOn(null)).isFalse();
  }

  @Test
  void theStableReleasesOnOtherBasesAreWhereAKeyWithoutOneOnThisBaseLives() {
    AdapterRelease legacy = release(Map.of("stable", 2), List.of());
    AdapterRelease perBase = stableOnTwoBases();
    AdapterRelease retractedOnNext =
        AdapterRelease.newBuilder(perBase).setRetractedVersions(List.of(4)).build();

    assertThat(StableRelease.onOtherBases(legacy, "sha256:base")).isEmpty();
    assertThat(StableRelease.onOtherBases(legacy, "sha256:next"))
        .extracting(StableRelease::version)
        .containsExactly(2);
    assertThat(StableRelease.onOtherBases(perBase, "sha256:base"))
        .extracting(StableRelease::version)
        .containsExactly(4);
    assertThat(StableRelease.onOtherBases(perBase, "sha256:other"))
        .extracting(StableRelease::version)
        .containsExactlyInAnyOrder(2, 4);
    assertThat(StableRelease.onOtherBases(retractedOnNext, "sha256:base")).isEmpty();
  }

  @Test
  void updatesContinueTheStableReleaseWhileErasureRebaseAndImportJobsChooseTheirOwnStart() {
    assertThat(JobTrigger.values())
        .filteredOn(StableRelease::isContinuedBy)
        .containsExactlyInAnyOrder(
            JobTrigger.MIN_EXAMPLES,
            JobTrigger.MIN_TOKENS,
            JobTrigger.MAX_WAIT,
            JobTrigger.MANUAL,
            JobTrigger.UNKNOWN);
  }
}
