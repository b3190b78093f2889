package dev.perennial.publisher.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.ids.RecordIds;
import dev.perennial.core.service.FailureText;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.release.RegistryRebuild;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.retract.Retractions;
import dev.perennial.publisher.sign.ReleaseVerifier;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.RecipeSearch;
import dev.perennial.schemas.v1.RecipeTrial;
import dev.perennial.schemas.v1.ReleaseAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerdictProcessorTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");

  @TempDir Path folder;

  private final SigningKey signingKey = SigningKey.generate();
  private LocalArtifactStore store;
  private ReleaseArea area;
  private VerdictProcessor processor;
  private ReleaseRegistry registry = ReleaseRegistry.empty();

  @BeforeEach
  void setUp() {
    store = new LocalArtifactStore(folder.resolve("artifacts"));
    area = new ReleaseArea(folder.resolve("releases"));
    area.publishKey(signingKey);
    processor =
        new VerdictProcessor(
            area,
            store,
            signingKey,
            tenant -> new TenantPolicy(!tenant.equals("manual"), RetractionPolicy.REPLACEMENT),
            "test-publisher",
            Clock.fixed(TestVerdicts.AT, ZoneOffset.UTC));
  }

  private Decision process(EvaluationVerdict verdict) {
    Decision decision = processor.process(registry, verdict);
    decision.state().ifPresent(state -> registry = registry.with(state));
    return decision;
  }

  @Test
  void aPassedVerdictBecomesASignedReleaseOnStableWithItsRecords() {
    AdapterCandidate candidate = TestVerdicts.candidate(store, "acme/support", "cand-1", null);

    Decision decision = process(TestVerdicts.passed(candidate));

    assertThat(decision.outcome()).isEqualTo(Outcome.PUBLISHED);
    AdapterRelease release = decision.releases().get(0);
    assertThat(decision.releases()).hasSize(1);
    assertThat(release.getAction()).isEqualTo(ReleaseAction.PUBLISHED);
    assertThat(release.getVersion()).isEqualTo(1);
    assertThat(release.getLatestVersion()).isEqualTo(1);
    assertThat(release.getAliases()).containsExactlyEntriesOf(Map.of("stable", 1));
    assertThat(release.getAliasTargets())
        .singleElement()
        .satisfies(ref -> assertThat(ref.getVersion()).isEqualTo(1));
    assertThat(release.getLocation()).isEqualTo(candidate.getLocation()).startsWith("sha256:");
    assertThat(release.getFileDigests()).isEqualTo(candidate.getFileDigests());
    assertThat(release.getBaseModelDigest()).isEqualTo(TestVerdicts.BASE_DIGEST);
    assertThat(release.getBaseTokenizerDigest()).isEqualTo(TestVerdicts.TOKENIZER_DIGEST);
    assertThat(release.getAliasTargets().get(0).getBaseTokenizerDigest())
        .isEqualTo(TestVerdicts.TOKENIZER_DIGEST);
    assertThat(release.getCandidateId()).isEqualTo("cand-1");
    Path released = area.root().resolve("acme/support/v1");
    assertThat(release.getManifestDigest())
        .isEqualTo(Digest.of(released.resolve("manifest.json")).hex());
    assertThat(ReleaseVerifier.withPublishedKeys(area).verify(released, KEY, 1).problems())
        .isEmpty();
    AuditEvent audit = decision.audits().get(0);
    assertThat(audit.getAction()).isEqualTo(AuditEvents.RELEASE_PUBLISHED);
    assertThat(audit.getStage()).isEqualTo(AuditStage.PUBLISHER);
    assertThat(audit.getDetails())
        .containsEntry("version", "1")
        .containsEntry("alias", "stable")
        .containsEntry("verdictId", "cand-1#verdict");
  }

  @Test
  void anAutomaticPromotionsAuditEventNamesTheVersionTheAliasLeftAndTheAliasesBeforeAndAfter() {
    process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    Decision second =
        process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));

    AuditEvent audit = second.audits().get(0);
    assertThat(audit.getAction()).isEqualTo(AuditEvents.RELEASE_PUBLISHED);
    String base = Digest.parse(TestVerdicts.BASE_DIGEST).toString();
    assertThat(audit.getDetails())
        .containsEntry("alias", "stable")
        .containsEntry("version", "2")
        .containsEntry("previousVersion", "1")
        .containsEntry("aliasesBefore", "{" + base + "={stable=1}}")
        .containsEntry("aliasesAfter", "{" + base + "={stable=2}}");
  }

  @Test
  void aFirstReleasesAuditEventSaysItsAliasPointedAtNoVersionBefore() {
    Decision first =
        process(
            TestVerdicts.passed(TestVerdicts.candidate(store, "manual/support", "cand-1", null)));

    assertThat(first.audits().get(0).getDetails())
        .containsEntry("alias", "canary")
        .containsEntry("previousVersion", "none")
        .containsEntry("aliasesBefore", "{}");
  }

  @Test
  void aTenantThatDoesNotPromoteAutomaticallyGetsCanary() {
    Decision decision =
        process(
            TestVerdicts.passed(TestVerdicts.candidate(store, "manual/support", "cand-1", null)));

    assertThat(decision.releases().get(0).getAliases())
        .containsExactlyEntriesOf(Map.of("canary", 1));
  }

  @Test
  void
      aVerdictWithInsufficientEvidenceIsNeitherReleasedNorRefusedAndTheAuditSaysWhereItsDataGoes() {
    AdapterCandidate candidate = TestVerdicts.candidate(store, "acme/support", "cand-1", null);

    Decision decision = process(TestVerdicts.insufficientEvidence(candidate));

    AuditEvent audit = onlyAudit(decision, Outcome.DEFERRED, AuditEvents.RELEASE_DEFERRED);
    assertThat(audit.getReason())
        .isEqualTo(
            "insufficient evidence (learning: 0.1200 [-0.02000, 0.2500] n 9 at 95 %"
                + " (must be GREATER_OR_EQUAL 0.05 at the lower bound)): neither"
                + " released nor refused; the data of job "
                + candidate.getJobId()
                + " rolls into the key's next job");
    assertThat(audit.getDetails())
        .containsEntry("undecidedGates", "learning")
        .containsEntry("outcome", "INSUFFICIENT_EVIDENCE")
        .containsEntry("dataRollsInto", "the next job of acme/support");
  }

  @Test
  void anUndecidedRebaseIsDeferredWithTheKeyLeftOnItsOldBaseNotRolledOver() {
    AdapterCandidate candidate = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
    candidate.setTrigger(JobTrigger.REBASE);

    Decision decision = process(TestVerdicts.insufficientEvidence(candidate));

    AuditEvent audit = onlyAudit(decision, Outcome.DEFERRED, AuditEvents.RELEASE_DEFERRED);
    assertThat(audit.getDetails())
        .containsEntry("outcome", "INSUFFICIENT_EVIDENCE")
        .containsEntry("rebase", "planned again once the held-out pool of acme/support has grown")
        .doesNotContainKey("dataRollsInto");
  }

  @Test
  void aRefusedErasureRetrainRetractsTheReleasesItWasToReplaceWithoutAReplacement() {
    process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));
    AdapterCandidate retrain = TestVerdicts.candidate(store, "acme/support", "cand-3", 2);
    retrain.setErasure(
        ErasureDetails.newBuilder()
            .setRequestId("erase-7")
            .setSubjectPseudonym("p-0123456789abcdef")
            .setAffectedVersions(List.of(2))
            .build());

    Decision decision = process(TestVerdicts.failedLeakage(retrain));

    assertThat(decision.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(decision.audits())
        .extracting(AuditEvent::getAction)
        .containsExactly(AuditEvents.RELEASE_REFUSED, AuditEvents.RELEASE_RETRACTED);
    assertThat(decision.releases())
        .singleElement()
        .satisfies(
            release -> {
              assertThat(release.getAction()).isEqualTo(ReleaseAction.RETRACTED);
              assertThat(release.getVersion()).isEqualTo(2);
              assertThat(release.getAliases()).containsExactlyEntriesOf(Map.of("stable", 1));
              assertThat(release.getReason())
                  .contains("erase-7")
                  .contains("retracted without a replacement");
            });
    assertThat(registry.get(KEY).isRetracted(2)).isTrue();
  }

  @Test
  void aCandidateThatContinuedOrWasTaughtByARetractedReleaseIsRefusedNotReleasedOnTopOfIt() {
    // v2 continued v1; cand-3 continued v2 and passed its gates, then v2 was retracted (its
    // verdict was read after the retraction: the evaluator had compared it with v2)
    process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));
    registry =
        registry.with(
            Retractions.retract(
                    registry.get(KEY),
                    List.of(2),
                    "trained on data erased by request erase-1",
                    Map.of(),
                    "job-1",
                    "test-publisher",
                    TestVerdicts.AT)
                .state());
    AdapterCandidate distilled =
        AdapterCandidate.newBuilder(TestVerdicts.candidate(store, "acme/support", "cand-4", null))
            .setTrigger(JobTrigger.REBASE)
            .setLineage(
                Lineage.newBuilder()
                    .setMethod(LineageMethod.DISTILLED)
                    .setTeacher(
                        LineageRelease.newBuilder()
                            .setVersion(2)
                            .setLocation("sha256:" + "2".repeat(64))
                            .setManifestDigest("3".repeat(64))
                            .setBaseModelName("perennial-tiny-old")
                            .setBaseModelDigest("4".repeat(64))
                            .build())
                    .build())
            .build();

    Decision continued =
        process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-3", 2)));
    Decision taught = process(TestVerdicts.passed(distilled));

    for (Decision decision : List.of(continued, taught)) {
      assertThat(decision.outcome()).isEqualTo(Outcome.REFUSED);
      assertThat(decision.releases()).isEmpty();
      assertThat(decision.audits())
          .singleElement()
          .satisfies(
              audit -> {
                assertThat(audit.getAction()).isEqualTo(AuditEvents.RELEASE_REFUSED);
                assertThat(audit.getReason()).contains("v2, which is retracted");
              });
    }
    assertThat(area.root().resolve("acme/support/v3")).doesNotExist();
    assertThat(registry.get(KEY).latestVersion()).isEqualTo(2);
  }

  @Test
  void anUndecidedErasureRetrainRetractsTooAndAnOrdinaryRefusalRetractsNothing() {
    process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    AdapterCandidate retrain = TestVerdicts.candidate(store, "acme/support", "cand-2", 1);
    retrain.setErasure(
        ErasureDetails.newBuilder()
            .setRequestId("erase-8")
            .setSubjectPseudonym("p-0123456789abcdef")
            .setAffectedVersions(List.of(1))
            .build());

    Decision ordinary =
        process(
            TestVerdicts.failedLeakage(TestVerdicts.candidate(store, "acme/support", "cand-x", 1)));
    Decision undecided = process(TestVerdicts.insufficientEvidence(retrain));

    assertThat(ordinary.releases()).isEmpty();
    assertThat(undecided.outcome()).isEqualTo(Outcome.DEFERRED);
    assertThat(undecided.releases())
        .singleElement()
        .satisfies(
            release -> {
              assertThat(release.getAction()).isEqualTo(ReleaseAction.RETRACTED);
              assertThat(release.getAliases()).isEmpty();
            });
  }

  @Test
  void aFailedVerdictReleasesNothingAndTheAuditNamesTheFailingGate() {
    Decision decision =
        process(
            TestVerdicts.failedLeakage(
                TestVerdicts.candidate(store, "acme/support", "cand-1", null)));

    AuditEvent audit = onlyAudit(decision, Outcome.REFUSED, AuditEvents.RELEASE_REFUSED);
    assertThat(audit.getReason())
        .isEqualTo("failed gates: leakage: 3.5 (must be LESS_OR_EQUAL 1.0)");
    assertThat(audit.getDetails()).containsEntry("failedGates", "leakage");
  }

  @Test
  void aRefusalAtTheRolloverLimitNamesOnlyTheFailedGateAsFailedAndTheUndecidedOneAsUndecided() {
    // the evaluator refuses a candidate whose data may roll over no more: its learning gate is
    // undecided (the interval straddles the threshold), evidence.rollover failed; the verdict's
    // own reason names only the failing gate
    AdapterCandidate candidate = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
    Gate learning =
        Gate.newBuilder(
                TestVerdicts.gate("learning", 0.12, 0.05, GateComparator.GREATER_OR_EQUAL, false))
            .setOutcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE)
            .setN(9)
            .setLower(-0.02)
            .setUpper(0.25)
            .setConfidence(0.95)
            .build();
    Gate rollover =
        Gate.newBuilder(
                TestVerdicts.gate("evidence.rollover", 11, 10, GateComparator.LESS_OR_EQUAL, false))
            .setOutcome(EvaluationOutcome.FAILED)
            .setN(11)
            .build();
    EvaluationVerdict verdict = TestVerdicts.verdict(candidate, List.of(learning, rollover));
    verdict.setOutcome(EvaluationOutcome.FAILED);

    AuditEvent audit = onlyAudit(process(verdict), Outcome.REFUSED, AuditEvents.RELEASE_REFUSED);

    assertThat(audit.getDetails())
        .containsEntry("failedGates", "evidence.rollover")
        .containsEntry("undecidedGates", "learning")
        .containsEntry("outcome", "FAILED")
        .containsKeys("gate.learning", "gate.evidence.rollover");
    assertThat(audit.getReason())
        .isEqualTo(
            "failed gates: evidence.rollover: 11.0 (must be LESS_OR_EQUAL 10.0); undecided"
                + " gates (insufficient evidence): learning: 0.1200 [-0.02000, 0.2500] n 9 at"
                + " 95 % (must be GREATER_OR_EQUAL 0.05 at the lower bound)");
  }

  @Test
  void theSameVerdictDeliveredAgainNeverYieldsASecondVersion() throws Exception {
    EvaluationVerdict verdict =
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null));

    Decision first = process(verdict);
    Decision again = process(verdict);

    assertThat(first.outcome()).isEqualTo(Outcome.PUBLISHED);
    assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_PUBLISHED);
    assertThat(again.releases()).isEmpty();
    assertThat(again.audits().get(0).getAction()).isEqualTo(AuditEvents.VERDICT_ALREADY_RELEASED);
    try (Stream<Path> versions = Files.list(area.root().resolve("acme/support"))) {
      assertThat(versions.map(p -> p.getFileName().toString())).containsExactly("v1");
    }
  }

  @Test
  void aFolderWrittenBeforeAFailedCommitIsAnnouncedOnTheNextAttemptNotWrittenAgain() {
    EvaluationVerdict verdict =
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    Decision lost = processor.process(registry, verdict); // its transaction never commits
    registry = RegistryRebuild.withFolders(registry, area.scan(false));

    Decision retried = process(verdict);

    assertThat(lost.releases().get(0).getVersion()).isEqualTo(1);
    assertThat(retried.outcome()).isEqualTo(Outcome.PUBLISHED);
    assertThat(retried.releases().get(0).getVersion()).isEqualTo(1);
    assertThat(retried.releases().get(0).getManifestDigest())
        .isEqualTo(lost.releases().get(0).getManifestDigest());
  }

  @Test
  void audit_aFolderSignedBeforeTheSigningKeyChangedIsAnnouncedWhileThatKeyIsTrusted() {
    EvaluationVerdict verdict =
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    Decision lost = processor.process(registry, verdict); // its transaction never commits
    registry = RegistryRebuild.withFolders(registry, area.scan(false));
    // the publisher restarts with a new signing key and the earlier one among its trusted keys
    SigningKey rotated = SigningKey.generate();
    area.publishKey(rotated);
    VerdictProcessor restarted =
        new VerdictProcessor(
            area,
            store,
            rotated,
            ReleaseVerifier.withPinnedKeys(List.of(rotated.publicKey(), signingKey.publicKey())),
            tenant -> new TenantPolicy(true, RetractionPolicy.REPLACEMENT),
            "test-publisher",
            Clock.fixed(TestVerdicts.AT, ZoneOffset.UTC));

    Decision retried = restarted.process(registry, verdict);

    assertThat(retried.outcome()).isEqualTo(Outcome.PUBLISHED);
    assertThat(retried.releases().get(0).getVersion()).isEqualTo(1);
    assertThat(retried.releases().get(0).getManifestDigest())
        .isEqualTo(lost.releases().get(0).getManifestDigest());
  }

  @Test
  void audit_aRefusedFolderBelowALaterReleaseIsNeverCountedAsPublished() throws Exception {
    EvaluationVerdict first =
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    processor.process(registry, first); // its transaction never commits
    registry = RegistryRebuild.withFolders(registry, area.scan(false));
    Files.write(area.root().resolve("acme/support/v1/adapter_model.safetensors"), new byte[] {1});
    Decision refused = process(first);
    Decision second =
        process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", null)));
    // the publisher restarts from the key's latest releases.v1 record (compaction keeps no other)
    ReleaseRegistry restarted =
        RegistryRebuild.rebuild(area.scan(false), Map.of(KEY.toString(), second.releases().get(0)))
            .registry();

    assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(second.releases().get(0).getVersion()).isEqualTo(2);
    assertThat(registry.get(KEY).isAnnounced(1)).as("while running").isFalse();
    assertThat(restarted.get(KEY).isAnnounced(1)).as("after a restart").isFalse();
    assertThat(restarted.get(KEY).isAnnounced(2)).isTrue();
  }

  @Test
  void aCandidateWhoseFileIsMissingFromTheStoreIsRefusedNamingTheFile() {
    AdapterCandidate candidate = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
    store.delete(Digest.parse(candidate.getFileDigests().get("adapter_model.safetensors")));

    Decision decision = process(TestVerdicts.passed(candidate));

    assertThat(decision.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(decision.audits().get(0).getReason())
        .startsWith("adapter file adapter_model.safetensors cannot be copied");
    assertThat(area.root().resolve("acme/support/v1")).doesNotExist();
  }

  @Test
  void aVerdictWhoseKeyDiffersFromItsCandidatesIsRefused() {
    EvaluationVerdict verdict =
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    verdict.setAdapterKey("acme/other");

    Decision decision = process(verdict);

    assertThat(decision.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(decision.adapterKey()).isEqualTo("acme/other");
    assertThat(decision.audits().get(0).getReason())
        .isEqualTo("verdict is for acme/other but its candidate for acme/support");
  }

  @Test
  void versionsCountUpPerKey() {
    process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    Decision second =
        process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));
    Decision otherKey =
        process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/billing", "cand-3", null)));

    assertThat(second.releases().get(0).getVersion()).isEqualTo(2);
    assertThat(second.releases().get(0).getAliases()).containsEntry("stable", 2);
    assertThat(otherKey.releases().get(0).getVersion()).isEqualTo(1);
    assertThat(registry.get(KEY).releases()).containsOnlyKeys(1, 2);
  }

  /**
   * Asserts that {@code decision} has {@code outcome}, released nothing, changed no key's state,
   * wrote nothing to the release area and recorded one audit event with {@code action}; that event.
   */
  private AuditEvent onlyAudit(Decision decision, Outcome outcome, String action) {
    assertThat(decision.outcome()).isEqualTo(outcome);
    assertThat(decision.releases()).isEmpty();
    assertThat(decision.state()).isEmpty();
    assertThat(area.root().resolve("acme")).doesNotExist();
    assertThat(decision.audits()).hasSize(1);
    AuditEvent audit = decision.audits().get(0);
    assertThat(audit.getAction()).isEqualTo(action);
    return audit;
  }

  @Test
  void aGateIsDescribedAtItsConfiguredConfidenceNotRoundedToWholePercent() {
    Gate gate =
        Gate.newBuilder()
            .setName("learning")
            .setValue(0.01)
            .setThreshold(0.05)
            .setComparator(GateComparator.GREATER_OR_EQUAL)
            .setPassed(false)
            .setN(12)
            .setLower(-0.02)
            .setUpper(0.04)
            .setConfidence(0.999)
            .build();

    assertThat(VerdictProcessor.describe(gate))
        .isEqualTo(
            "learning: 0.01000 [-0.02000, 0.04000] n 12 at 99.9 % (must be GREATER_OR_EQUAL 0.05 at"
                + " the lower bound)");
  }

  @Test
  void anUndefinedGateIsDescribedAsUndefinedNotAsNaNWithInfiniteBounds() {
    Gate gate =
        Gate.newBuilder()
            .setName("learning.incumbent")
            .setValue(Double.NaN)
            .setThreshold(0.9)
            .setComparator(GateComparator.GREATER_OR_EQUAL)
            .setPassed(false)
            .setN(0)
            .setLower(Double.NEGATIVE_INFINITY)
            .setUpper(Double.POSITIVE_INFINITY)
            .setConfidence(0.95)
            .build();

    assertThat(VerdictProcessor.describe(gate))
        .isEqualTo("learning.incumbent: undefined, n 0 (must be GREATER_OR_EQUAL 0.9)");
  }

  /**
   * A bootstrap gate over fewer items than the evaluator decides on has no interval (NaN bounds):
   * undecided at no bound, as the evaluator's own reason says ("too few items for an interval").
   */
  @Test
  void audit_aGateOverTooFewItemsIsDescribedWithoutAnIntervalOrABound() {
    Gate gate =
        Gate.newBuilder()
            .setName("regression.tenant")
            .setValue(1.0)
            .setThreshold(0.25)
            .setComparator(GateComparator.LESS_OR_EQUAL)
            .setPassed(false)
            .setOutcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE)
            .setN(1)
            .setLower(Double.NaN)
            .setUpper(Double.NaN)
            .setConfidence(0.95)
            .build();

    assertThat(VerdictProcessor.describe(gate))
        .isEqualTo(
            "regression.tenant: 1.000 n 1, too few items for an interval (must be LESS_OR_EQUAL"
                + " 0.25)");
  }

  @Test
  void aVerdictWhoseErasureRequestIdIsNoIdIsAuditedAsUnreadableAndActsOnNothing() {
    // The request id would go into the manifest, the RETRACTED records' reasons, audit events
    process(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    String forged = "erase-7\n2026-01-02 03:04:05 INFO forged line";
    for (EvaluationVerdict verdict :
        List.of(
            TestVerdicts.passed(retrainFor(forged, "cand-2")),
            TestVerdicts.failedLeakage(retrainFor(forged, "cand-3")),
            TestVerdicts.passed(retrainFor("e".repeat(100_000), "cand-4")))) {

      Decision decision = process(verdict);

      assertThat(decision.outcome()).isEqualTo(Outcome.UNREADABLE);
      assertThat(decision.releases()).isEmpty();
      assertThat(decision.state()).isEmpty();
      assertThat(decision.audits())
          .singleElement()
          .satisfies(
              audit -> {
                assertThat(audit.getAction()).isEqualTo(AuditEvents.RECORD_UNREADABLE);
                assertThat(audit.getReason() + audit.getDetails())
                    .contains("erasure request id", "not shown")
                    .doesNotContain("forged line", "e".repeat(1_000));
              });
    }
    assertThat(area.folder(KEY, 2)).doesNotExist();
    assertThat(registry.get(KEY).isRetracted(1)).isFalse();
  }

  @Test
  void aVerdictWhoseCandidatesJobIdIsNoIdIsAuditedAsUnreadable() {
    AdapterCandidate candidate = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
    candidate.setJobId("job-1\n2026-01-02 03:04:05 INFO forged line");

    Decision decision = process(TestVerdicts.insufficientEvidence(candidate));

    assertThat(decision.outcome()).isEqualTo(Outcome.UNREADABLE);
    assertThat(decision.audits())
        .singleElement()
        .satisfies(
            audit ->
                assertThat(audit.getReason() + audit.getDetails())
                    .contains("job id", "not shown")
                    .doesNotContain("forged line"));
  }

  @Test
  void aVerdictWhoseVerdictIdCandidateIdOrReportLocationIsNoIdIsAuditedAsUnreadable() {
    // each would go into audit details, release reasons, the manifest and the decision's log line
    String forged = "x\n2026-01-02 03:04:05 INFO forged line";
    String huge = "e".repeat(100_000);
    for (String bad : List.of(forged, huge)) {
      EvaluationVerdict badVerdictId =
          TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
      badVerdictId.setVerdictId(bad);
      AdapterCandidate badCandidate = TestVerdicts.candidate(store, "acme/support", "cand-2", null);
      badCandidate.setCandidateId(bad);
      EvaluationVerdict badReport =
          TestVerdicts.insufficientEvidence(
              TestVerdicts.candidate(store, "acme/support", "cand-3", null));
      badReport.setReportLocation(bad);
      for (EvaluationVerdict verdict :
          List.of(badVerdictId, TestVerdicts.failedLeakage(badCandidate), badReport)) {

        Decision decision = process(verdict);

        assertThat(decision.outcome()).isEqualTo(Outcome.UNREADABLE);
        assertThat(decision.releases()).isEmpty();
        assertThat(decision.state()).isEmpty();
        assertThat(decision.audits())
            .singleElement()
            .satisfies(
                audit -> {
                  assertThat(audit.getAction()).isEqualTo(AuditEvents.RECORD_UNREADABLE);
                  assertThat(audit.getReason() + audit.getDetails())
                      .contains("not shown")
                      .doesNotContain("forged line", "e".repeat(1_000));
                });
      }
    }
    assertThat(area.folder(KEY, 1)).doesNotExist();
  }

  @Test
  void aVerdictsFreeTextReasonIsShownOnOneBoundedLine() {
    EvaluationVerdict verdict =
        TestVerdicts.insufficientEvidence(
            TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    verdict.setReason("too few rows\n2026-01-02 03:04:05 INFO forged line " + "e".repeat(100_000));

    Decision decision = process(verdict);

    assertThat(decision.outcome()).isEqualTo(Outcome.DEFERRED);
    assertThat(decision.audits().get(0).getReason())
        .startsWith("too few rows 2026-01-02")
        .doesNotContain("\n")
        .hasSizeLessThanOrEqualTo(500);
  }

  @Test
  void aCandidatesRecipeSearchReachesAuditEventsOnOneBoundedLine() {
    // the trainer's free text goes into audit details of every outcome and the decision's log line
    // (gate and metric names that are no ids: see the unreadable case below)
    String forged = "x\n2026-01-02 03:04:05 INFO forged line";
    String huge = "e".repeat(100_000);
    for (String bad : List.of(forged, huge)) {
      String job = bad == forged ? "forged" : "huge";
      EvaluationVerdict refused = TestVerdicts.failedLeakage(searched(job + "-1", bad));
      EvaluationVerdict deferred = TestVerdicts.insufficientEvidence(searched(job + "-2", bad));
      EvaluationVerdict published = TestVerdicts.passed(searched(job + "-3", bad));

      Map<EvaluationVerdict, Outcome> outcomes =
          Map.of(
              refused, Outcome.REFUSED, deferred, Outcome.DEFERRED, published, Outcome.PUBLISHED);
      for (EvaluationVerdict verdict : List.of(refused, deferred, published)) {
        Decision decision = process(verdict);

        assertThat(decision.outcome()).isEqualTo(outcomes.get(verdict));
        assertThat(decision.audits()).isNotEmpty();
        for (AuditEvent audit : decision.audits()) {
          assertThat(audit.getDetails()).containsKeys("search.winner", "search.trial.00");
          List<String> texts = new ArrayList<>(audit.getDetails().keySet());
          texts.addAll(audit.getDetails().values());
          texts.add(audit.getReason());
          assertThat(texts)
              .allSatisfy(
                  text ->
                      assertThat(text)
                          .doesNotContain("\n", "\r", "e".repeat(1_000))
                          .hasSizeLessThanOrEqualTo(FailureText.MAX_LENGTH));
        }
      }
    }
  }

  /**
   * A candidate of job {@code jobId} whose recipe search's variant names and recipe are {@code
   * text}.
   */
  private AdapterCandidate searched(String jobId, String text) {
    return AdapterCandidate.newBuilder(candidateOfJob(jobId))
        .setSearch(
            RecipeSearch.newBuilder()
                .setWinner(text)
                .setFullSteps(12)
                .setCentre(text)
                .setTrialSteps(6)
                .setRankedBy("gates, then gain")
                .setTrials(
                    List.of(
                        new RecipeTrial(
                            text, Map.of(text, text), 42L, 0, 3, true, 0.2, 0.0, null, null)))
                .build())
        .build();
  }

  @Test
  void aVerdictRefusedForAnAdapterKeyThatIsNoIdIsAuditedWithoutIt() {
    for (String bad :
        List.of("acme/support\n2026-01-02 03:04:05 INFO forged line", "e".repeat(100_000))) {
      AdapterCandidate candidate = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
      candidate.setAdapterKey(bad);
      EvaluationVerdict verdict = TestVerdicts.passed(candidate);
      verdict.setAdapterKey(bad);

      Decision decision = process(verdict);

      assertThat(decision.outcome()).isEqualTo(Outcome.REFUSED);
      assertThat(decision.adapterKey()).isEqualTo(RecordIds.NOT_SHOWN);
      assertThat(decision.audits())
          .singleElement()
          .satisfies(
              audit -> {
                assertThat(audit.getAdapterKey()).isEqualTo(RecordIds.NOT_SHOWN);
                assertThat(audit.getReason() + audit.getDetails())
                    .doesNotContain("forged line", "e".repeat(1_000));
              });
    }
  }

  /** Values no stage writes: a forged log line, terminal control characters, 100 000 characters. */
  private static final List<String> HOSTILE =
      List.of(
          "adapter.bin\n2026-01-02 03:04:05 INFO forged line",
          "adapter\u001b[31m.bin\u0007",
          "e".repeat(100_000));

  /** A candidate of job {@code jobId} as the trainer names it: {@code <job id>#candidate}. */
  private AdapterCandidate candidateOfJob(String jobId) {
    AdapterCandidate candidate =
        TestVerdicts.candidate(store, "acme/support", jobId + "#candidate", null);
    candidate.setJobId(jobId);
    return candidate;
  }

  @Test
  void aCandidatesFileNamesAndDigestsThatAreNoIdsAreRefusedWithoutBeingRepeated() {
    int job = 0;
    for (String bad : HOSTILE) {
      AdapterCandidate badName = candidateOfJob("job-" + ++job);
      Map<String, String> files = new TreeMap<>(badName.getFileDigests());
      files.put(bad, "ab".repeat(32));
      badName.setFileDigests(files);
      AdapterCandidate badDigest = candidateOfJob("job-" + ++job);
      files = new TreeMap<>(badDigest.getFileDigests());
      files.put("adapter_model.safetensors", bad);
      badDigest.setFileDigests(files);
      AdapterCandidate badBase = candidateOfJob("job-" + ++job);
      badBase.setBaseModelDigest(bad);

      for (AdapterCandidate candidate : List.of(badName, badDigest, badBase)) {
        Decision decision = process(TestVerdicts.passed(candidate));

        assertThat(decision.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(decision.audits())
            .singleElement()
            .satisfies(
                audit -> {
                  assertThat(audit.getDetails())
                      .containsEntry("candidateId", candidate.getCandidateId());
                  assertThat(audit.getReason())
                      .contains(RecordIds.NOT_SHOWN)
                      .doesNotContain("forged line", "\n", "\u001b", "\u0007", "e".repeat(1_000))
                      .hasSizeLessThanOrEqualTo(FailureText.MAX_LENGTH);
                });
      }
    }
    assertThat(area.folder(KEY, 1)).doesNotExist();
  }

  @Test
  void aVerdictWhoseGateOrMetricNameIsNoIdIsAuditedAsUnreadableAndWritesNoManifest() {
    // the evaluator's gate and metric names are ids (feedback.accuracy); the manifest would carry
    // one that is not as received, and two such gates of a refusal would share one detail key
    int job = 0;
    for (String bad : HOSTILE) {
      EvaluationVerdict badGate = TestVerdicts.passed(candidateOfJob("job-" + ++job));
      badGate.getGates().set(0, Gate.newBuilder(badGate.getGates().get(0)).setName(bad).build());
      EvaluationVerdict badMetric = TestVerdicts.passed(candidateOfJob("job-" + ++job));
      badMetric.getMetrics().put(bad, 0.5);
      EvaluationVerdict twoBadGates =
          TestVerdicts.verdict(
              candidateOfJob("job-" + ++job),
              List.of(
                  TestVerdicts.gate(bad + "1", 3.5, 1.0, GateComparator.LESS_OR_EQUAL, false),
                  TestVerdicts.gate(bad + "2", 0.1, 0.6, GateComparator.GREATER_OR_EQUAL, false)));

      for (EvaluationVerdict verdict : List.of(badGate, badMetric, twoBadGates)) {
        Decision decision = process(verdict);

        assertThat(decision.outcome()).isEqualTo(Outcome.UNREADABLE);
        assertThat(decision.releases()).isEmpty();
        assertThat(decision.state()).isEmpty();
        assertThat(decision.audits())
            .singleElement()
            .satisfies(
                audit -> {
                  assertThat(audit.getAction()).isEqualTo(AuditEvents.RECORD_UNREADABLE);
                  assertThat(audit.getDetails()).containsEntry("verdictId", verdict.getVerdictId());
                  assertThat(audit.getReason())
                      .contains("name", "not shown")
                      .doesNotContain("forged line", "\n", "\u001b", "e".repeat(1_000));
                  assertThat(audit.getDetails().toString())
                      .doesNotContain("forged line", "\n", "\u001b", "e".repeat(1_000));
                });
      }
    }
    assertThat(area.folder(KEY, 1)).doesNotExist();
  }

  /** An ERASURE retrain of v1 whose erasure request id is {@code requestId}. */
  private AdapterCandidate retrainFor(String requestId, String candidateId) {
    AdapterCandidate retrain = TestVerdicts.candidate(store, "acme/support", candidateId, 1);
    retrain.setErasure(
        ErasureDetails.newBuilder()
            .setRequestId(requestId)
            .setSubjectPseudonym("p-0123456789abcdef")
            .setAffectedVersions(List.of(1))
            .build());
    return retrain;
  }
}
