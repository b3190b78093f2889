package dev.perennial.cli;

import dev.perennial.cli.bench.faults.FaultHarness;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code perennial bench faults}: the fault harness ({@link FaultHarness}) with a longer kill
 * schedule than the build's {@code FaultHarnessIT}; exit status 1 when anything did not hold.
 */
@Command(
    name = "faults",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the fault harness: a broker process, the registry and every stage as its own"
          + " perennial process (three workers); a sample stream in rounds, each trained; SIGKILLs"
          + " from a seeded schedule at busy moments (inside the worker's, evaluator's and"
          + " publisher's transaction windows, and the broker's); a worker leaving and coming back"
          + " (3 -> 2 -> 3). Then checks by offset: every input offset one example or rejection,"
          + " each job at most one candidate, each candidate one verdict, versions 1..n, release"
          + " area = releases.v1, releases verify. Prints the schedule and the totals checked;"
          + " exit status 1 when anything did not hold. The same seed draws the same schedule."
    })
public final class BenchFaultsCommand extends ConsoleCommand {

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of the kill schedule and the stream (default: drawn, and printed).")
  Long seed;

  @Option(
      names = "--kills",
      paramLabel = "K",
      description = "SIGKILLs (default: 14; 7 or more hit every moment once).")
  int kills = 14;

  @Option(
      names = "--rounds",
      paramLabel = "R",
      description = "Rounds of the stream, each trained (default: 6, at least 3).")
  int rounds = 6;

  @Option(
      names = "--events-per-round",
      paramLabel = "N",
      description = "App events per round (default: 60).")
  int eventsPerRound = 60;

  @Option(
      names = "--folder",
      paramLabel = "DIR",
      description =
          "Where the processes' state, configuration and logs go (default: a new"
              + " temporary folder, kept).")
  Path folder;

  @Override
  int run(PrintWriter out) throws Exception {
    long chosen = seed != null ? seed : System.nanoTime();
    Path where = folder != null ? folder : Files.createTempDirectory("perennial-faults-");
    out.printf(
        "Fault harness: seed %d, %d kills, %d rounds; logs in %s%n",
        chosen, kills, rounds, where.resolve("logs"));
    out.flush();
    FaultHarness.Report report =
        FaultHarness.run(
            new FaultHarness.Settings(
                chosen, kills, rounds, eventsPerRound, Duration.ofMillis(1_500), where, Map.of()),
            out);
    return report.held() ? 0 : 1;
  }
}
