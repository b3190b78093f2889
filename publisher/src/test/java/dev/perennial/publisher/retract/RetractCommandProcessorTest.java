package dev.perennial.publisher.retract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.publisher.alias.AliasPolicy;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.testing.ReleaseStates;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.ReleaseAction;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetractCommandProcessorTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final TenantPolicy AUTO = new TenantPolicy(true, RetractionPolicy.REPLACEMENT);

  private final RetractCommandProcessor processor =
      new RetractCommandProcessor(Clock.fixed(TestVerdicts.AT, ZoneOffset.UTC));

  private static ReleaseRegistry published(int versions) {
    return ReleaseRegistry.empty().with(ReleaseStates.published(KEY, versions, AUTO));
  }

  private static RetractCommand retract(int version) {
    return new RetractCommand(KEY, version, "alice", "harmful answers");
  }

  @Test
  void aRetractedReleaseIsRecordedAsAnErasureRetractsOneWithTheOperatorAsActor() {
    ReleaseRegistry registry = published(3);
    KeyState before = registry.get(KEY);

    Decision decision = processor.process(registry, retract(3));

    assertThat(decision.outcome()).isEqualTo(Outcome.RETRACTED);
    assertThat(decision.state()).hasValue(AliasPolicy.afterRetraction(before, 3));
    AdapterRelease record = decision.releases().get(0);
    assertThat(decision.releases()).hasSize(1);
    assertThat(record.getAction()).isEqualTo(ReleaseAction.RETRACTED);
    assertThat(record.getVersion()).isEqualTo(3);
    assertThat(record.getRetractedVersions()).containsExactly(3);
    assertThat(record.getAliases()).containsExactlyEntriesOf(Map.of("stable", 2));
    assertThat(record.getReason()).isEqualTo("retracted by alice: harmful answers");
    AuditEvent audit = decision.audits().get(0);
    assertThat(decision.audits()).hasSize(1);
    assertThat(audit.getStage()).isEqualTo(AuditStage.OPERATOR);
    assertThat(audit.getAction()).isEqualTo(AuditEvents.RELEASE_RETRACTED);
    assertThat(audit.getActor()).isEqualTo("alice");
    assertThat(audit.getReason())
        .isEqualTo(
            "retracted by alice: harmful answers; its adapter weights are purged, its signed"
                + " manifest stays");
    assertThat(audit.getDetails())
        .containsEntry("version", "3")
        .containsEntry("weightsPurged", "adapter_model.safetensors")
        .containsKeys("aliasesBefore", "aliasesAfter");
  }

  @Test
  void retractingAKeysOnlyServableReleaseLeavesNoAliasToServe() {
    Decision decision = processor.process(published(1), retract(1));

    assertThat(decision.releases().get(0).getAliases()).isEmpty();
    assertThat(decision.state().orElseThrow().aliases()).isEmpty();
  }

  @Test
  void aKeyWithoutReleasesIsRefusedAsUnknown() {
    assertThatThrownBy(() -> processor.process(ReleaseRegistry.empty(), retract(1)))
        .isInstanceOfSatisfying(
            RetractionRefusedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(RetractionRefusedException.Reason.UNKNOWN_KEY);
              assertThat(e.notFound()).isTrue();
            })
        .hasMessage("No releases of acme/support");
  }

  @Test
  void aVersionTheKeyNeverPublishedIsRefusedAsUnknown() {
    assertThatThrownBy(() -> processor.process(published(2), retract(3)))
        .isInstanceOfSatisfying(
            RetractionRefusedException.class,
            e ->
                assertThat(e.reason()).isEqualTo(RetractionRefusedException.Reason.UNKNOWN_VERSION))
        .hasMessage("acme/support has no published v3 (latest is v2)");
  }

  @Test
  void aReleaseRetractedAlreadyIsRefusedAsAConflictAndNothingIsWritten() {
    ReleaseRegistry registry = published(2);
    ReleaseRegistry retracted =
        registry.with(processor.process(registry, retract(2)).state().orElseThrow());

    assertThatThrownBy(() -> processor.process(retracted, retract(2)))
        .isInstanceOfSatisfying(
            RetractionRefusedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(RetractionRefusedException.Reason.ALREADY_RETRACTED);
              assertThat(e.notFound()).isFalse();
            })
        .hasMessage("acme/support v2 is retracted already; nothing to do");
  }

  @Test
  void aRetractionNamesWhoAndWhyAndAVersion() {
    assertThatThrownBy(() -> new RetractCommand(KEY, 1, " ", "why"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("actor is required: who retracts the release");
    assertThatThrownBy(() -> new RetractCommand(KEY, 1, "alice", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reason is required: why the release is retracted");
    assertThatThrownBy(() -> new RetractCommand(KEY, 0, "alice", "why"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("version must be at least 1, got 0");
  }
}
