package dev.perennial.publisher.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.alias.AliasPolicy;
import dev.perennial.publisher.config.Aliases;
import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.retract.Retractions;
import dev.perennial.publisher.testing.RewrittenManifests;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a quarantined manifest claims (its base, its candidate) steers nothing a restarted publisher
 * decides: where a rebuilt alias lies, which version a candidate's verdict gets, which alias a new
 * release takes, and where an alias falls back when the quarantined release is retracted. Those
 * come from {@code releases.v1} and the releases whose manifest verifies.
 */
class QuarantinedManifestClaimsTest {

  private static final AdapterKey KEY = RewrittenManifests.KEY;
  private static final Digest BASE = Digest.parse("sha256:" + TestVerdicts.BASE_DIGEST);
  private static final Digest FORGED_BASE = Digest.parse("sha256:" + "e".repeat(64));
  private static final Digest NEW_BASE = Digest.parse("sha256:" + "b".repeat(64));
  private static final TenantPolicy AUTO = new TenantPolicy(true, RetractionPolicy.REPLACEMENT);

  @TempDir Path folder;

  private static void forgeBase(ObjectNode manifest) {
    ((ObjectNode) manifest.path("baseModel"))
        .put("name", "forged-base")
        .put("digest", FORGED_BASE.toString());
  }

  @Test
  void aRebuiltAliasLiesOnTheBaseItsRecordNamesNotTheOneAQuarantinedManifestClaims() {
    RewrittenManifests area = new RewrittenManifests(folder, 2);
    area.rewrite(2, QuarantinedManifestClaimsTest::forgeBase);

    KeyState state = area.restart().get(KEY);

    assertThat(state.isQuarantined(2)).isTrue();
    assertThat(state.alias(BASE, Aliases.STABLE)).contains(2);
    assertThat(state.aliases(FORGED_BASE)).isEmpty();
  }

  @Test
  void aCandidateAQuarantinedManifestClaimsIsReleasedAsANewVersion() {
    RewrittenManifests area = new RewrittenManifests(folder, 2);
    // v2's manifest claims to be cand-3's release, whose verdict has not come yet
    area.rewrite(
        2, manifest -> ((ObjectNode) manifest.path("candidate")).put("candidateId", "cand-3"));
    ReleaseRegistry registry = area.restart();

    Decision decision =
        area.verdicts()
            .process(
                registry,
                TestVerdicts.passed(
                    TestVerdicts.candidate(area.store(), KEY.toString(), "cand-3", 2)));

    assertThat(VersionAssignment.assign(registry.get(KEY), "cand-3"))
        .isEqualTo(new VersionAssignment(3, VersionAssignment.Kind.NEW));
    assertThat(decision.outcome()).isEqualTo(Outcome.PUBLISHED);
    assertThat(decision.releases().get(0).getVersion()).isEqualTo(3);
  }

  @Test
  void aReleaseEvaluatedAgainstAQuarantinedIncumbentOfUnknownBaseAwaitsPromotion() {
    // v1, then v2 stable on BASE; v1's manifest then claims another base
    RewrittenManifests area = new RewrittenManifests(folder, 2);
    area.rewrite(1, QuarantinedManifestClaimsTest::forgeBase);
    KeyState state = area.restart().get(KEY);

    // rebased onto NEW_BASE, evaluated against v1: stable on v1's base moved to v2 since
    AliasPolicy.NewReleaseAlias alias = AliasPolicy.forNewRelease(state, NEW_BASE, 1, AUTO);

    assertThat(state.isQuarantined(1)).isTrue();
    assertThat(alias.alias()).isEqualTo(Aliases.CANARY);
  }

  @Test
  void retractingAQuarantinedReleaseMovesTheAliasOnTheBaseItsRecordNames() {
    RewrittenManifests area = new RewrittenManifests(folder, 2);
    area.rewrite(2, QuarantinedManifestClaimsTest::forgeBase);
    KeyState state = area.restart().get(KEY);

    Retractions.Result result =
        Retractions.retract(state, List.of(2), "erased", Map.of(), "job-2", "pub", TestVerdicts.AT);

    assertThat(result.retracted()).containsExactly(2);
    assertThat(result.state().alias(BASE, Aliases.STABLE)).as("fallen back to v1").contains(1);
    assertThat(result.state().aliasedVersions()).doesNotContain(2);
  }
}
