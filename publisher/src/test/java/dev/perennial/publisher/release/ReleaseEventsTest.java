package dev.perennial.publisher.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.publisher.alias.AliasPolicy;
import dev.perennial.publisher.testing.ReleaseStates;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.ReleaseRef;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReleaseEventsTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final String TOKENIZER = "sha256:" + "ab".repeat(32);

  @Test
  void aReleaseRecordCarriesTheTokenizerEachReleaseWasTrainedWithAndNoneWhereItsManifestHasNone() {
    // v1 from before recipes recorded the tokenizer; v2, trained with TOKENIZER, takes stable
    KeyState state = KeyState.empty(KEY);
    state = AliasPolicy.afterPublish(state, ReleaseStates.release(KEY, 1, "c1", "base"), "stable");
    state =
        AliasPolicy.afterPublish(
            state, ReleaseStates.release(KEY, 2, "c2", "base", TOKENIZER), "canary");

    AdapterRelease promoted =
        ReleaseEvents.record(
            AliasPolicy.promote(state, "stable", 2),
            2,
            ReleaseAction.PROMOTED,
            null,
            Instant.EPOCH);
    AdapterRelease first =
        ReleaseEvents.record(state, 1, ReleaseAction.PUBLISHED, null, Instant.EPOCH);

    assertThat(promoted.getBaseTokenizerDigest()).isEqualTo(TOKENIZER);
    assertThat(promoted.getAliasTargets())
        .extracting(ReleaseRef::getBaseTokenizerDigest)
        .containsExactly(TOKENIZER);
    assertThat(StableRelease.of(promoted).flatMap(StableRelease::tokenizerDigest))
        .contains(TOKENIZER);
    assertThat(first.getBaseTokenizerDigest()).isNull();
    assertThat(first.getAliasTargets())
        .extracting(ref -> ref.getVersion() + "=" + ref.getBaseTokenizerDigest())
        .containsExactlyInAnyOrder("1=null", "2=" + TOKENIZER);
    assertThat(StableRelease.of(first).flatMap(StableRelease::tokenizerDigest)).isEmpty();
  }
}
