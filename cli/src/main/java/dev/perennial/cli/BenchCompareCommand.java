package dev.perennial.cli;

import dev.perennial.cli.bench.continual.ContinualReportFiles;
import dev.perennial.cli.bench.continual.RunComparison;
import dev.perennial.cli.bench.continual.StoredRun;
import dev.perennial.core.PerennialException;
import dev.perennial.evaluator.stats.Interval;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.schemas.verdict.Confidence;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code perennial bench compare}: two sets of {@code bench continual} runs, read from their
 * reports, compared task by task with a paired bootstrap interval.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
      "Compares runs of perennial bench continual after the fact, from the continual.json their"
          + " --output folders hold: each candidate run is paired with the baseline run of the"
          + " same stream (seed, shape, tenant), and ACC (trained and held-out phrasings), BWT"
          + " and forgetting, all means over tasks, are compared over the pooled tasks of every"
          + " pair: both means, the difference (candidate minus baseline) and its paired"
          + " bootstrap interval, the tasks as items (as the evaluator's gates resample"
          + " questions). The benchmark is deterministic for a seed, so runs of different"
          + " processes or days pair as well as runs of one."
    })
public final class BenchCompareCommand extends ConsoleCommand {

  @Option(
      names = "--candidate",
      paramLabel = "DIR[:VARIANT]",
      split = ",",
      required = true,
      description =
          "Report folders of the runs whose change is measured, one per seed; VARIANT picks the"
              + " run when a report holds several.")
  List<String> candidates;

  @Option(
      names = "--baseline",
      paramLabel = "DIR[:VARIANT]",
      split = ",",
      required = true,
      description = "Report folders of the runs compared against, in the same order.")
  List<String> baselines;

  @Option(
      names = "--at",
      paramLabel = "N",
      defaultValue = "0",
      description = "Compare the measures as they stood after update N (default: the last).")
  int at;

  @Option(
      names = "--confidence",
      paramLabel = "P",
      defaultValue = "0.95",
      description = "The interval's level (default: ${DEFAULT-VALUE}).")
  double confidence;

  @Option(
      names = "--resamples",
      paramLabel = "N",
      defaultValue = "10000",
      description = "Bootstrap draws (default: ${DEFAULT-VALUE}).")
  int resamples;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Seed of the bootstrap (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  int run(PrintWriter out) {
    List<StoredRun> candidate = candidates.stream().map(BenchCompareCommand::read).toList();
    List<StoredRun> baseline = baselines.stream().map(BenchCompareCommand::read).toList();
    int update = at > 0 ? at : candidate.get(0).updates();
    PairedBootstrap bootstrap = new PairedBootstrap(confidence, resamples);
    out.println(heading(update, candidates, baselines, confidence, resamples));
    for (int i = 0; i < candidate.size(); i++) {
      print(
          out,
          RunComparison.describe(candidate.get(i)),
          candidate.subList(i, i + 1),
          baseline.subList(i, i + 1),
          update,
          bootstrap);
    }
    if (candidate.size() > 1) {
      print(out, "pooled over the seeds", candidate, baseline, update, bootstrap);
    }
    return 0;
  }

  /**
   * What is compared, after which update, and the interval's level as it was given ({@code 99.9 %}
   * for 0.999, not a rounded {@code 100 %}).
   */
  static String heading(
      int update,
      List<String> candidates,
      List<String> baselines,
      double confidence,
      int resamples) {
    return String.format(
        Locale.ROOT,
        "After update %d: candidate (%s) minus baseline (%s), %s %% paired bootstrap over tasks,"
            + " %d draws",
        update,
        String.join(", ", candidates),
        String.join(", ", baselines),
        Confidence.percent(confidence),
        resamples);
  }

  private void print(
      PrintWriter out,
      String label,
      List<StoredRun> candidate,
      List<StoredRun> baseline,
      int update,
      PairedBootstrap bootstrap) {
    List<RunComparison.Line> lines =
        RunComparison.compare(candidate, baseline, update, bootstrap, seed);
    out.println(label);
    out.printf(
        "  %-8s %9s %9s %11s  %s%n", "measure", "candidate", "baseline", "difference", "interval");
    for (RunComparison.Line line : lines) {
      Interval d = line.difference();
      out.printf(
          Locale.ROOT,
          "  %-8s %9.3f %9.3f %+11.3f  [%+.3f, %+.3f] (%d tasks)%n",
          line.measure(),
          line.candidate(),
          line.baseline(),
          d.estimate(),
          d.lower(),
          d.upper(),
          d.n());
    }
  }

  /** The run {@code spec} (DIR or DIR:VARIANT) names. */
  static StoredRun read(String spec) {
    int colon = spec.lastIndexOf(':');
    Path folder = Path.of(colon > 0 ? spec.substring(0, colon) : spec);
    String variant = colon > 0 ? spec.substring(colon + 1) : null;
    List<StoredRun> runs = ContinualReportFiles.readRuns(folder);
    List<StoredRun> named =
        runs.stream().filter(r -> variant == null || r.variant().equals(variant)).toList();
    if (named.size() != 1) {
      throw new PerennialException(
          folder
              + " holds "
              + runs.stream().map(r -> r.variant() + " (" + r.tenant() + ")").toList()
              + (variant == null ? ": name one as DIR:VARIANT" : ", not exactly one " + variant)
              + " (one tenant per comparison)");
    }
    return named.get(0);
  }
}
