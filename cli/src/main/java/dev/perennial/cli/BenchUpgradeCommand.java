package dev.perennial.cli;

import dev.perennial.model.bench.UpgradeBenchmark;
import dev.perennial.model.bench.UpgradeBenchmark.Report;
import dev.perennial.model.bench.UpgradeBenchmark.TenantRun;
import dev.perennial.model.runtime.DeviceChoice;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.Command;
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
          + " (the teacher's) or matching its next-token distributions (token-level KL), and"
          + " compares each with the old release on the old base: tenant exact"
          + " match, its ratio to the old release's, the negative-flip rate and general exact match"
          + " on the new base. Goals: carried over >= 0.95x with <= 5% negative flips, distilled"
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
            defaults.generalQuestions(),
            threads == null ? defaults.threads() : threads,
            DeviceChoice.CPU);
    long started = System.nanoTime();
    Report report = UpgradeBenchmark.run(settings, out);
    out.println();
    out.println("perennial-tiny -> perennial-tiny-2: " + report.carryOverCompatibility());
    out.println("perennial-tiny -> perennial-tiny-deep: " + report.deepCompatibility());
    out.printf(
        Locale.ROOT,
        "%-28s %10s %10s %12s %10s %10s%n",
        "method",
        "tenant EM",
        "ratio",
        "neg. flips",
        "of right",
        "general EM");
    out.printf(
        Locale.ROOT,
        "%-28s %10.3f %10s %12s %10s %10.3f%n",
        "old release on perennial-tiny",
        report.runs().stream().mapToDouble(TenantRun::oldExactMatch).average().orElse(0),
        "1.00x",
        "-",
        "-",
        report.runs().stream().mapToDouble(TenantRun::oldGeneral).average().orElse(0));
    for (Function<TenantRun, UpgradeBenchmark.Transfer> which :
        List.<Function<TenantRun, UpgradeBenchmark.Transfer>>of(
            TenantRun::carriedAsIs,
            TenantRun::carriedFineTuned,
            TenantRun::carriedTaught,
            TenantRun::carriedKl,
            TenantRun::distilled)) {
      String method = which.apply(report.runs().get(0)).method();
      out.printf(
          Locale.ROOT,
          "%-28s %10.3f %9.2fx %12.3f %10s %10.3f%n",
          method,
          report.mean(which, UpgradeBenchmark.Transfer::tenantExactMatch),
          report.pooledRatio(which),
          report.pooledFlipRate(which),
          report.runs().stream().mapToInt(run -> which.apply(run).flips()).sum()
              + "/"
              + report.runs().stream().mapToInt(run -> which.apply(run).oldRight()).sum(),
          report.mean(which, UpgradeBenchmark.Transfer::general));
    }
    out.printf(
        Locale.ROOT,
        "%d tenants x %d seeds %s, token KL weight %s, %.1f min%n",
        settings.tenants(),
        settings.seeds().size(),
        Arrays.toString(settings.seeds().toArray()),
        settings.klWeight(),
        (System.nanoTime() - started) / 6e10);
    return 0;
  }
}
