package dev.perennial.trainer.it;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.ReleaseRef;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.erasure.CandidatePurgeAudit;
import dev.perennial.trainer.erasure.CandidateWeights;
import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.shard.SourcedExample;
import dev.perennial.trainer.testing.Examples;
import dev.perennial.trainer.testing.TestBase;
import dev.perennial.trainer.testing.TrainerHarness;
import dev.perennial.trainer.worker.TrainerWorker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 acceptance: after a subject's erasure no blob in the artifact store holds the subject's
 * data, and each adapter key that trained on it gets an ERASURE job listing the releases that held
 * it (v2, trained on top of v1, included), which the worker retrains from a fresh adapter. A
 * candidate trained on the subject's data that was never released loses its weights in the store,
 * with an audit event saying so.
 *
 * <p>Issue 15 after it: a successor base announced on {@code bases.v1} yields exactly one REBASE
 * job per key with a stable release (none for a key without one), moving the retrained v3 (never
 * the retracted v1 and v2), over data without the erased subject's; the worker trains each on the
 * new base, carried over.
 */
class ErasureIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String ALICE = "p-7f3a9c";
  private static final HeldOutSplit SPLIT = new HeldOutSplit(0.3);

  @TempDir Path folder;

  private TrainerHarness harness;
  private final List<String> aliceTexts = new ArrayList<>();

  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anErasureLeavesNoTraceOfTheSubjectAndRetrainsTheKeysThatHeldIt() {
    harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    Map<String, String> values = harness.values();
    values.put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0.3");
    values.put("perennial.trainer.tenant.acme.trigger.min.examples", "3");
    values.put("perennial.trainer.tenant.globex.trigger.min.examples", "2");
    TrainerConfig config = harness.config();
    LocalArtifactStore store = new LocalArtifactStore(config.artifactStorePath());

    try (ServiceMetrics accumulatorMetrics = ServiceMetrics.create("trainer-accumulator");
        TrainerAccumulator accumulator = TrainerAccumulator.start(config, accumulatorMetrics);
        TrainerWorker worker =
            TrainerWorker.create(
                config, harness.topics(), store, new SimpleMeterRegistry(), null)) {
      worker.start();
      // v1 of acme/support holds Alice's examples
      send("acme/support", i -> i % 2 == 0 ? ALICE : "p-bob", "Support note");
      AdapterCandidate first = awaitCandidate(c -> c.getAdapterKey().equals("acme/support"));
      release(first, 1);
      // v2 continues v1 on Bob's and Carol's examples, replaying v1's shard
      send("acme/support", i -> i % 2 == 0 ? "p-carol" : "p-bob", "Later support note");
      AdapterCandidate second = awaitCandidate(c -> c.getParentVersion() != null);
      assertThat(second.getParentVersion()).isEqualTo(1);
      assertThat(second.getReplayShards()).containsExactlyElementsOf(first.getShards());
      release(second, 2);
      // acme/sales trained on Alice too (no release yet); Globex has a subject of its own
      send("acme/sales", i -> i == 1 ? ALICE : "p-carol", "Sales note");
      send("globex/support", i -> "p-zed", "Globex note");
      AdapterCandidate sales = awaitCandidate(c -> c.getAdapterKey().equals("acme/sales"));
      AdapterCandidate globex = awaitCandidate(c -> c.getAdapterKey().equals("globex/support"));
      // a pending example of Alice that no job holds yet
      TrainingExample pending = text("acme/support", ALICE, "Alice's pending note.");
      aliceTexts.add(pending.getText());
      harness.produce(harness.topics().examples(), List.of(KeyValue.pair("acme/support", pending)));
      awaitLineageEvents(accumulatorMetrics, 2, 4);

      harness.produce(
          harness.topics().erasures(), List.of(KeyValue.pair("acme/" + ALICE, erasure())));

      List<TrainingJob> retraining =
          harness.await(
              harness.topics().trainingJobs(),
              jobs -> erasureJobs(jobs).size() >= 2,
              Duration.ofSeconds(60));
      assertThat(erasureJobs(retraining))
          .extracting(TrainingJob::getAdapterKey)
          .containsExactlyInAnyOrder("acme/support", "acme/sales");
      TrainingJob support =
          erasureJobs(retraining).stream()
              .filter(job -> job.getAdapterKey().equals("acme/support"))
              .findFirst()
              .orElseThrow();
      assertThat(support.getErasure().getAffectedVersions()).containsExactly(1, 2);
      // the job names the request, never the subject
      assertThat(support.getErasure().getRequestId()).isEqualTo("erase-alice");
      assertThat(support.getErasure().toString()).doesNotContain(ALICE);
      List<AdapterCandidate> candidates =
          harness.await(
              harness.topics().candidates(),
              found -> found.stream().filter(c -> c.getErasure() != null).count() >= 2,
              Duration.ofSeconds(90));

      for (AdapterCandidate retrained : candidates) {
        if (retrained.getErasure() == null) {
          continue;
        }
        assertThat(retrained.getTrigger()).isEqualTo(JobTrigger.ERASURE);
        assertThat(retrained.getParentVersion()).as("trained from a fresh adapter").isNull();
        List<SourcedExample> lineage =
            TrainerHarness.examples(store, "acme", retrained.getShards());
        lineage.addAll(TrainerHarness.examples(store, "acme", retrained.getHeldOutShards()));
        assertThat(lineage)
            .isNotEmpty()
            .noneMatch(e -> e.example().getSubjectPseudonym().equals(ALICE));
      }
      assertNoBlobHoldsAlice(store);
      assertThat(TrainerHarness.examples(store, "globex", globex.getShards())).isNotEmpty();
      assertOnlyTheUnreleasedCandidateLostItsWeights(store, sales, List.of(first, second, globex));

      rebaseAfterTheErasure(accumulatorMetrics, store, candidates, globex);
    }
  }

  /**
   * The publisher releases acme/support's retrain as v3 (retracting v1 and v2) and globex's
   * candidate as v1; acme/sales has no release. Then a successor of the test base is announced.
   */
  private void rebaseAfterTheErasure(
      ServiceMetrics accumulator,
      LocalArtifactStore store,
      List<AdapterCandidate> candidates,
      AdapterCandidate globex) {
    AdapterCandidate retrained =
        candidates.stream()
            .filter(c -> c.getErasure() != null && c.getAdapterKey().equals("acme/support"))
            .findFirst()
            .orElseThrow();
    release(retrained, 3, List.of(1, 2));
    release(globex, 1, List.of());
    awaitLineageEvents(accumulator, 4, 6);
    Path successorFolder = TestBase.write(folder.resolve("successor"), TestBase.config(), 8);
    BaseModel successor = BaseModel.open(successorFolder, "successor");
    BaseRef old =
        new BaseRef(
            retrained.getBaseModelName(),
            retrained.getBaseModelDigest(),
            folder.resolve("base").toString());
    harness.produce(
        harness.topics().bases(),
        List.of(
            KeyValue.pair(
                "successor",
                BaseAnnouncement.newBuilder()
                    .setName("successor")
                    .setDigest(successor.digest())
                    .setLocation(successorFolder.toString())
                    .setSucceeds(old)
                    .setAnnouncedBy("ErasureIT")
                    .setAnnouncedAt(Instant.now())
                    .build())));

    List<AdapterCandidate> moved =
        harness
            .await(
                harness.topics().candidates(),
                found -> rebased(found).size() >= 2,
                Duration.ofSeconds(60))
            .stream()
            .filter(c -> c.getTrigger() == JobTrigger.REBASE)
            .toList();
    List<TrainingJob> rebaseJobs =
        harness.readAll(harness.topics().trainingJobs()).stream()
            .filter(job -> job.getTrigger() == JobTrigger.REBASE)
            .toList();
    assertThat(rebaseJobs)
        .extracting(TrainingJob::getAdapterKey)
        .containsExactlyInAnyOrder("acme/support", "globex/support");
    for (TrainingJob job : rebaseJobs) {
      int expected = job.getAdapterKey().equals("acme/support") ? 3 : 1;
      assertThat(job.getRebase().getSourceRelease().getVersion()).isEqualTo(expected);
      assertThat(job.getRebase().getToBase().getDigest()).isEqualTo(successor.digest());
      List<SourcedExample> data = TrainerHarness.examples(store, job.getTenant(), job.getShards());
      data.addAll(TrainerHarness.examples(store, job.getTenant(), job.getHeldOutShards()));
      assertThat(data).isNotEmpty().noneMatch(e -> e.example().getSubjectPseudonym().equals(ALICE));
    }
    assertThat(moved).hasSize(2);
    for (AdapterCandidate candidate : moved) {
      assertThat(candidate.getBaseModelName()).isEqualTo("successor");
      assertThat(candidate.getBaseModelDigest()).isEqualTo(successor.digest());
      assertThat(candidate.getLineage().getMethod()).isEqualTo(LineageMethod.CARRIED_OVER);
      assertThat(candidate.getLineage().getSourceRelease().getVersion())
          .as("never a retracted release")
          .isEqualTo(candidate.getAdapterKey().equals("acme/support") ? 3 : 1);
    }
  }

  private static List<AdapterCandidate> rebased(List<AdapterCandidate> candidates) {
    return candidates.stream().filter(c -> c.getTrigger() == JobTrigger.REBASE).toList();
  }

  /** Sends examples of the key until a job seals (3 training examples for acme, 2 for globex). */
  private void send(String adapterKey, IntFunction<String> subject, String what) {
    int trained = adapterKey.startsWith("acme") ? 3 : 2;
    List<TrainingExample> examples =
        Examples.untilTrained(
            SPLIT,
            trained,
            i ->
                text(
                    adapterKey,
                    subject.apply(i),
                    what + " " + i + " of " + subject.apply(i) + "."));
    examples.stream()
        .filter(e -> e.getSubjectPseudonym().equals(ALICE))
        .forEach(e -> aliceTexts.add(e.getText()));
    harness.produce(
        harness.topics().examples(),
        examples.stream().map(e -> KeyValue.pair(adapterKey, e)).toList());
  }

  private AdapterCandidate awaitCandidate(Predicate<AdapterCandidate> which) {
    return harness
        .await(
            harness.topics().candidates(),
            found -> found.stream().anyMatch(which),
            Duration.ofSeconds(60))
        .stream()
        .filter(which)
        .findFirst()
        .orElseThrow();
  }

  /** What the publisher would write: version {@code version} of the candidate, now stable. */
  private void release(AdapterCandidate candidate, int version) {
    release(candidate, version, List.of());
  }

  private void release(AdapterCandidate candidate, int version, List<Integer> retracted) {
    // as the publisher writes it: the tokenizer digest the candidate's recipe recorded
    String tokenizer = candidate.getRecipe().getExtras().get(StableRelease.RECIPE_TOKENIZER_DIGEST);
    AdapterRelease release =
        AdapterRelease.newBuilder()
            .setAdapterKey(candidate.getAdapterKey())
            .setVersion(version)
            .setAction(ReleaseAction.PUBLISHED)
            .setLocation(candidate.getLocation())
            .setManifestDigest("manifest-" + version)
            .setFileDigests(candidate.getFileDigests())
            .setBaseModelName(candidate.getBaseModelName())
            .setBaseModelDigest(candidate.getBaseModelDigest())
            .setBaseTokenizerDigest(tokenizer)
            .setCandidateId(candidate.getCandidateId())
            .setLatestVersion(version)
            .setAliases(Map.of("stable", version))
            .setAliasTargets(
                List.of(
                    new ReleaseRef(
                        version,
                        candidate.getLocation(),
                        "manifest-" + version,
                        candidate.getBaseModelDigest(),
                        tokenizer)))
            .setRetractedVersions(retracted)
            .setOccurredAt(Instant.now())
            .build();
    harness.produce(
        harness.topics().releases(), List.of(KeyValue.pair(candidate.getAdapterKey(), release)));
  }

  private static ErasureRequest erasure() {
    return ErasureRequest.newBuilder()
        .setRequestId("erase-alice")
        .setTenant("acme")
        .setSubjectPseudonym(ALICE)
        .setRevokedAt(Instant.now())
        .setSource(new SourceRef("perennial.consent.v1", 0, 9L))
        .build();
  }

  private static List<TrainingJob> erasureJobs(List<TrainingJob> jobs) {
    return jobs.stream().filter(job -> job.getTrigger() == JobTrigger.ERASURE).toList();
  }

  /** Waits until the accumulator has seen the candidates and releases the erasure depends on. */
  private static void awaitLineageEvents(ServiceMetrics accumulator, int releases, int candidates) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (count(accumulator, "release") >= releases
          && count(accumulator, "candidate") >= candidates) {
        return;
      }
      TrainerHarness.sleep(100);
    }
    throw new AssertionError("The accumulator did not see the releases and candidates");
  }

  private static double count(ServiceMetrics accumulator, String kind) {
    var counter =
        accumulator.registry().find("perennial.trainer.lineage.events").tag("kind", kind).counter();
    return counter == null ? 0 : counter.count();
  }

  /**
   * acme/sales's first candidate trained on Alice and was never released: its weights are gone,
   * with an audit event naming the request, never Alice. The releases' weights are the publisher's
   * to purge once it retracts them; Globex's candidate holds no Alice.
   */
  private void assertOnlyTheUnreleasedCandidateLostItsWeights(
      LocalArtifactStore store, AdapterCandidate sales, List<AdapterCandidate> kept) {
    List<AuditEvent> audits =
        harness.await(harness.topics().audit(), found -> !found.isEmpty(), Duration.ofSeconds(30));
    assertThat(audits)
        .singleElement()
        .satisfies(
            audit -> {
              assertThat(audit.getAction()).isEqualTo(CandidatePurgeAudit.ACTION);
              assertThat(audit.getAdapterKey()).isEqualTo("acme/sales");
              assertThat(audit.getDetails())
                  .containsEntry("candidateId", sales.getCandidateId())
                  .containsEntry("erasureRequestId", "erase-alice");
              assertThat(audit.toString()).doesNotContain(ALICE);
            });
    assertThat(weights(sales)).isNotEmpty().noneMatch(store::exists);
    for (AdapterCandidate candidate : kept) {
      assertThat(weights(candidate)).isNotEmpty().allMatch(store::exists);
    }
  }

  private static List<Digest> weights(AdapterCandidate candidate) {
    return CandidateWeights.of(candidate.getLocation(), candidate.getFileDigests()).stream()
        .map(Digest::parse)
        .toList();
  }

  private void assertNoBlobHoldsAlice(LocalArtifactStore store) {
    assertThat(aliceTexts).hasSizeGreaterThan(2);
    List<Digest> blobs = store.list();
    assertThat(blobs).isNotEmpty();
    for (Digest blob : blobs) {
      String content = new String(store.read(blob), StandardCharsets.ISO_8859_1);
      assertThat(content).as("blob %s", blob).doesNotContain(ALICE);
      for (String text : aliceTexts) {
        assertThat(content).as("blob %s", blob).doesNotContain(text);
      }
    }
  }
}
