package dev.perennial.publisher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.alias.AliasChangeRefusedException;
import dev.perennial.publisher.alias.AliasPolicy;
import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.report.ReleaseTable;
import dev.perennial.publisher.testing.ReleaseStates;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.ReleaseAction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 section 3: a key's releases on two bases. Versions are numbered per key; aliases are per
 * key and base, so servers on the old base keep resolving the old release.
 */
class PerBaseAliasesTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final AdapterKey OTHER = AdapterKey.parse("acme/other");
  private static final TenantPolicy AUTO = new TenantPolicy(true, RetractionPolicy.REPLACEMENT);
  private static final Digest OLD = ReleaseStates.digest("perennial-tiny");
  private static final Digest NEW = ReleaseStates.digest("perennial-tiny-2");

  /** v1 and v2 on the old base (stable v2), then v3 rebased onto the new base. */
  private static KeyState upgraded() {
    KeyState state = KeyState.empty(KEY);
    state = publish(state, 1, "perennial-tiny", null);
    state = publish(state, 2, "perennial-tiny", 1);
    return publish(state, 3, "perennial-tiny-2", 2);
  }

  private static KeyState publish(KeyState state, int version, String base, Integer against) {
    StoredRelease release = ReleaseStates.release(state.key(), version, "cand-v" + version, base);
    String alias =
        AliasPolicy.forNewRelease(state, release.manifest().baseModelDigest(), against, AUTO)
            .alias();
    return AliasPolicy.afterPublish(state, release, alias);
  }

  @Test
  void aRebasedReleaseTakesStableOnItsBaseAndTheOldBaseKeepsItsOwn() {
    KeyState state = upgraded();

    assertThat(state.aliases(NEW)).containsExactlyEntriesOf(Map.of("stable", 3));
    assertThat(state.aliases(OLD)).containsExactlyEntriesOf(Map.of("stable", 2));
    assertThat(state.newestBase()).contains(NEW);
    assertThat(state.aliases()).containsEntry("stable", 3);
    assertThat(state.bases()).containsExactly(NEW, OLD);
    // a release a worker still on the old base publishes moves the old base's stable only
    KeyState later = publish(state, 4, "perennial-tiny", 2);
    assertThat(later.aliases(OLD)).containsEntry("stable", 4);
    assertThat(later.aliases(NEW)).containsEntry("stable", 3);
    assertThat(later.newestBase()).contains(NEW);
  }

  @Test
  void aKeyReBasedBackOntoItsOldBaseHasThatBaseAsItsNewestAgain() {
    KeyState state = upgraded();
    // the platform went back: v3 re-based onto the old base as v4, which takes its stable
    StoredRelease back = rebased(ReleaseStates.release(KEY, 4, "cand-v4", "perennial-tiny"));
    state =
        AliasPolicy.afterPublish(
            state, back, AliasPolicy.forNewRelease(state, OLD, 2, AUTO).alias());

    assertThat(state.aliases(OLD)).containsEntry("stable", 4);
    assertThat(state.newestBase()).contains(OLD);
    assertThat(state.bases()).containsExactly(OLD, NEW);
    assertThat(state.aliases()).containsEntry("stable", 4);
  }

  /**
   * The release as the publisher writes one of a REBASE candidate (its trigger in the manifest).
   */
  private static StoredRelease rebased(StoredRelease release) {
    ObjectNode tree = release.manifest().tree().deepCopy();
    ((ObjectNode) tree.get("candidate")).put("trigger", "REBASE");
    return new StoredRelease(
        release.key(), release.version(), release.folder(), ReleaseManifest.of(tree));
  }

  @Test
  void aRebasedReleaseComparedWithAnOldStableThatHasSinceMovedWaitsOnCanary() {
    KeyState state = KeyState.empty(KEY);
    state = publish(state, 1, "perennial-tiny", null);
    state = publish(state, 2, "perennial-tiny", 1);

    AliasPolicy.NewReleaseAlias rebasedAgainstV1 = AliasPolicy.forNewRelease(state, NEW, 1, AUTO);

    assertThat(rebasedAgainstV1.alias()).isEqualTo("canary");
    assertThat(AliasPolicy.forNewRelease(state, NEW, 2, AUTO).alias()).isEqualTo("stable");
  }

  @Test
  void promoteRollbackAndRetractionMoveOnlyTheAliasesOfTheVersionsBase() {
    KeyState state = upgraded();

    KeyState rolledBack = AliasPolicy.rollback(state, "stable", 1);
    assertThat(rolledBack.aliases(OLD)).containsEntry("stable", 1);
    assertThat(rolledBack.aliases(NEW)).containsEntry("stable", 3);
    assertThatThrownBy(() -> AliasPolicy.rollback(state, "canary", 3))
        .isInstanceOf(AliasChangeRefusedException.class)
        .hasMessageContaining("no alias canary on v3's base perennial-tiny-2");
    KeyState promoted = AliasPolicy.promote(state, "canary", 1);
    assertThat(promoted.aliases(OLD)).containsEntry("canary", 1).containsEntry("stable", 2);
    assertThat(promoted.aliases(NEW)).doesNotContainKey("canary");

    KeyState retracted = AliasPolicy.afterRetraction(state, 3);
    assertThat(retracted.aliases(NEW)).isEmpty();
    assertThat(retracted.aliases(OLD)).containsEntry("stable", 2);
    assertThat(retracted.newestBase()).contains(OLD);
  }

  @Test
  void theReleaseRecordCarriesEveryBasesAliasesAndRebuildsToTheSameState() {
    KeyState state = upgraded();

    AdapterRelease record =
        ReleaseEvents.record(state, 3, ReleaseAction.PUBLISHED, null, Instant.EPOCH);

    assertThat(record.getAliases()).containsExactlyEntriesOf(Map.of("stable", 3));
    assertThat(record.getBaseAliases())
        .extracting(b -> b.getBaseModelName() + "=" + b.getAliases())
        .containsExactly("perennial-tiny-2={stable=3}", "perennial-tiny={stable=2}");
    assertThat(StableRelease.of(record, OLD.toString()).map(StableRelease::version)).contains(2);
    assertThat(StableRelease.of(record, NEW.hex()).map(StableRelease::version)).contains(3);
    ReleaseArea.Scan scan =
        new ReleaseArea.Scan(
            new TreeMap<>(Map.of(KEY, new TreeMap<>(state.releases()))),
            new TreeMap<>(Map.of(KEY, 3)),
            List.of(),
            List.of());
    KeyState rebuilt =
        RegistryRebuild.rebuild(scan, Map.of(KEY.toString(), record)).registry().get(KEY);
    assertThat(rebuilt.baseAliases()).isEqualTo(state.baseAliases());
  }

  @Test
  void theReleaseTableListsTheNewestBaseUnlessAskedForAnother() {
    ReleaseRegistry registry = ReleaseRegistry.empty().with(upgraded());

    String newest = ReleaseTable.render(registry);
    String old = ReleaseTable.render(registry, BaseChoice.parse("perennial-tiny"));
    String all = ReleaseTable.render(registry, BaseChoice.parse("all"));

    assertThat(newest).contains("v3").doesNotContain("v2").contains("perennial-tiny-2");
    assertThat(old).contains("v2", "v1").doesNotContain("v3");
    assertThat(all.lines()).hasSize(4);
    assertThatThrownBy(() -> ReleaseTable.render(registry, BaseChoice.parse("llama")))
        .hasMessageContaining(
            "no key has a release on base llama; acme/support has perennial-tiny-2 (sha256:");
  }

  @Test
  void aKeyNotYetReBasedIsListedOnTheNewBaseWithWhereItsStableIs() {
    KeyState waiting =
        publish(publish(KeyState.empty(OTHER), 1, "perennial-tiny", null), 2, "perennial-tiny", 1);
    ReleaseRegistry registry = ReleaseRegistry.empty().with(upgraded()).with(waiting);

    String onNew = ReleaseTable.render(registry, BaseChoice.parse("perennial-tiny-2"));

    assertThat(onNew.lines())
        .hasSize(3)
        .anySatisfy(line -> assertThat(line).startsWith("acme/support").contains("v3"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("acme/other")
                    .contains("not on this base: stable v2 on perennial-tiny"));
  }
}
