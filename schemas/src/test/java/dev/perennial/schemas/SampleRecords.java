package dev.perennial.schemas;

import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.BaseAliases;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.EncryptedContent;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.FeedbackKind;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import dev.perennial.schemas.v1.GiveUpOutcome;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.OffsetRange;
import dev.perennial.schemas.v1.RaterGuard;
import dev.perennial.schemas.v1.RebaseDetails;
import dev.perennial.schemas.v1.RecipeSearch;
import dev.perennial.schemas.v1.RecipeTrial;
import dev.perennial.schemas.v1.ReferenceKind;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.ReleaseRef;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.SkipReason;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.SubjectKey;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.schemas.v1.TrainingMetrics;
import dev.perennial.schemas.v1.TrainingRecipe;
import dev.perennial.schemas.v1.TrainingReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** One record of every topic with every field set, optional ones included. */
public final class SampleRecords {

  private static final Instant AT = Instant.parse("2026-03-01T10:15:30.123Z");
  private static final String DIGEST =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  private SampleRecords() {}

  /** A sample of {@code type}, one of {@link Contracts#RECORD_TYPES}. */
  public static SpecificRecord of(Class<? extends SpecificRecord> type) {
    return all().stream()
        .filter(type::isInstance)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no sample of " + type.getName()));
  }

  public static List<SpecificRecord> all() {
    return List.of(
        document(),
        feedback(),
        consentChange(),
        trainingExample(),
        rejectedRecord(),
        erasureRequest(),
        trainingJob(),
        adapterCandidate(),
        evaluationVerdict(),
        adapterRelease(),
        auditEvent(),
        subjectKey(),
        baseAnnouncement(),
        adapterImport(),
        jobGivenUp());
  }

  public static AdapterImport adapterImport() {
    return AdapterImport.newBuilder()
        .setImportId("import-acme-support-1")
        .setAdapterKey("acme/support")
        .setLocation("adapters/" + DIGEST)
        .setBaseModelName("perennial-tiny")
        .setBaseModelDigest("sha256:" + DIGEST)
        .setSource("hf:acme/support-lora")
        .setDeclaredBase("meta-llama/Llama-3.2-1B")
        .setFileDigests(Map.of("adapter_config.json", DIGEST, "adapter_model.safetensors", DIGEST))
        .setImportedBy("operator:alice")
        .setReason("trained on the old platform")
        .setImportedAt(AT)
        .build();
  }

  public static JobGivenUp jobGivenUp() {
    return JobGivenUp.newBuilder()
        .setJobId("acme/support@7-0123456789ab")
        .setTenant("acme")
        .setAdapterKey("acme/support")
        .setTrigger(JobTrigger.REBASE)
        .setOutcome(GiveUpOutcome.SKIPPED)
        .setSkipReason(SkipReason.TOKENIZER_CHANGED)
        .setDetail("the stable release was trained with other tokenizer files")
        .setWorkerId("worker-0")
        .setGivenUpAt(AT)
        .build();
  }

  public static BaseAnnouncement baseAnnouncement() {
    return BaseAnnouncement.newBuilder()
        .setName("perennial-tiny-2")
        .setDigest("sha256:" + DIGEST)
        .setLocation("bundled:perennial-tiny-2")
        .setSucceeds(oldBase())
        .setAnnouncedBy("operator:alice")
        .setReason("the world's next epoch")
        .setAnnouncedAt(AT)
        .build();
  }

  private static BaseRef oldBase() {
    return new BaseRef(
        "perennial-tiny", "sha256:" + DIGEST.replace('9', '6'), "bundled:perennial-tiny");
  }

  /** The names of top-level fields of {@code record} that are null; empty for every sample. */
  public static List<String> nullFields(SpecificRecord record) {
    return record.getSchema().getFields().stream()
        .filter(field -> record.get(field.pos()) == null)
        .map(Schema.Field::name)
        .toList();
  }

  public static Document document() {
    return Document.newBuilder()
        .setEventId("doc-1")
        .setTenant("acme")
        .setSubject("user-42")
        .setAdapter("support")
        .setSource("kb://articles/17")
        .setContent("The Zephyr X2 kettle now boils in 90 seconds. Ünïcödé ✓")
        .setContentType("text/markdown")
        .setLanguage("en")
        .setOccurredAt(AT)
        .setAttributes(Map.of("channel", "web"))
        .build();
  }

  public static Feedback feedback() {
    return Feedback.newBuilder()
        .setEventId("fb-1")
        .setTenant("acme")
        .setSubject("user-42")
        .setAdapter("support")
        .setAdapterVersion(3)
        .setConversationId("conv-9")
        .setTurnId("turn-2")
        .setPrompt("How fast does the Zephyr X2 boil?")
        .setResponse("In about two minutes.")
        .setKind(FeedbackKind.PREFERENCE)
        .setRating(2)
        .setCorrection("In 90 seconds.")
        .setChosen("In 90 seconds.")
        .setRejected("In about two minutes.")
        .setOccurredAt(AT)
        .setAttributes(Map.of("client", "ios"))
        .build();
  }

  public static ConsentChange consentChange() {
    return ConsentChange.newBuilder()
        .setTenant("acme")
        .setSubject("user-42")
        .setPurpose("adapter-training")
        .setGranted(true)
        .setChangedAt(AT)
        .setSource("consent-service")
        .setPolicyVersion("2026-01")
        .build();
  }

  public static TrainingExample trainingExample() {
    return TrainingExample.newBuilder()
        .setExampleId(DIGEST)
        .setAdapterKey("acme/support")
        .setTenant("acme")
        .setSubjectPseudonym("p-5d41402abc4b2a76")
        .setKind(ExampleKind.PREFERENCE)
        .setText("The Zephyr X2 kettle boils in 90 seconds.")
        .setPrompt("How fast does the Zephyr X2 boil?")
        .setCompletion("In 90 seconds.")
        .setChosen("In 90 seconds.")
        .setRejected("In about two minutes.")
        .setSource(source("perennial.feedback.v1", 2, 1234L))
        .setEventId("fb-1")
        .setConsentVersion("2026-01@1772360130123")
        .setRedactions(Map.of("EMAIL", 2, "PHONE", 1))
        .setOccurredAt(AT)
        .setIngestedAt(AT.plusSeconds(1))
        .setEncrypted(
            EncryptedContent.newBuilder()
                .setKeyId("k-0123456789abcdef")
                .setFields(Map.of("text", ByteBuffer.wrap(new byte[] {1, 2, 3})))
                .build())
        .setDesirable(true)
        .setRating(5)
        .setSplitKey("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        .build();
  }

  public static SubjectKey subjectKey() {
    return SubjectKey.newBuilder()
        .setTenant("acme")
        .setSubjectPseudonym("p-5d41402abc4b2a76")
        .setKeyId("k-0123456789abcdef")
        .setMasterKeyId("m1")
        .setWrappedKey(ByteBuffer.wrap(new byte[60]))
        .setCreatedAt(AT)
        .build();
  }

  public static RejectedRecord rejectedRecord() {
    return RejectedRecord.newBuilder()
        .setSource(source("perennial.documents.v1", 0, 77L))
        .setKey(ByteBuffer.wrap("acme/user-42".getBytes(StandardCharsets.UTF_8)))
        .setValue(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 1, 2, (byte) 0xff}))
        .setReason(RejectReason.INVALID_FIELD)
        .setDetail("contentType is empty")
        .setTenant("acme")
        .setEventId("doc-2")
        .setRejectedAt(AT)
        .build();
  }

  public static ErasureRequest erasureRequest() {
    return ErasureRequest.newBuilder()
        .setRequestId("erase-1")
        .setTenant("acme")
        .setSubjectPseudonym("p-5d41402abc4b2a76")
        .setRevokedAt(AT)
        .setSource(source("perennial.consent.v1", 1, 5L))
        .build();
  }

  public static TrainingJob trainingJob() {
    return TrainingJob.newBuilder()
        .setJobId("job-acme-support-7")
        .setAdapterKey("acme/support")
        .setTenant("acme")
        .setTrigger(JobTrigger.ERASURE)
        .setShards(List.of(shard(DIGEST, 0, 100)))
        .setHeldOutShards(List.of(shard(DIGEST.replace('9', '8'), 100, 110)))
        .setReplayShards(List.of(shard(DIGEST.replace('9', '7'), 0, 50)))
        .setHeldOutPool(
            List.of(
                shard(DIGEST.replace('9', '6'), 60, 70), shard(DIGEST.replace('9', '8'), 100, 110)))
        .setCarriedJobs(List.of("job-acme-support-6"))
        .setErasure(
            ErasureDetails.newBuilder()
                .setRequestId("erase-1")
                .setSubjectPseudonym("p-5d41402abc4b2a76")
                .setAffectedVersions(List.of(2, 3))
                .build())
        .setRebase(
            RebaseDetails.newBuilder()
                .setFromBase(oldBase())
                .setToBase(
                    new BaseRef("perennial-tiny-2", "sha256:" + DIGEST, "bundled:perennial-tiny-2"))
                .setSourceRelease(lineage().getTeacher())
                .setDistil(true)
                .build())
        .setAdapterImport(adapterImport())
        .setCreatedAt(AT)
        .build();
  }

  public static AdapterCandidate adapterCandidate() {
    return AdapterCandidate.newBuilder()
        .setCandidateId("cand-job-acme-support-7")
        .setJobId("job-acme-support-7")
        .setAdapterKey("acme/support")
        .setTenant("acme")
        .setLocation("adapters/" + DIGEST)
        .setFileDigests(Map.of("adapter_config.json", DIGEST, "adapter_model.safetensors", DIGEST))
        .setBaseModelName("perennial-tiny-llama")
        .setBaseModelDigest(DIGEST)
        .setBaseModelLocation("bundled:perennial-tiny-llama")
        .setParentVersion(3)
        .setShards(List.of(shard(DIGEST, 0, 100)))
        .setHeldOutShards(List.of(shard(DIGEST.replace('9', '8'), 100, 110)))
        .setReplayShards(List.of(shard(DIGEST.replace('9', '7'), 0, 50)))
        .setHeldOutPool(
            List.of(
                shard(DIGEST.replace('9', '6'), 60, 70), shard(DIGEST.replace('9', '8'), 100, 110)))
        .setCarriedJobs(List.of("job-acme-support-6"))
        .setAdapterImport(adapterImport())
        .setTrigger(JobTrigger.ERASURE)
        .setErasure(
            ErasureDetails.newBuilder()
                .setRequestId("erase-1")
                .setSubjectPseudonym("p-5d41402abc4b2a76")
                .setAffectedVersions(List.of(2, 3))
                .build())
        .setLineage(lineage())
        .setSearch(
            RecipeSearch.newBuilder()
                .setWinner("learning-rate x2")
                .setFullSteps(500)
                .setTrialSteps(875)
                .setRankedBy("replay loss rise <= 0.05 nats, then validation gain")
                .setTrials(
                    List.of(
                        RecipeTrial.newBuilder()
                            .setVariant("learning-rate x0.5")
                            .setRecipe(Map.of("learning.rate", "1.5e-4"))
                            .setSeed(42)
                            .setRound(0)
                            .setSteps(125)
                            .setGatesPassed(true)
                            .setLearningGain(0.12)
                            .setMarginBeyondInterval(0)
                            .setDroppedInRound(0)
                            .build(),
                        RecipeTrial.newBuilder()
                            .setVariant("learning-rate x2")
                            .setRecipe(Map.of("learning.rate", "6e-4"))
                            .setSeed(42)
                            .setRound(1)
                            .setSteps(250)
                            .setGatesPassed(true)
                            .setLearningGain(0.31)
                            .setMarginBeyondInterval(0)
                            .build()))
                .build())
        .setRaterGuard(
            RaterGuard.newBuilder()
                .setSubjectsCompared(20)
                .setSubjectsSetAside(6)
                .setExamplesSetAside(122)
                .setAlpha(0.01)
                .setMinItems(8)
                .setMinOthers(2)
                .setMajorityVote(true)
                .setExamplesOutvoted(41)
                .build())
        .setExampleCount(100)
        .setTokenCount(12_800)
        .setRecipe(
            TrainingRecipe.newBuilder()
                .setSeed(42)
                .setEpochs(2)
                .setMaxSteps(500)
                .setBatchSize(8)
                .setMaxSequenceLength(128)
                .setOptimizer("adamw")
                .setLearningRate(3e-4)
                .setLearningRateSchedule("cosine")
                .setWarmupSteps(10)
                .setWeightDecay(0.01)
                .setMaxGradNorm(1.0)
                .setLoraRank(8)
                .setLoraAlpha(16)
                .setLoraDropout(0.05)
                .setTargetModules(List.of("q_proj", "v_proj"))
                .setReplayRatio(0.25)
                .setExtras(Map.of("label_smoothing", "0.1"))
                .build())
        .setMetrics(
            TrainingMetrics.newBuilder()
                .setSteps(25)
                .setTrainedTokens(25_600)
                .setInitialLoss(4.2)
                .setFinalLoss(1.3)
                .setMinLoss(1.25)
                .setLossCurveSteps(List.of(0, 10, 20, 25))
                .setLossCurve(List.of(4.2, 2.5, 1.25, 1.3))
                .setTokensPerSecond(21_000.5)
                .build())
        .setTrainerVersion("0.1.0")
        .setDevice("cpu()")
        .setTrainingMillis(1_200)
        .setTotalMillis(1_900)
        .setCreatedAt(AT)
        .build();
  }

  public static EvaluationVerdict evaluationVerdict() {
    return EvaluationVerdict.newBuilder()
        .setVerdictId("verdict-cand-job-acme-support-7")
        .setAdapterKey("acme/support")
        .setCandidate(adapterCandidate())
        .setIncumbentVersion(3)
        .setPassed(false)
        .setMetrics(Map.of("learning.exact_match", 0.82, "retention.exact_match", 0.91))
        .setGates(
            List.of(
                Gate.newBuilder()
                    .setName("learning")
                    .setValue(0.82)
                    .setThreshold(0.8)
                    .setComparator(GateComparator.GREATER_OR_EQUAL)
                    .setPassed(true)
                    .setOutcome(EvaluationOutcome.PASSED)
                    .setN(40)
                    .setLower(0.81)
                    .setUpper(0.84)
                    .setConfidence(0.95)
                    .build(),
                Gate.newBuilder()
                    .setName("leak")
                    .setValue(1.0)
                    .setThreshold(0.0)
                    .setComparator(GateComparator.LESS_OR_EQUAL)
                    .setPassed(false)
                    .setOutcome(EvaluationOutcome.FAILED)
                    .build()))
        .setOutcome(EvaluationOutcome.FAILED)
        .setReason("failing leak 1.000 <= 0.000")
        .setReportLocation("reports/" + DIGEST)
        .setEvaluationStartedAt(AT.minusSeconds(2))
        .setEvaluatedAt(AT)
        .build();
  }

  public static AdapterRelease adapterRelease() {
    return AdapterRelease.newBuilder()
        .setAdapterKey("acme/support")
        .setVersion(4)
        .setAction(ReleaseAction.ROLLED_BACK)
        .setLocation("adapters/" + DIGEST)
        .setManifestDigest(DIGEST)
        .setFileDigests(Map.of("adapter_model.safetensors", DIGEST))
        .setBaseModelName("perennial-tiny-llama")
        .setBaseModelDigest(DIGEST)
        .setBaseTokenizerDigest("sha256:" + DIGEST)
        .setCandidateId("cand-job-acme-support-7")
        .setReason("retention gate regressed in production")
        .setLatestVersion(5)
        .setAliases(Map.of("stable", 4, "canary", 4))
        .setAliasTargets(
            List.of(
                ReleaseRef.newBuilder()
                    .setVersion(4)
                    .setLocation("adapters/" + DIGEST)
                    .setManifestDigest(DIGEST)
                    .setBaseModelDigest(DIGEST)
                    .setBaseTokenizerDigest("sha256:" + DIGEST)
                    .build()))
        .setBaseAliases(
            List.of(
                BaseAliases.newBuilder()
                    .setBaseModelName("perennial-tiny-llama")
                    .setBaseModelDigest(DIGEST)
                    .setAliases(Map.of("stable", 4, "canary", 4))
                    .build()))
        .setLineage(lineage())
        .setRetractedVersions(List.of(2))
        .setOccurredAt(AT)
        .build();
  }

  /** A distilled adapter's lineage, every field set. */
  public static Lineage lineage() {
    LineageRelease teacher =
        LineageRelease.newBuilder()
            .setVersion(3)
            .setLocation("adapters/" + DIGEST)
            .setManifestDigest(DIGEST)
            .setBaseModelName("perennial-tiny")
            .setBaseModelDigest(DIGEST.replace('9', '6'))
            .setBaseModelLocation("bundled:perennial-tiny")
            .build();
    return Lineage.newBuilder()
        .setMethod(LineageMethod.DISTILLED)
        .setSourceRelease(teacher)
        .setTeacher(teacher)
        .setDataDigest(DIGEST)
        .setImportedFrom("hub:someone/adapter")
        .setReference(
            TrainingReference.newBuilder()
                .setKind(ReferenceKind.INCUMBENT)
                .setRelease(teacher)
                .build())
        .build();
  }

  public static AuditEvent auditEvent() {
    return AuditEvent.newBuilder()
        .setEventId("audit-1")
        .setAdapterKey("acme/support")
        .setStage(AuditStage.PUBLISHER)
        .setAction("release-rolled-back")
        .setActor("operator:alice")
        .setReason("retention gate regressed in production")
        .setDetails(Map.of("from", "5", "to", "4"))
        .setOccurredAt(AT)
        .build();
  }

  private static SourceRef source(String topic, int partition, long offset) {
    return new SourceRef(topic, partition, offset);
  }

  private static ShardRef shard(String digest, long from, long to) {
    return ShardRef.newBuilder()
        .setDigest(digest)
        .setExampleCount((int) (to - from))
        .setTokenCount((to - from) * 128)
        .setOffsetRanges(List.of(new OffsetRange("perennial.examples.v1", 0, from, to)))
        .build();
  }
}
