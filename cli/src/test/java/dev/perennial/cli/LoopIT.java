package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.cli.local.LocalCluster;
import dev.perennial.cli.local.LocalPipeline;
import dev.perennial.cli.local.LocalUpgrade;
import dev.perennial.cli.local.PublisherStage;
import dev.perennial.cli.local.TopicRecords;
import dev.perennial.cli.sample.SampleEventProducer;
import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.cli.sample.SamplePhase;
import dev.perennial.cli.sample.SamplePlan;
import dev.perennial.cli.sample.SampleRecord;
import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.model.world.World;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.shard.ShardReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 6's loop end to end, every stage in one process on a real broker and registry, with real
 * training of tiny adapters on the bundled base: sample events of three tenants go in (one tenant's
 * documents sent by kcat, when it is installed), and releases come out for two of them; the third,
 * trained with an absurd learning rate, is refused with its failing gates named and nothing is
 * released for it; a consent revocation makes the trainer retrain the first tenant's key without
 * the subject, and the release that held the subject's data is retracted once the retrained one is
 * out; a tampered adapter file fails {@code perennial releases verify}. Issue 15 after the erasure:
 * announcing perennial-tiny-2 re-bases the released keys onto it, the upgrade scene of {@code
 * perennial local --upgrade} (see {@link #upgrade}; {@code LocalCommandIT} runs {@code perennial
 * local} without it).
 */
class LoopIT {

  private static final Logger log = LoggerFactory.getLogger(LoopIT.class);
  private static final Duration CATCH_UP = Duration.ofMinutes(3);
  private static final List<String> TENANTS = List.of("acme", "globex", "initech");

  @TempDir Path stateDir;

  @Test
  @Timeout(value = 420, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void eventsBecomeReleasesBadOnesAreRefusedErasuresRetractAndTamperingIsCaught() throws Exception {
    long started = System.nanoTime();
    Map<String, String> configured = new TreeMap<>();
    // One job per key once the main phase is in (after the local maximum wait).
    configured.put("perennial.trainer.trigger.min.examples", "100000");
    // The default gates decide. Eight steps: sixteen were chosen so that a tenant whose data
    // teaches something clears the learning gain (5 % at the lower bound; eight gave acme 0.047
    // [0.029, 0.100] on 11 held-out examples: insufficient evidence), but acme and globex are now
    // held only to not doubling their held-out loss (below) and initech, at rate 0.3, fails at any
    // length; eight steps halve the training of the loop's seven jobs (the reproduction's
    // included). 240 events, so that acme's held-out pool keeps at least the 8 examples the gate
    // wants after one of its four subjects is erased (with 150 the erased subject held 5 of 11).
    configured.put("perennial.trainer.recipe.max.steps", "8");
    // One PyTorch thread, as the benches run: Failsafe's two forks train and score side by side on
    // the two cores, so a second thread per fork mostly waits for a core the other fork holds.
    configured.put("perennial.trainer.recipe.threads", "1");
    configured.put("perennial.evaluator.threads", "1");
    configured.put("perennial.trainer.held.out.fraction", "0.25");
    configured.put("perennial.trainer.tenant.initech.recipe.learning.rate", "0.3");
    configured.put("perennial.evaluator.retention.general.size", "48");
    // 63 controls measure at most log2(64) = 6 bits (a canary ranked first), which the default
    // threshold of 6 could never exceed (the evaluator refuses it). 5 bits fails only a canary
    // ranked first; on perennial-tiny an adapter that never saw the world's canaries ranked one at
    // worst second (5 bits) among 63, passing.
    configured.put("perennial.evaluator.leakage.controls", "63");
    configured.put("perennial.evaluator.gate.leakage.max.exposure", "5");
    // Each tenant's own canaries (reported, never gated; this test asserts nothing about their
    // exposure) are not ranked: 3 of the 9 canaries ranked under each candidate, 64 rows each.
    // The other tenants' canaries are ranked and gated as ever.
    configured.put("perennial.evaluator.leakage.rank.own.canaries", "false");
    // This test is about the loop, not the recipe: acme's and globex's general retention is not
    // gated (initech's is, at the default, and refuses it). Their small jobs drift by how their
    // shards fall (the records' timestamps change them from run to run), most of all the
    // carry-overs onto perennial-tiny-2, whose base answers all 48 general questions: at 16 steps
    // (before the loop trained 8) they drew drops of 0.083 (acme) and 0.292 (globex) in one run,
    // 0.417 [0.292, 0.563] (globex) on the CI machine, 0.250 and 0.229 before; an undecided REBASE
    // candidate waits for a held-out
    // pool this test never grows. The bench measures carry-over retention (README, Base upgrades).
    configured.put("perennial.evaluator.tenant.acme.gate.retention.max.drop", "1");
    configured.put("perennial.evaluator.tenant.globex.gate.retention.max.drop", "1");
    // The learning gate's pool scores every held-out pair's chosen answer by its loss; with the
    // feedback kinds' means weighed like all of replay, acme's first job drew 0.034 [0.009, 0.078]
    // against 0.05. With every row weighed by its share it cleared 0.05 in one run and drew 0.071
    // [0.043, 0.121] in the next: still marginal at the default, so learning must only be positive
    // at the lower bound.
    configured.put("perennial.evaluator.gate.learning.min.gain", "0");
    // Even that is marginal for acme's first job: a fresh-clone CI run drew 0.0226 [-0.0012,
    // 0.0632] n 18, insufficient evidence, so acme had no release to retract or move. Its 56
    // examples are the same every run, but the job id (and so the replay draw) is not; acme was
    // then held to -0.05.
    configured.put("perennial.evaluator.tenant.acme.gate.learning.min.gain", "-1");
    // With the log-ratio interval (right about its error over a dozen items, and so wider than the
    // bootstrap was) the REBASE candidates' learning on 9 (acme) and 16 (globex) held-out items
    // drew lower bounds of -0.123 and 0.030 (acme), 0.038 (globex): undecided at -0.05 and 0 in
    // one run of three, and an undecided REBASE candidate is never moved here. So acme and globex
    // must only not double their held-out loss, as a candidate of any trigger; their main-phase
    // jobs drew 0.118 to 0.139 [0.052 to 0.091, ...] and 0.136 to 0.162 [0.044 to 0.053, ...].
    // The gate's error and power are GateErrorRateTest's; initech's refusal names it at 0.
    configured.put("perennial.evaluator.tenant.globex.gate.learning.min.gain", "-1");
    // The same for the upgrade phase: an undecided REBASE candidate is neither released nor
    // refused until its key's held-out pool grows (never, here), and short jobs (16 steps then, 8
    // now) on about a dozen held-out questions per key decide the transfer gates' default goals
    // only some of the time.
    // Since the feedback kinds, acme keeps about 9 held-out questions for the transfer gates; a
    // carry-over drew flips 0.25 [0, 0.8], and with the gates at 0.5 the distilled acme drew 0.5
    // [0, 1] on n 9: undecided. The transfer gates are decided in TransferGatesTest and
    // EvaluatorServiceIT; here they cannot be undecided.
    configured.put("perennial.evaluator.gate.transfer.carry.min.ratio", "0");
    configured.put("perennial.evaluator.gate.transfer.max.flips", "1");
    configured.put("perennial.evaluator.gate.regression.tolerance", "0.2");
    // This test is about the loop, not about learning from feedback (FeedbackGatesTest and
    // EvaluatorServiceIT are): a minimum of pairs no key reaches keeps the feedback gates out, and
    // each verdict says they did not apply. (The sample events hold 8 to 12 held-out pairs per key,
    // and the 16 steps the loop trained before its 8 left the greedy answers' length change
    // undecided against 0.2.)
    configured.put("perennial.evaluator.gate.feedback.min.pairs", "1000000");
    SamplePlan plan =
        new SamplePlan(
            TENANTS, 4, 240, 0.05, SamplePlan.DEFAULT_MAX_TEXT_BYTES, SamplePlan.DEFAULT_SEED);
    SampleEvents events = SampleEvents.generate(World.standard(), plan);
    StringWriter console = new StringWriter();
    PrintWriter out = new PrintWriter(console, true);

    try (LocalCluster cluster = LocalCluster.start(configured, stateDir);
        LocalPipeline pipeline = LocalPipeline.standard(stateDir, TENANTS)) {
      pipeline.start(cluster, out);
      Map<String, Object> client = cluster.config().clientProperties();
      try (SampleEventProducer producer =
          new SampleEventProducer(
              KafkaClients.producer(cluster.config(), "loop-it"), cluster.topics())) {
        producer.sendAll(events.records(SamplePhase.CONSENT));
        pipeline.awaitAppEventsRead(CATCH_UP);
        List<SampleRecord> main = events.records(SamplePhase.EVENTS);
        List<SampleRecord> byKcat = kcatInstalled() ? forKcat(events, "globex") : List.of();
        producer.sendAll(main.stream().filter(r -> !byKcat.contains(r)).toList());
        sendWithKcat(cluster, producer, byKcat);
        pipeline.awaitCaughtUp(CATCH_UP);
        log.info("Main phase through to releases after {} s", seconds(started));

        // acme and globex released, initech refused with its gates named, nothing released
        Map<String, AdapterRelease> releases = latestReleases(client, cluster);
        assertThat(releases).containsOnlyKeys("acme/support", "globex/default");
        assertThat(releases.get("acme/support").getAliases()).containsEntry("stable", 1);
        assertThat(releases.get("globex/default").getAliases()).containsEntry("stable", 1);
        List<EvaluationVerdict> initech = verdicts(client, cluster, "initech/default");
        assertThat(initech).isNotEmpty().noneMatch(EvaluationVerdict::getPassed);
        assertThat(initech.get(0).getCandidate().getRecipe().getLearningRate()).isEqualTo(0.3);
        assertThat(failing(initech.get(0))).contains("learning", "retention.general");
        assertThat(refusals(client, cluster, "initech/default"))
            .isNotEmpty()
            .allSatisfy(reason -> assertThat(reason).contains("learning"));

        // the revocation: acme/support retrained without the subject, v1 retracted
        producer.sendAll(events.records(SamplePhase.REVOCATION));
        pipeline.awaitAppEventsRead(CATCH_UP);
        producer.sendAll(events.records(SamplePhase.AFTER_REVOCATION));
        pipeline.awaitAppEventsRead(CATCH_UP);
        pipeline.awaitCaughtUp(CATCH_UP);
        log.info("Erasure through to the retraction after {} s", seconds(started));

        AdapterRelease acme = latestReleases(client, cluster).get("acme/support");
        assertThat(acme.getRetractedVersions()).containsExactly(1);
        assertThat(acme.getAliases()).containsEntry("stable", 2);
        List<AdapterRelease> history =
            records(client, cluster.topics().releases()).stream()
                .filter(r -> r.getAdapterKey().equals("acme/support"))
                .toList();
        assertThat(history)
            .anySatisfy(
                r -> {
                  assertThat(r.getAction()).isEqualTo(ReleaseAction.RETRACTED);
                  assertThat(r.getVersion()).isEqualTo(1);
                });
        String v2Candidate =
            history.stream()
                .filter(r -> r.getAction() == ReleaseAction.PUBLISHED && r.getVersion() == 2)
                .findFirst()
                .orElseThrow()
                .getCandidateId();
        EvaluationVerdict v2Verdict =
            verdicts(client, cluster, "acme/support").stream()
                .filter(v -> v.getCandidate().getCandidateId().equals(v2Candidate))
                .findFirst()
                .orElseThrow();
        assertThat(v2Verdict.getIncumbentVersion()).isEqualTo(1);
        assertThat(v2Verdict.getGates()).extracting(Gate::getName).contains("regression.general");
        AdapterCandidate retrained = v2Verdict.getCandidate();
        assertThat(retrained.getTrigger()).isEqualTo(JobTrigger.ERASURE);
        assertThat(retrained.getErasure().getAffectedVersions()).contains(1);
        ErasureRequest erasure =
            records(client, cluster.topics().erasures()).stream().findFirst().orElseThrow();
        String erased = erasure.getSubjectPseudonym();
        // the retrain names the request, never the subject
        assertThat(retrained.getErasure().getRequestId()).isEqualTo(erasure.getRequestId());
        assertThat(retrained.getErasure().toString()).doesNotContain(erased);
        LocalArtifactStore store = new LocalArtifactStore(cluster.config().artifactStorePath());
        for (ShardRef shard : retrained.getShards()) {
          assertThat(
                  ShardReader.read(store, Digest.parse(shard.getDigest()), "acme", "acme/support")
                      .subjects())
              .doesNotContain(erased);
        }

        upgrade(cluster, pipeline, erased);
        log.info(
            "The upgrade to perennial-tiny-2 through to its releases after {} s", seconds(started));

        assertThat(pipeline.report(events, out)).isTrue();
      }
    }
    String output = console.toString();
    log.info("What the stages printed:{}{}", System.lineSeparator(), output);
    assertThat(output)
        .contains("Releases")
        .containsPattern("acme/support +v3 +perennial-tiny-2 +stable +published")
        .containsPattern("globex/default +v2 +perennial-tiny-2 +stable +published")
        .doesNotContainPattern("initech/default +v\\d")
        .containsPattern("Evaluation report .*index\\.html");
    Path index = stateDir.resolve("evaluations").resolve("index.html");
    assertThat(Files.readString(index)).contains("initech/default").contains("FAILED");

    // v1, retracted for the erasure, lost its weights; its signed manifest and purge notice stay
    Path retracted = stateDir.resolve("releases/acme/support/v1");
    assertThat(retracted.resolve("adapter_model.safetensors")).doesNotExist();
    assertThat(retracted.resolve("manifest.json")).exists();
    assertThat(retracted.resolve("purged.json")).exists();

    // a tampered adapter file fails verify, naming the file
    Path weights = stateDir.resolve("releases/acme/support/v2/adapter_model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(weights, bytes);
    PerennialConsole verify = new PerennialConsole();
    int exit =
        verify.run(
            "releases",
            "verify",
            "--release-path",
            stateDir.resolve("releases").toString(),
            "--public-key",
            stateDir.resolve("releases/public-key.pem").toString());
    assertThat(exit).isEqualTo(1);
    assertThat(verify.out())
        .contains("FAILED  acme/support v2")
        .contains("adapter_model.safetensors")
        .contains("OK      acme/support v1")
        .contains("OK      globex/default v1");
    log.info("The loop took {} s", seconds(started));
  }

  /**
   * Issue 15: {@code perennial local --upgrade}'s scene ({@link LocalUpgrade}) announces
   * perennial-tiny-2 as the successor of perennial-tiny, as {@code perennial bases announce} does
   * ({@code BasesCommandIT}), and prints each REBASE verdict and the releases of both bases. Each
   * key with a stable release (acme/support at v2, its v1 retracted; globex/default at v1; initech
   * has none) gets exactly one REBASE job, over data without the erased subject's, moving its
   * stable release (never a retracted one); each is gated with the transfer gates and released on
   * the new base, where it takes that base's {@code stable}, while the old base's aliases keep
   * resolving the old releases, through the read API and {@code releases list --base}.
   */
  private void upgrade(LocalCluster cluster, LocalPipeline pipeline, String erased)
      throws Exception {
    Map<String, Object> client = cluster.config().clientProperties();
    Path configFile = stateDir.resolve("perennial.properties");
    Map<String, String> values = new TreeMap<>(cluster.values());
    values.put(PublisherConfig.RELEASE_PATH_CONFIG, stateDir.resolve("releases").toString());
    Files.write(
        configFile,
        values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
        StandardCharsets.ISO_8859_1);
    StringWriter printed = new StringWriter();
    LocalUpgrade.run(cluster, pipeline, new PrintWriter(printed, true), CATCH_UP);
    assertUpgradePrinted(printed.toString());
    PerennialConsole bases = new PerennialConsole();
    assertThat(bases.run("bases", "list", "--config", configFile.toString())).isZero();
    assertThat(bases.out())
        .containsPattern(
            "perennial-tiny-2  sha256:[0-9a-f]{64}  bundled:perennial-tiny-2  succeeds"
                + " perennial-tiny  announced \\d{4}-\\d\\d-\\d\\dT\\S+ by \\S+");
    awaitRebaseJobs(client, cluster, 2);
    pipeline.awaitCaughtUp(CATCH_UP);

    // what the announcement planned (a distillation follows only a refused carry-over)
    List<TrainingJob> jobs =
        records(client, cluster.topics().trainingJobs()).stream()
            .filter(job -> job.getTrigger() == JobTrigger.REBASE)
            .filter(job -> !job.getRebase().getDistil())
            .toList();
    assertThat(jobs)
        .extracting(TrainingJob::getAdapterKey)
        .containsExactlyInAnyOrder("acme/support", "globex/default");
    LocalArtifactStore store = new LocalArtifactStore(cluster.config().artifactStorePath());
    for (TrainingJob job : jobs) {
      assertThat(job.getRebase().getToBase().getName()).isEqualTo("perennial-tiny-2");
      assertThat(job.getRebase().getSourceRelease().getVersion())
          .as("the stable release on perennial-tiny, never the retracted v1")
          .isEqualTo(job.getAdapterKey().equals("acme/support") ? 2 : 1);
      List<ShardRef> shards = new ArrayList<>(job.getShards());
      shards.addAll(job.getHeldOutShards());
      assertThat(shards).isNotEmpty();
      for (ShardRef shard : shards) {
        assertThat(
                ShardReader.read(
                        store,
                        Digest.parse(shard.getDigest()),
                        job.getTenant(),
                        job.getAdapterKey())
                    .subjects())
            .as("the erased subject's data in no REBASE job")
            .doesNotContain(erased);
      }
    }
    List<EvaluationVerdict> rebased =
        records(client, cluster.topics().verdicts()).stream()
            .filter(v -> v.getCandidate().getTrigger() == JobTrigger.REBASE)
            .toList();
    assertThat(rebased)
        .as("one verdict per key, its carry-over released: %s", describe(rebased))
        .extracting(v -> v.getAdapterKey())
        .containsExactlyInAnyOrder("acme/support", "globex/default");
    for (EvaluationVerdict verdict : rebased) {
      AdapterCandidate candidate = verdict.getCandidate();
      assertThat(candidate.getBaseModelName()).isEqualTo("perennial-tiny-2");
      assertThat(candidate.getLineage().getMethod()).isEqualTo(LineageMethod.CARRIED_OVER);
      assertThat(candidate.getLineage().getSourceRelease().getVersion())
          .as("the release it moves, never the retracted v1")
          .isEqualTo(candidate.getAdapterKey().equals("acme/support") ? 2 : 1);
      // The transfer gates judge it, unless the old release answered none of the key's held-out
      // questions right (nothing to carry over: TransferGatesTest), which the verdict then says.
      if (verdict.getMetrics().get("transfer.exact.match.old") > 0) {
        assertThat(verdict.getGates())
            .extracting(Gate::getName)
            .contains(GateNames.TRANSFER_TENANT, GateNames.TRANSFER_FLIPS);
      } else {
        assertThat(verdict.getGates())
            .extracting(Gate::getName)
            .doesNotContain(GateNames.TRANSFER_TENANT, GateNames.TRANSFER_FLIPS);
        assertThat(verdict.getReason()).contains("the transfer gates do not apply");
      }
      assertThat(verdict.getPassed())
          .as("gates of %s: %s", candidate.getAdapterKey(), verdict.getGates())
          .isTrue();
    }

    // released on the new base; each base's aliases resolve to that base's releases
    Map<String, AdapterRelease> releases = latestReleases(client, cluster);
    assertThat(aliasesOn(releases.get("acme/support"), "perennial-tiny"))
        .containsEntry("stable", 2);
    assertThat(aliasesOn(releases.get("acme/support"), "perennial-tiny-2"))
        .containsEntry("stable", 3);
    assertThat(aliasesOn(releases.get("globex/default"), "perennial-tiny"))
        .containsEntry("stable", 1);
    assertThat(aliasesOn(releases.get("globex/default"), "perennial-tiny-2"))
        .containsEntry("stable", 2);
    int api = pipeline.stage(PublisherStage.class).server().service().apiPort();
    assertThat(stableVersion(api, "acme/support", "?base=perennial-tiny")).isEqualTo(2);
    assertThat(stableVersion(api, "acme/support", "?base=perennial-tiny-2")).isEqualTo(3);
    assertThat(stableVersion(api, "acme/support", "")).as("the newest base").isEqualTo(3);
    assertThat(stableVersion(api, "globex/default", "?base=perennial-tiny")).isEqualTo(1);
    PerennialConsole list = new PerennialConsole();
    assertThat(
            list.run(
                "releases", "list", "--config", configFile.toString(), "--base", "perennial-tiny"))
        .isZero();
    assertThat(list.out())
        .containsPattern("acme/support +v2 +perennial-tiny +stable +published")
        .containsPattern("globex/default +v1 +perennial-tiny +stable +published")
        .doesNotContain("perennial-tiny-2");

    // a re-based release rebuilds bit for bit from its manifest, on the bases its lineage names
    PerennialConsole reproduce = new PerennialConsole();
    int reproduced =
        reproduce.run(
            "releases", "reproduce", "globex/default", "2", "--config", configFile.toString());
    assertThat(reproduced).as("releases reproduce said: %s", reproduce.err()).isZero();
    assertThat(reproduce.out()).contains("reproduced: every file is bit-identical");
  }

  /**
   * What {@link LocalUpgrade} printed: both keys with a stable release on perennial-tiny re-based,
   * each with its carried-over verdict, passed; the release table of both bases lists each key's
   * stable release on the old base and on the new one.
   */
  private static void assertUpgradePrinted(String printed) {
    assertThat(printed)
        .containsPattern(
            "^Upgrade +perennial-tiny-2 \\(sha256:[0-9a-f]{64}\\) succeeds perennial-tiny; keys"
                + " with a stable release on perennial-tiny: acme/support, globex/default\\R")
        .containsPattern("\\RREBASE verdicts +2\\R")
        .containsPattern("\\R  acme/support +PASSED +CARRIED_OVER +")
        .containsPattern("\\R  globex/default +PASSED +CARRIED_OVER +")
        .doesNotContain("Not moved")
        .contains("Releases on both bases");
    assertThat(printed)
        .as("the old base still serves each key, the new one serves it too")
        .containsPattern("acme/support +v2 +perennial-tiny +stable +published")
        .containsPattern("acme/support +v3 +perennial-tiny-2 +stable +published")
        .containsPattern("globex/default +v1 +perennial-tiny +stable +published")
        .containsPattern("globex/default +v2 +perennial-tiny-2 +stable +published");
  }

  /** Each verdict's key, lineage method, outcome and the gates that did not pass. */
  private static String describe(List<EvaluationVerdict> verdicts) {
    return verdicts.stream()
        .map(
            v ->
                v.getAdapterKey()
                    + " "
                    + v.getCandidate().getLineage().getMethod()
                    + " "
                    + v.getOutcome()
                    + " "
                    + v.getGates().stream().filter(g -> !g.getPassed()).toList())
        .collect(Collectors.joining("; "));
  }

  /** Waits until the trainer has planned at least {@code count} REBASE jobs. */
  private static void awaitRebaseJobs(Map<String, Object> client, LocalCluster cluster, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (records(client, cluster.topics().trainingJobs()).stream()
            .filter(job -> job.getTrigger() == JobTrigger.REBASE)
            .count()
        < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("The trainer planned no REBASE job within 60 s");
      }
      Thread.sleep(200);
    }
  }

  private static Map<String, Integer> aliasesOn(AdapterRelease release, String base) {
    return release.getBaseAliases().stream()
        .filter(b -> b.getBaseModelName().equals(base))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No aliases on " + base + ": " + release))
        .getAliases();
  }

  /**
   * The version the read API resolves the key's {@code stable} to, for the base the query names.
   */
  private static int stableVersion(int port, String key, String query) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + port + "/v1/adapters/" + key + "/stable" + query))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body()).get("version").asInt();
  }

  /**
   * The tenant's well-formed documents of the main phase that kcat can send: none that a duplicate
   * re-sends (the original must stay ahead of its re-send).
   */
  private static List<SampleRecord> forKcat(SampleEvents events, String tenant) {
    Set<String> duplicated =
        events.records(SamplePhase.EVENTS).stream()
            .filter(r -> r.expected().reason() == RejectReason.DUPLICATE)
            .map(SampleRecord::eventId)
            .collect(Collectors.toSet());
    return events.records(SamplePhase.EVENTS).stream()
        .filter(r -> r.topic() == PerennialTopic.DOCUMENTS)
        .filter(r -> r.corruption() == SampleRecord.Corruption.NONE)
        .filter(r -> r.key().startsWith(tenant + "/"))
        .filter(r -> r.expected().isExample())
        .filter(r -> !duplicated.contains(r.eventId()))
        .toList();
  }

  /** Sends each record as one file through kcat, keyed like the Java producer would. */
  private void sendWithKcat(
      LocalCluster cluster, SampleEventProducer producer, List<SampleRecord> records)
      throws Exception {
    if (records.isEmpty()) {
      log.warn(
          "kcat is not installed, so no event goes in through it; install with: apt-get"
              + " install -y kcat");
      return;
    }
    Map<String, List<Path>> filesByKey = new LinkedHashMap<>();
    Path folder = Files.createDirectories(stateDir.resolve("kcat"));
    for (int i = 0; i < records.size(); i++) {
      Path file = folder.resolve("event-" + i + ".bin");
      Files.write(file, producer.bytes(records.get(i)));
      filesByKey.computeIfAbsent(records.get(i).key(), k -> new ArrayList<>()).add(file);
    }
    String topic = producer.topicName(records.get(0));
    for (Map.Entry<String, List<Path>> key : filesByKey.entrySet()) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "kcat",
                  "-P",
                  "-X",
                  "partitioner=murmur2_random",
                  "-b",
                  cluster.bootstrapServers(),
                  "-t",
                  topic,
                  "-k",
                  key.getKey()));
      key.getValue().forEach(file -> command.add(file.toString()));
      Process kcat = new ProcessBuilder(command).redirectErrorStream(true).start();
      assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).as("kcat finished").isTrue();
      String said = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(kcat.exitValue()).as("kcat exit status; it said: %s", said).isZero();
    }
    log.info("kcat sent {} documents", records.size());
  }

  private static boolean kcatInstalled() {
    return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, "kcat")));
  }

  private static Map<String, AdapterRelease> latestReleases(
      Map<String, Object> client, LocalCluster cluster) {
    Map<String, AdapterRelease> latest = new TreeMap<>();
    records(client, cluster.topics().releases()).forEach(r -> latest.put(r.getAdapterKey(), r));
    return latest;
  }

  private static List<EvaluationVerdict> verdicts(
      Map<String, Object> client, LocalCluster cluster, String key) {
    return records(client, cluster.topics().verdicts()).stream()
        .filter(v -> v.getAdapterKey().equals(key))
        .toList();
  }

  /** The reasons of the publisher's refusals of the key. */
  private static List<String> refusals(
      Map<String, Object> client, LocalCluster cluster, String key) {
    return records(client, cluster.topics().audit()).stream()
        .filter(a -> a.getAdapterKey().equals(key))
        .filter(a -> a.getAction().equals("release-refused"))
        .map(AuditEvent::getReason)
        .toList();
  }

  private static List<String> failing(EvaluationVerdict verdict) {
    return verdict.getGates().stream().filter(g -> !g.getPassed()).map(Gate::getName).toList();
  }

  private static <V> List<V> records(Map<String, Object> client, Topic<String, V> topic) {
    try {
      return TopicRecords.readAll(client, topic).stream().map(ConsumerRecord::value).toList();
    } catch (PerennialException e) {
      throw new AssertionError("Cannot read " + topic.name(), e);
    }
  }

  private static long seconds(long since) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
  }
}
