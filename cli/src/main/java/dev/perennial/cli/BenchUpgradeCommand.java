package dev.perennial.cli;

import dev.perennial.cli.bench.continual.ContinualBenchmark;
import dev.perennial.cli.bench.upgrade.FlipDifference;
import dev.perennial.cli.bench.upgrade.TrainerRecipe;
import dev.perennial.evaluator.stats.ExactBinomial;
import dev.perennial.evaluator.stats.Interval;
import dev.perennial.model.bench.UpgradeBenchmark;
import dev.perennial.model.bench.UpgradeBenchmark.FlipPairing;
import dev.perennial.model.bench.UpgradeBenchmark.Method;
import dev.perennial.model.bench.UpgradeBenchmark.Report;
import dev.perennial.model.bench.UpgradeBenchmark.TenantRun;
import dev.perennial.model.bench.UpgradeBenchmark.Transfer;
import dev.perennial.model.runtime.DeviceChoice;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code perennial bench upgrade}: tenants' adapters re-based from perennial-tiny to its successors
 * (carried over to perennial-tiny-2, distilled into perennial-tiny-deep), against the old release
 * on the old base.
 */
@Command(
    name = "upgrade",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a release per tenant on perennial-tiny, re-bases it onto perennial-tiny-2 (carried"
          + " over as is, and carried over then fine-tuned) and onto perennial-tiny-deep"
          + " (distilled), carried over then fine-tuned on the data plus the old release's answers"
          + " (the teacher's), matching its next-token distributions (token-level KL, uniform or"
          + " focal: weighted up where the teacher is right), with its weights averaged over the"
          + " fine-tuning's last steps, or as the mean of two or three seeds' fine-tunings;"
          + " measures the churn of training"
          + " itself on the old base (the release fine-tuned again, and trained again with another"
          + " seed); and compares each with the old release on the old base: tenant exact"
          + " match, its ratio to the old release's, the negative-flip rate and general exact match"
          + " on the new base. Goals: carried over >= 0.95x with <= 5%% negative flips, distilled"
          + " >= 0.9x."
    })
public final class BenchUpgradeCommand extends ConsoleCommand {

  @Option(names = "--tenants", paramLabel = "N", description = "Tenants re-based (default: 2).")
  Integer tenants;

  @Option(
      names = "--tenant-scale",
      paramLabel = "K",
      description =
          "Each tenant has K times a standard tenant's new entities and changed facts, so K x 28"
              + " items (default: 3).")
  Integer tenantScale;

  @Option(
      names = "--seeds",
      paramLabel = "S,S",
      split = ",",
      description = "One run per seed (default: 1,2).")
  List<Long> seeds;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Steps of a release and of a distilled adapter (default: 120).")
  Integer steps;

  @Option(
      names = "--fine-tune-steps",
      paramLabel = "N",
      description = "Steps of the fine-tuning after carrying over (default: 60).")
  Integer fineTuneSteps;

  @Option(
      names = "--kl-weight",
      paramLabel = "W",
      description =
          "Weight of the token-level KL term against the data's own loss in the carried + token KL"
              + " variant (default: 1).")
  Double klWeight;

  @Option(
      names = "--focal-weight",
      paramLabel = "W",
      description =
          "Focal distillation's KL weight on every example, the paper's alpha (default: 0.3).")
  Double focalWeight;

  @Option(
      names = "--focal-bonus",
      paramLabel = "W",
      description =
          "Added to the focal KL weight on examples the teacher (old base + release) gets right:"
              + " its argmax is the example's token at every counted position; the paper's beta"
              + " (default: 1.5).")
  Double focalBonus;

  @Option(
      names = "--averaged-tail",
      paramLabel = "F",
      description =
          "Fraction of the fine-tuning's last steps whose weights the tail-averaged variant"
              + " averages (default: 0.5).")
  Double averagedTail;

  @Option(
      names = "--methods",
      paramLabel = "M,M",
      split = ",",
      description =
          "Methods measured, of ${COMPLETION-CANDIDATES} (default: all); the old release is always"
              + " trained. RETUNED fine-tunes the release again on the old base and RETRAINED"
              + " trains it again with another seed: the churn of training without a base change."
              + " MEAN and RETUNED_MEAN are the exact mean of that fine-tuning and the same with"
              + " another seed (an adapter of twice the rank), MEAN_OF_3 of three seeds.")
  List<Method> methods;

  /** How every adapter of the bench is trained. */
  enum RecipeChoice {
    FIXED,
    TRAINER
  }

  @Option(
      names = "--recipe",
      paramLabel = "R",
      description =
          "How every adapter is trained: FIXED (default) the bench's own recipe (--steps and"
              + " --fine-tune-steps steps, 4 of 16 rows replay, lr 3e-3); TRAINER the trainer's job"
              + " recipe (--config's perennial.trainer.* keys over the service defaults: steps"
              + " from its epochs, its replay share and learning rate, early stopping), as the"
              + " pipeline's jobs, REBASE ones included, train.")
  RecipeChoice recipe;

  @Mixin BenchConfigOption configFile;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "PyTorch intra-op threads (default: 1).")
  Integer threads;

  @Override
  int run(PrintWriter out) {
    UpgradeBenchmark.Settings defaults = UpgradeBenchmark.Settings.defaults();
    UpgradeBenchmark.Settings settings =
        new UpgradeBenchmark.Settings(
            tenants == null ? defaults.tenants() : tenants,
            tenantScale == null ? defaults.tenantScale() : tenantScale,
            seeds == null ? defaults.seeds() : seeds,
            steps == null ? defaults.releaseSteps() : steps,
            fineTuneSteps == null ? defaults.fineTuneSteps() : fineTuneSteps,
            klWeight == null ? defaults.klWeight() : klWeight,
            focalWeight == null ? defaults.focalWeight() : focalWeight,
            focalBonus == null ? defaults.focalBonus() : focalBonus,
            averagedTail == null ? defaults.averagedTail() : averagedTail,
            defaults.generalQuestions(),
            threads == null ? defaults.threads() : threads,
            DeviceChoice.CPU,
            methods == null ? defaults.methods() : EnumSet.copyOf(methods),
            recipe == RecipeChoice.TRAINER
                ? new TrainerRecipe(
                    ContinualBenchmark.without(
                        configFile.offlineValues(), ContinualBenchmark.EVALUATOR_KEYS))
                : defaults.recipe());
    long started = System.nanoTime();
    out.println("Every adapter trained with " + settings.recipe().describe());
    Report report = UpgradeBenchmark.run(settings, out);
    out.println();
    out.println("perennial-tiny -> perennial-tiny-2: " + report.carryOverCompatibility());
    out.println("perennial-tiny -> perennial-tiny-deep: " + report.deepCompatibility());
    out.printf(
        Locale.ROOT,
        "%-28s %10s %10s %12s %10s %14s %10s%n",
        "method",
        "tenant EM",
        "ratio",
        "neg. flips",
        "of right",
        "95% interval",
        "general EM");
    out.printf(
        Locale.ROOT,
        "%-28s %10.3f %10s %12s %10s %14s %10.3f%n",
        "old release on perennial-tiny",
        report.runs().stream().mapToDouble(TenantRun::oldExactMatch).average().orElse(0),
        "1.00x",
        "-",
        "-",
        "-",
        report.runs().stream().mapToDouble(TenantRun::oldGeneral).average().orElse(0));
    for (Method method : settings.methods()) {
      // Clopper-Pearson, as the evaluator's transfer.flips gate bounds a candidate's flips
      Interval flips = ExactBinomial.interval(report.flips(method), report.oldRight(method), 0.95);
      out.printf(
          Locale.ROOT,
          "%-28s %10.3f %9.2fx %12.3f %10s %14s %10.3f%n",
          method.label(),
          report.mean(method, Transfer::tenantExactMatch),
          report.pooledRatio(method),
          report.pooledFlipRate(method),
          report.flips(method) + "/" + report.oldRight(method),
          String.format(Locale.ROOT, "%.3f-%.3f", flips.lower(), flips.upper()),
          report.mean(method, Transfer::general));
    }
    printPairings(out, settings.methods(), report);
    out.printf(
        Locale.ROOT,
        "%d tenants x %d seeds %s, token KL weight %s, focal %s + %s if right, averaged tail %s,"
            + " %.1f min%n",
        settings.tenants(),
        settings.seeds().size(),
        Arrays.toString(settings.seeds().toArray()),
        settings.klWeight(),
        settings.focalWeight(),
        settings.focalBonus(),
        settings.averagedTail(),
        (System.nanoTime() - started) / 6e10);
    return 0;
  }

  /**
   * Each measured re-basing against each measured churn row, item by item: what the base change
   * adds to the flips that training on the old base causes anyway; then every other re-basing
   * against the plain fine-tuned carry-over: what each lever changes.
   */
  private static void printPairings(PrintWriter out, Set<Method> measured, Report report) {
    List<Method> churns = measured.stream().filter(Method::churn).toList();
    List<Method> rebasings = measured.stream().filter(method -> !method.churn()).toList();
    if (!churns.isEmpty() && !rebasings.isEmpty()) {
      out.println(
          "Flips paired item by item with training's own churn on the old base (difference of the"
              + " rates, 95% interval exact given the items only one of them flips):");
      for (Method rebasing : rebasings) {
        for (Method churn : churns) {
          printPairing(out, report, rebasing, churn);
        }
      }
    }
    // the churn rows were paired with the fine-tuning above already
    List<Method> levers =
        rebasings.stream()
            .filter(method -> method != Method.FINE_TUNED && method != Method.CARRIED)
            .toList();
    if (measured.contains(Method.FINE_TUNED) && !levers.isEmpty()) {
      out.println("Flips paired item by item with the plain fine-tuning's, method by method:");
      for (Method lever : levers) {
        printPairing(out, report, lever, Method.FINE_TUNED);
      }
    }
  }

  private static void printPairing(PrintWriter out, Report report, Method first, Method second) {
    FlipPairing pairing = report.pairing(first, second);
    Interval difference = FlipDifference.of(pairing, 0.95);
    out.printf(
        Locale.ROOT,
        "%-28s against %-28s both %d, only it %d, only the other %d of %d: %+.3f %s%n",
        first.label(),
        second.label(),
        pairing.both(),
        pairing.onlyFirst(),
        pairing.onlySecond(),
        pairing.oldRight(),
        difference.estimate(),
        difference.isUndefined()
            ? "(no item tells them apart)"
            : String.format(Locale.ROOT, "[%+.3f, %+.3f]", difference.lower(), difference.upper()));
  }
}
