package dev.perennial.publisher.retract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.crypto.Ed25519Signatures;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.alias.AliasCommand;
import dev.perennial.publisher.alias.AliasCommandProcessor;
import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.VerdictProcessor;
import dev.perennial.publisher.release.PurgeNotice;
import dev.perennial.publisher.release.RegistryRebuild;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.sign.ManifestScreen;
import dev.perennial.publisher.sign.ReleaseVerifier;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weights of a release retracted for an erasure are deleted from the release area and the
 * artifact store, as the publisher's loop does it (retraction committed, then the purge) and as its
 * start does it (rebuild, then every purge a crash left undone).
 */
class WeightPurgeTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final TenantPolicy IMMEDIATE = new TenantPolicy(true, RetractionPolicy.IMMEDIATE);
  private static final String WEIGHTS = "adapter_model.safetensors";

  @TempDir Path folder;

  private final SigningKey signingKey = SigningKey.generate();
  private final Clock clock = Clock.fixed(TestVerdicts.AT, ZoneOffset.UTC);
  private LocalArtifactStore store;
  private ReleaseArea area;
  private VerdictProcessor verdicts;
  private ErasureJobProcessor erasures;
  private WeightPurge purge;
  private ReleaseRegistry registry = ReleaseRegistry.empty();
  private AdapterRelease latestRecord;

  @BeforeEach
  void setUp() {
    store = new LocalArtifactStore(folder.resolve("artifacts"));
    area = new ReleaseArea(folder.resolve("releases"));
    area.publishKey(signingKey);
    verdicts = new VerdictProcessor(area, store, signingKey, tenant -> IMMEDIATE, "pub", clock);
    purge = new WeightPurge(area, store, signingKey, clock);
    erasures =
        new ErasureJobProcessor(
            tenant -> IMMEDIATE,
            new RetractionSchedule(area.root()),
            Duration.ofHours(24),
            "test-publisher",
            clock);
  }

  /** Commits a decision as the service does: its state, then the purge of what it retracted. */
  private Decision commit(Decision decision) {
    decision.state().ifPresent(state -> registry = registry.with(state));
    if (!decision.releases().isEmpty()) {
      latestRecord = decision.releases().get(decision.releases().size() - 1);
    }
    purge.purgeRetracted(registry, decision.releases());
    return decision;
  }

  private void publish(AdapterCandidate candidate) {
    commit(verdicts.process(registry, TestVerdicts.passed(candidate)));
  }

  private Decision retract(int... versions) {
    List<Integer> affected = java.util.Arrays.stream(versions).boxed().toList();
    return erasures.process(
        registry, TestVerdicts.erasureJob(KEY.toString(), "job-erase", affected));
  }

  private Path v(int version) {
    return area.folder(KEY, version);
  }

  private boolean verifies(int version) {
    return ReleaseVerifier.withPinnedKeys(List.of(signingKey.publicKey()))
        .verify(v(version), KEY, version)
        .ok();
  }

  /**
   * What a restarted publisher starts from: the scan of the area and the latest record, with the
   * releases whose manifest does not verify quarantined (as PublisherService's start does it).
   */
  private RegistryRebuild.Result restart() {
    RegistryRebuild.Result rebuilt =
        RegistryRebuild.rebuild(area.scan(true), Map.of(KEY.toString(), latestRecord));
    return new RegistryRebuild.Result(
        new ManifestScreen(ReleaseVerifier.withPinnedKeys(List.of(signingKey.publicKey())))
            .screen(rebuilt.registry()),
        rebuilt.notes(),
        rebuilt.quarantined());
  }

  @Test
  void anErasureRetractionDeletesTheWeightsAndKeepsTheSignedManifestAndSignature() {
    AdapterCandidate first = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
    publish(first);
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));
    Digest weights = Digest.parse("sha256:" + first.getFileDigests().get(WEIGHTS));
    Digest index = Digest.parse(first.getLocation());
    assertThat(store.exists(weights)).isTrue();

    Decision decision = commit(retract(1));

    assertThat(v(1))
        .isDirectoryContaining("glob:**/manifest.json")
        .isDirectoryContaining("glob:**/manifest.sig")
        .isDirectoryContaining("glob:**/" + PurgeNotice.FILE_NAME)
        .isDirectoryContaining("glob:**/" + PurgeNotice.SIGNATURE_FILE_NAME)
        .isDirectoryNotContaining("glob:**/" + WEIGHTS);
    assertThat(store.exists(weights)).as("the weights' blob").isFalse();
    assertThat(store.exists(index)).as("the adapter's folder index").isFalse();
    assertThat(v(2)).isDirectoryContaining("glob:**/" + WEIGHTS);
    assertThat(verifies(1)).as("a purged release verifies").isTrue();
    assertThat(verifies(2)).isTrue();
    AuditEvent audit = decision.audits().get(0);
    assertThat(audit.getDetails()).containsEntry("weightsPurged", WEIGHTS);
    assertThat(audit.getReason()).contains("weights are purged");
    assertThat(PurgeNotice.read(v(1)).orElseThrow().files()).containsOnlyKeys(WEIGHTS);
  }

  /**
   * v2's folder is written but its announcement never commits (Kafka refused it and quarantined the
   * key, or the publisher crashed and the verdict was skipped since): once v3 is announced, v2 is
   * unannounced for good, never served, and named by no erasure (the trainer knows releases from
   * releases.v1 only). Its copies of the weights must go, not stay readable in the area.
   */
  private void publishWithV2LeftUnannounced() {
    publish(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    verdicts.process(
        registry, TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));
    registry = RegistryRebuild.withFolders(registry, area.scan(false));
    assertThat(v(2)).isDirectoryContaining("glob:**/" + WEIGHTS);
  }

  @Test
  void audit_theWeightsOfAFolderLeftUnannouncedArePurgedOnceALaterReleaseIsAnnounced() {
    publishWithV2LeftUnannounced();

    publish(TestVerdicts.candidate(store, "acme/support", "cand-3", 1));

    assertThat(registry.get(KEY).unannounced()).containsExactly(2);
    assertThat(v(2))
        .isDirectoryContaining("glob:**/manifest.json")
        .isDirectoryContaining("glob:**/" + PurgeNotice.FILE_NAME)
        .isDirectoryNotContaining("glob:**/" + WEIGHTS);
    assertThat(v(3)).isDirectoryContaining("glob:**/" + WEIGHTS);
    assertThat(v(1)).isDirectoryContaining("glob:**/" + WEIGHTS);
  }

  @Test
  void audit_aStartPurgesTheWeightsOfAnUnannouncedFolderThatACrashLeftBehind() {
    publishWithV2LeftUnannounced();
    // v3's announcement commits, the publisher crashes before anything else
    Decision announced =
        verdicts.process(
            registry,
            TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-3", 1)));
    registry = registry.with(announced.state().orElseThrow());
    latestRecord = announced.releases().get(announced.releases().size() - 1);
    assertThat(v(2)).isDirectoryContaining("glob:**/" + WEIGHTS);

    purge.completeRetracted(restart().registry());

    assertThat(v(2)).isDirectoryNotContaining("glob:**/" + WEIGHTS);
    assertThat(v(3)).isDirectoryContaining("glob:**/" + WEIGHTS);
  }

  @Test
  void aPurgedUnannouncedFolderIsNeverAnnouncedWhenItsVerdictComesAgain() throws Exception {
    publishWithV2LeftUnannounced();
    publish(TestVerdicts.candidate(store, "acme/support", "cand-3", 1));
    JsonNode notice = Json.MAPPER.readTree(PurgeNotice.read(v(2)).orElseThrow().bytes());
    assertThat(notice.path("retraction").asText()).startsWith("never announced");
    assertThat(verifies(2)).as("a purged folder verifies").isTrue();

    Decision again =
        verdicts.process(
            registry,
            TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));

    assertThat(again.outcome()).isEqualTo(Decision.Outcome.REFUSED);
    assertThat(again.audits().get(0).getReason()).contains("its weights were purged");
    assertThat(again.releases()).isEmpty();
  }

  @Test
  void aBlobThatAReleaseStillServedHoldsIsKeptInTheStore() {
    AdapterCandidate first = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
    publish(first);
    // the same files (content-addressed: the same blobs) released again as v2
    publish(AdapterCandidate.newBuilder(first).setCandidateId("cand-2").setJobId("j2").build());
    Digest weights = Digest.parse("sha256:" + first.getFileDigests().get(WEIGHTS));

    commit(retract(1));

    assertThat(v(1)).isDirectoryNotContaining("glob:**/" + WEIGHTS);
    assertThat(store.exists(weights)).isTrue();
    assertThat(store.exists(Digest.parse(first.getLocation()))).isTrue();
  }

  @Test
  void aRestartOverAPurgedFolderNeitherQuarantinesTheKeyNorFailsVerification() {
    publish(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));
    commit(retract(1));

    RegistryRebuild.Result rebuilt = restart();

    assertThat(rebuilt.quarantined()).isEmpty();
    assertThat(rebuilt.notes()).isEmpty();
    assertThat(rebuilt.registry().get(KEY).isRetracted(1)).isTrue();
    assertThat(purge.completeRetracted(rebuilt.registry())).as("nothing left to purge").isEmpty();
    assertThat(verifies(1)).isTrue();
  }

  @Test
  void theSignedPurgeNoticeSaysWhichErasureRequestRetractedTheReleaseAndWhy() throws Exception {
    // retracted without a replacement: no later manifest names the request, and releases.v1
    // (compacted)
    // keeps the RETRACTED record's reason only until the key's next record
    publish(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));

    Decision decision = commit(retract(1));

    String reason = decision.releases().get(0).getReason();
    assertThat(reason).contains("erase-job-erase");
    JsonNode notice = Json.MAPPER.readTree(PurgeNotice.read(v(1)).orElseThrow().bytes());
    assertThat(notice.path("retraction").asText(null)).isEqualTo(reason);
    assertThat(verifies(1)).as("the notice, signed, verifies").isTrue();
  }

  @Test
  void aCrashBetweenTheRetractionAndThePurgeIsFinishedOnRestart() {
    publish(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));
    Decision decision = retract(1);
    // committed, then the process died before the purge
    decision.state().ifPresent(state -> registry = registry.with(state));
    latestRecord = decision.releases().get(0);
    assertThat(v(1)).isDirectoryContaining("glob:**/" + WEIGHTS);

    RegistryRebuild.Result rebuilt = restart();
    List<WeightPurge.Result> finished = purge.completeRetracted(rebuilt.registry());

    assertThat(finished)
        .singleElement()
        .satisfies(
            result -> {
              assertThat(result.version()).isEqualTo(1);
              assertThat(result.files()).containsExactly(WEIGHTS);
            });
    assertThat(v(1)).isDirectoryNotContaining("glob:**/" + WEIGHTS);
    assertThat(rebuilt.quarantined()).isEmpty();
    assertThat(verifies(1)).isTrue();
  }

  @Test
  void aCrashBetweenTheFolderPurgeAndTheStoresIsFinishedOnRestart() {
    publish(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));
    Decision decision = retract(1);
    decision.state().ifPresent(state -> registry = registry.with(state));
    latestRecord = decision.releases().get(0);
    StoredRelease retracted = registry.get(KEY).release(1).orElseThrow();
    Digest weights = retracted.manifest().files().get(WEIGHTS);
    // the folder purged (weights gone, notice written), then the process died before the store's
    area.purge(
        retracted,
        PurgeNotice.of(
            KEY,
            1,
            WeightPurge.weightFiles(retracted.manifest()),
            signingKey.keyId(),
            clock.instant(),
            null),
        signingKey);
    assertThat(store.exists(weights)).isTrue();

    List<WeightPurge.Result> finished = purge.completeRetracted(restart().registry());

    assertThat(store.exists(weights)).as("the erased data's weights left in the store").isFalse();
    assertThat(finished).singleElement().satisfies(r -> assertThat(r.blobs()).contains(weights));
    assertThat(verifies(1)).isTrue();
  }

  @Test
  void aPurgeThatFailsIsTriedAgainAfterPausesThatDoubleUntilTheWeightsAreGone() throws Exception {
    MovableClock now = new MovableClock();
    purge = new WeightPurge(area, store, signingKey, now);
    AdapterCandidate first = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
    publish(first);
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));
    Digest weights = Digest.parse("sha256:" + first.getFileDigests().get(WEIGHTS));
    // the artifact store's volume is gone while the retraction is purged
    Path unmounted = folder.resolve("artifacts-unmounted");
    Files.move(store.root(), unmounted);

    commit(retract(1));

    assertThat(purge.pending()).containsOnlyKeys("acme/support v1");
    assertThat(purge.failedAttempts()).isEqualTo(1);
    assertThat(purge.retryDue(registry)).as("retried before its pause is over").isEmpty();
    assertThat(purge.failedAttempts()).isEqualTo(1);

    now.advance(Duration.ofSeconds(WeightPurge.FIRST_RETRY_SECONDS));
    assertThat(purge.retryDue(registry)).as("the store is still gone").isEmpty();
    assertThat(purge.failedAttempts()).isEqualTo(2);
    assertThat(purge.pending().get("acme/support v1").due())
        .isEqualTo(now.instant().plusSeconds(2 * WeightPurge.FIRST_RETRY_SECONDS));

    Files.move(unmounted, store.root());
    assertThat(store.exists(weights)).isTrue();
    now.advance(Duration.ofSeconds(2 * WeightPurge.FIRST_RETRY_SECONDS));
    List<WeightPurge.Result> retried = purge.retryDue(registry);

    assertThat(retried).singleElement().satisfies(r -> assertThat(r.blobs()).contains(weights));
    assertThat(store.exists(weights)).as("the erased data's weights left in the store").isFalse();
    assertThat(purge.pending()).isEmpty();
    assertThat(verifies(1)).isTrue();
  }

  /** A clock that stands still until the test moves it on. */
  private static final class MovableClock extends Clock {
    private Instant now = TestVerdicts.AT;

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /**
   * Rewrites a release's manifest.json on disk (its signature no longer verifies) so that it names
   * {@code forged} as the digest of its weights.
   */
  private void forgeWeightsDigest(int version, Digest forged) throws Exception {
    Path manifest = v(version).resolve("manifest.json");
    Digest genuine =
        registry.get(KEY).release(version).orElseThrow().manifest().files().get(WEIGHTS);
    Files.writeString(
        manifest, Files.readString(manifest).replace(genuine.toString(), forged.toString()));
  }

  /** The retraction of v1 committed, then the process died before the purge (done at restart). */
  private void retractAndCrashBeforeThePurge() {
    Decision decision = retract(1);
    decision.state().ifPresent(state -> registry = registry.with(state));
    latestRecord = decision.releases().get(0);
  }

  @Test
  void aRetractedReleasesTamperedManifestDoesNotSteerThePurgeAtStart() throws Exception {
    AdapterCandidate first = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
    publish(first);
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));
    Digest weights = Digest.parse("sha256:" + first.getFileDigests().get(WEIGHTS));
    // a blob no release names (a training shard, say) that the forged manifest claims as weights
    Digest other = store.put("not this release's weights".getBytes(UTF_8));
    retractAndCrashBeforeThePurge();
    forgeWeightsDigest(1, other);

    List<WeightPurge.Result> purged = purge.completeRetracted(restart().registry());

    assertThat(store.exists(other)).as("a blob the forged manifest names").isTrue();
    assertThat(purged).singleElement().satisfies(r -> assertThat(r.blobs()).contains(weights));
    assertThat(store.exists(weights)).as("the erased data's weights, by what v1 holds").isFalse();
    assertThat(v(1)).isDirectoryNotContaining("glob:**/" + WEIGHTS);
    PurgeNotice notice = PurgeNotice.read(v(1)).orElseThrow();
    assertThat(notice.files())
        .as("the notice names what the folder held, not what the forged manifest says")
        .containsExactly(Map.entry(WEIGHTS, weights));
    assertThat(
            Ed25519Signatures.verify(
                signingKey.publicKey(), notice.bytes(), ReleaseArea.readPurgeSignature(v(1))))
        .isTrue();
  }

  @Test
  void aQuarantinedRetractedReleaseIsPurgedAtStartAndVerifiesOnceItsManifestIsRestored()
      throws Exception {
    AdapterCandidate first = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
    publish(first);
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));
    Digest weights = Digest.parse("sha256:" + first.getFileDigests().get(WEIGHTS));
    retractAndCrashBeforeThePurge();
    byte[] genuine = Files.readAllBytes(v(1).resolve("manifest.json"));
    forgeWeightsDigest(1, Digest.of("forged".getBytes(UTF_8)));

    RegistryRebuild.Result forged = restart();
    List<WeightPurge.Result> whileForged = purge.completeRetracted(forged.registry());
    Files.write(v(1).resolve("manifest.json"), genuine);
    List<WeightPurge.Result> restored = purge.completeRetracted(restart().registry());

    assertThat(forged.registry().quarantine(KEY, 1))
        .hasValueSatisfying(reason -> assertThat(reason).contains("does not verify"));
    assertThat(forged.registry().quarantine(KEY, 2)).isEmpty();
    assertThat(whileForged)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.files()).containsExactly(WEIGHTS);
              assertThat(r.blobs()).contains(weights);
            });
    assertThat(store.exists(weights)).isFalse();
    assertThat(restored)
        .as("the folder index, which only the manifest names, once it verifies")
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.files()).isEmpty();
              assertThat(r.blobs()).containsExactly(Digest.parse(first.getLocation()));
            });
    assertThat(verifies(1)).as("the notice names the files the restored manifest lists").isTrue();
  }

  @Test
  void aQuarantinedRetractedReleasesPurgeKeepsTheBlobsAVerifiedServedReleaseHolds()
      throws Exception {
    AdapterCandidate first = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
    publish(first);
    // the same files (the same blobs) released again as v2, which stays served and verifies
    publish(AdapterCandidate.newBuilder(first).setCandidateId("cand-2").setJobId("j2").build());
    Digest weights = Digest.parse("sha256:" + first.getFileDigests().get(WEIGHTS));
    retractAndCrashBeforeThePurge();
    forgeWeightsDigest(1, Digest.of("forged".getBytes(UTF_8)));

    List<WeightPurge.Result> purged = purge.completeRetracted(restart().registry());

    assertThat(v(1)).isDirectoryNotContaining("glob:**/" + WEIGHTS);
    assertThat(purged).singleElement().satisfies(r -> assertThat(r.shared()).contains(weights));
    assertThat(store.exists(weights)).as("the blob served v2 names").isTrue();
    assertThat(verifies(2)).isTrue();
  }

  @Test
  void aServedReleasesTamperedManifestDoesNotLetThePurgeDeleteItsBlob() throws Exception {
    AdapterCandidate first = TestVerdicts.candidate(store, "acme/support", "cand-1", null);
    publish(first);
    // the same files (the same blobs) released again as v2, which stays served
    publish(AdapterCandidate.newBuilder(first).setCandidateId("cand-2").setJobId("j2").build());
    Digest weights = Digest.parse("sha256:" + first.getFileDigests().get(WEIGHTS));
    retractAndCrashBeforeThePurge();
    forgeWeightsDigest(2, Digest.of("something else".getBytes(UTF_8)));

    purge.completeRetracted(restart().registry());

    assertThat(v(2)).isDirectoryContaining("glob:**/" + WEIGHTS);
    assertThat(store.exists(weights)).as("the blob served v2's folder holds").isTrue();
  }

  @Test
  void aTempFileACrashLeftInAPurgedFolderIsGoneAfterARestartAndTheFolderVerifies()
      throws Exception {
    publish(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));
    commit(retract(1));
    // what the purge's atomic write leaves when the process dies between writing and renaming
    Path leftover = v(1).resolve("." + PurgeNotice.FILE_NAME + "." + UUID.randomUUID());
    Files.write(leftover, PurgeNotice.read(v(1)).orElseThrow().bytes());

    restart();

    assertThat(leftover).doesNotExist();
    assertThat(verifies(1)).isTrue();
  }

  @Test
  void aPurgeNoticeStagedBesideTheFolderByACrashedPurgeIsGoneAfterARestart() throws Exception {
    publish(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));
    commit(retract(1));
    // where the purge stages its notice now: beside the version folder, in the adapter's
    Path staged =
        v(1).resolveSibling(".staging-v1-" + PurgeNotice.FILE_NAME + "-" + UUID.randomUUID());
    Files.write(staged, PurgeNotice.read(v(1)).orElseThrow().bytes());

    ReleaseArea.Scan scan = area.scan(true);

    assertThat(staged).doesNotExist();
    assertThat(scan.strays()).isEmpty();
    assertThat(scan.problems()).isEmpty();
    assertThat(verifies(1)).isTrue();
  }

  @Test
  void aFileThePublisherNeverWritesStaysInAPurgedFolderAndFailsVerification() throws Exception {
    publish(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));
    commit(retract(1));
    Path planted = v(1).resolve("." + PurgeNotice.FILE_NAME + ".backup");
    Files.writeString(planted, "{}");

    restart();

    assertThat(planted).exists();
    assertThat(
            ReleaseVerifier.withPinnedKeys(List.of(signingKey.publicKey()))
                .verify(v(1), KEY, 1)
                .problems())
        .contains("." + PurgeNotice.FILE_NAME + ".backup: not listed in the manifest");
  }

  @Test
  void aBlobCopiedIntoAPurgedRetractedFolderGoesFromTheFolderButNotFromTheStore() throws Exception {
    publish(TestVerdicts.candidate(store, "acme/support", "job-1#candidate", null));
    publish(TestVerdicts.candidate(store, "acme/support", "job-2#candidate", 1));
    commit(retract(1));
    Map<String, Digest> purgedBefore = PurgeNotice.read(v(1)).orElseThrow().files();
    // a blob no release holds (a training shard, an unreleased candidate's weights) that someone
    // who can write the release area copies into the purged folder as weights, its manifest
    // tampered with so that the folder is purged by what it holds
    byte[] shard = "a training shard".getBytes(UTF_8);
    Digest other = store.put(shard);
    Files.write(v(1).resolve(WEIGHTS), shard);
    forgeWeightsDigest(1, Digest.of("forged".getBytes(UTF_8)));

    RegistryRebuild.Result rebuilt = restart();
    List<WeightPurge.Result> purged = purge.completeRetracted(rebuilt.registry());

    assertThat(rebuilt.registry().quarantine(KEY, 1)).isPresent();
    assertThat(purged)
        .singleElement()
        .satisfies(r -> assertThat(r.files()).containsExactly(WEIGHTS));
    assertThat(v(1)).isDirectoryNotContaining("glob:**/" + WEIGHTS);
    assertThat(store.exists(other))
        .as("a blob the signed purge notice does not name (what v1 held when it was purged)")
        .isTrue();
    assertThat(PurgeNotice.read(v(1)).orElseThrow().files()).isEqualTo(purgedBefore);
  }

  @Test
  void anOperatorsRollbackDoesNotPurge() {
    publish(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    publish(TestVerdicts.candidate(store, "acme/support", "cand-2", 1));

    commit(
        new AliasCommandProcessor(clock)
            .process(
                registry,
                new AliasCommand(
                    KEY, "stable", 1, AliasCommand.Move.ROLLBACK, "operator", "latency")));
    List<WeightPurge.Result> atRestart = purge.completeRetracted(restart().registry());

    assertThat(registry.get(KEY).alias("stable")).contains(1);
    assertThat(atRestart).isEmpty();
    assertThat(v(1)).isDirectoryContaining("glob:**/" + WEIGHTS);
    assertThat(v(2)).isDirectoryContaining("glob:**/" + WEIGHTS);
    assertThat(Files.exists(v(2).resolve(PurgeNotice.FILE_NAME))).isFalse();
  }
}
