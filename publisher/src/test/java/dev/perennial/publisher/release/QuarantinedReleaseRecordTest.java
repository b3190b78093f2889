package dev.perennial.publisher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.publisher.alias.AliasChangeRefusedException;
import dev.perennial.publisher.alias.AliasCommand;
import dev.perennial.publisher.alias.AliasCommandProcessor;
import dev.perennial.publisher.config.Aliases;
import dev.perennial.publisher.retract.Retractions;
import dev.perennial.publisher.testing.RewrittenManifests;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.ReleaseRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code releases.v1} records of a publisher restarted over a release area where the stable
 * release's manifest was rewritten while it was down (its candidate location pointed elsewhere):
 * the quarantined release is never an alias target nor named as a location, so the trainer, which
 * reads the stable release from the key's latest record, is never sent to the forged location.
 */
class QuarantinedReleaseRecordTest {

  private static final AdapterKey KEY = RewrittenManifests.KEY;
  private static final String FORGED = "sha256:" + "f".repeat(64);

  @TempDir Path folder;

  private ReleaseRegistry registry;

  /** v1 then v2 published (v2 stable), v2's manifest rewritten, the publisher restarted. */
  @BeforeEach
  void restartOverAForgedStableManifest() {
    RewrittenManifests area = new RewrittenManifests(folder, 2);
    assertThat(area.published().get(KEY).alias(Aliases.STABLE)).contains(2);
    area.rewrite(2, tree -> ((ObjectNode) tree.path("candidate")).put("location", FORGED));
    registry = area.restart();
    assertThat(registry.quarantine(KEY, 2)).isPresent();
  }

  @Test
  void aRecordOfAnotherVersionDoesNotSendTheTrainerToTheForgedLocation() {
    AdapterRelease record =
        Retractions.retract(
                registry.get(KEY), List.of(1), "erased", Map.of(), "job-1", "pub", TestVerdicts.AT)
            .releases()
            .get(0);

    assertThat(record.getAliasTargets()).extracting(ReleaseRef::getVersion).doesNotContain(2);
    assertThat(record.getAliasTargets()).extracting(ReleaseRef::getLocation).doesNotContain(FORGED);
    assertThat(StableRelease.of(record)).isEmpty();
    // the publisher's own state is kept, so a restart after the manifest is restored names it again
    assertThat(record.getAliases()).containsEntry(Aliases.STABLE, 2);
  }

  @Test
  void retractingTheQuarantinedVersionNamesNoneOfWhatItsManifestClaims() throws IOException {
    Path extra = registry.get(KEY).release(2).orElseThrow().folder().resolve("extra.bin");
    Files.write(extra, new byte[] {1, 2, 3});
    Retractions.Result result =
        Retractions.retract(
            registry.get(KEY), List.of(2), "erased", Map.of(), "job-2", "pub", TestVerdicts.AT);
    AdapterRelease record = result.releases().get(0);

    assertThat(result.retracted()).containsExactly(2);
    assertThat(record.getLocation()).isNotEqualTo(FORGED);
    assertThat(record.getFileDigests()).isEmpty();
    assertThat(record.getLineage()).isNull();
    assertThat(record.getReason()).contains("quarantined");
    // the purge deletes the weight files its folder holds, whatever its manifest names: so does
    // the event say (an extra file put there is named too; the manifest never listed it)
    assertThat(result.audits().get(0).getDetails())
        .containsEntry("weightsPurged", "adapter_model.safetensors,extra.bin")
        .containsKey("quarantined");
    assertThat(result.audits().get(0).getDetails().get("weightsKept"))
        .doesNotContain("every file")
        .contains("manifest.json");
    assertThat(result.audits().get(0).getReason())
        .contains("the weight files its folder holds are purged");
  }

  @Test
  void anAliasIsNotMovedOntoTheQuarantinedVersion() {
    AliasCommandProcessor aliases = new AliasCommandProcessor(Clock.systemUTC());
    ReleaseRegistry rolledBack =
        registry.with(
            aliases
                .process(
                    registry,
                    new AliasCommand(
                        KEY, Aliases.STABLE, 1, AliasCommand.Move.ROLLBACK, "alice", "why"))
                .state()
                .orElseThrow());

    assertThatThrownBy(
            () ->
                aliases.process(
                    rolledBack,
                    new AliasCommand(
                        KEY, Aliases.STABLE, 2, AliasCommand.Move.PROMOTE, "alice", "why")))
        .isInstanceOf(AliasChangeRefusedException.class)
        .hasMessageContaining("quarantined");
  }
}
