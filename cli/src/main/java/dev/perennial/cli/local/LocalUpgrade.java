package dev.perennial.cli.local;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.release.BaseChoice;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.report.ReleaseTable;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.verdict.Outcomes;
import dev.perennial.trainer.rebase.BaseAnnouncements;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code perennial local --upgrade}: after the sample events, the platform moves to a new base.
 * Announces the bundled {@code perennial-tiny-2} as the successor of {@code perennial-tiny} on
 * {@code bases.v1}, as {@code perennial bases announce} does; the trainer plans one REBASE job per
 * key with a stable release on the old base, the evaluator gates each with the transfer gates, and
 * the publisher releases what passed on the new base. Prints each REBASE verdict and the release
 * table of both bases: the old base's aliases keep serving the old releases.
 */
public final class LocalUpgrade {

  private static final String OLD_BASE = "perennial-tiny";
  private static final String NEW_BASE = "perennial-tiny-2";

  private static final Duration POLL = Duration.ofMillis(200);

  private LocalUpgrade() {}

  /** Runs the upgrade scene on the running pipeline and prints what became of it. */
  public static void run(
      LocalCluster cluster, LocalPipeline pipeline, PrintWriter out, Duration timeout)
      throws InterruptedException {
    BaseAnnouncement announcement =
        BaseAnnouncements.describe(
            NEW_BASE,
            "bundled:" + NEW_BASE,
            OLD_BASE,
            "bundled:" + OLD_BASE,
            "perennial local --upgrade",
            "the local run's upgrade scene",
            Clock.systemUTC());
    PublisherStage publisher = pipeline.stage(PublisherStage.class);
    List<String> keys = keysWithStableRelease(publisher.registry(), announcement);
    out.printf(
        Locale.ROOT,
        "Upgrade           %s (%s) succeeds %s; keys with a stable release on %s: %s%n",
        NEW_BASE,
        announcement.getDigest(),
        OLD_BASE,
        OLD_BASE,
        keys.isEmpty() ? "none, so nothing is re-based" : String.join(", ", keys));
    out.flush();
    BaseAnnouncements.publish(cluster.config(), announcement);
    if (!keys.isEmpty()) {
      awaitRebaseVerdicts(pipeline, keys.size(), timeout);
    }
    pipeline.awaitCaughtUp(timeout);

    List<EvaluationVerdict> rebased = rebaseVerdicts(pipeline);
    out.printf(Locale.ROOT, "REBASE verdicts   %d%n", rebased.size());
    for (EvaluationVerdict verdict : rebased) {
      out.printf(
          Locale.ROOT,
          "  %-22s %-21s %-12s %s%n",
          verdict.getAdapterKey(),
          Outcomes.of(verdict),
          verdict.getCandidate().getLineage().getMethod(),
          verdict.getReason());
    }
    List<String> waiting =
        rebased.stream()
            .filter(verdict -> Outcomes.of(verdict) != EvaluationOutcome.PASSED)
            .map(EvaluationVerdict::getAdapterKey)
            .distinct()
            .sorted()
            .toList();
    if (!waiting.isEmpty()) {
      out.printf(
          Locale.ROOT,
          "Not moved         %s stay on %s; announcing %s again (perennial bases announce %s"
              + " --location bundled:%s --succeeds %s) re-bases them again, say once the transfer"
              + " gates are set as you accept%n",
          String.join(", ", waiting),
          OLD_BASE,
          NEW_BASE,
          NEW_BASE,
          NEW_BASE,
          OLD_BASE);
    }
    out.println("Releases on both bases");
    out.print(ReleaseTable.render(publisher.registry(), BaseChoice.parse(BaseChoice.ALL)));
    out.flush();
  }

  private static List<String> keysWithStableRelease(
      ReleaseRegistry registry, BaseAnnouncement announcement) {
    Digest oldBase = Digest.parse(announcement.getSucceeds().getDigest());
    return registry.keys().values().stream()
        .filter(state -> state.alias(oldBase, "stable").isPresent())
        .map(KeyState::key)
        .map(Object::toString)
        .sorted()
        .toList();
  }

  /**
   * Waits until the evaluator has judged {@code count} REBASE candidates, so that catching up
   * afterwards does not return before the trainer planned the jobs.
   */
  private static void awaitRebaseVerdicts(LocalPipeline pipeline, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (rebaseVerdicts(pipeline).size() < count) {
      if (System.nanoTime() > deadline) {
        throw new PerennialException(
            "The upgrade to "
                + NEW_BASE
                + " yielded "
                + rebaseVerdicts(pipeline).size()
                + " of "
                + count
                + " REBASE verdicts within "
                + timeout);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private static List<EvaluationVerdict> rebaseVerdicts(LocalPipeline pipeline) {
    return pipeline.stage(EvaluatorStage.class).evaluator().verdicts().stream()
        .filter(verdict -> verdict.getCandidate().getTrigger() == JobTrigger.REBASE)
        .toList();
  }
}
