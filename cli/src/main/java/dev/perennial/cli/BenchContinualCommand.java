package dev.perennial.cli;

import dev.perennial.cli.bench.continual.ContinualBenchmark;
import dev.perennial.cli.bench.continual.ContinualReport;
import dev.perennial.cli.bench.continual.ContinualReportFiles;
import dev.perennial.cli.bench.continual.FeedbackMix;
import dev.perennial.cli.bench.continual.Variant;
import dev.perennial.model.world.UpdateStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code perennial bench continual}: continual learning measured exactly, against the synthetic
 * world's truth, for the production recipe and its baselines.
 */
@Command(
    name = "continual",
    mixinStandardHelpOptions = true,
    description = {
      "Continual learning measured against the synthetic world's truth: each tenant's stream of"
          + " updates (new entities and facts, changed facts, repeats) is trained update by update"
          + " through the trainer's job training with the configured recipe and replay, and by"
          + " baselines (no replay, a fresh adapter per update, joint training on all data so far);"
          + " every adapter is measured by the evaluator's suites and by exact match of greedy"
          + " answers to every fact, in trained and held-out phrasings. Prints the score matrix's"
          + " measures (ACC, BWT, FWT, forgetting), knowledge-update accuracy, general retention"
          + " and learning gain per update, and writes JSON and an HTML page."
    })
public final class BenchContinualCommand extends ConsoleCommand {

  @Option(
      names = "--updates",
      paramLabel = "N",
      defaultValue = "10",
      description = "Sequential updates per tenant (default: ${DEFAULT-VALUE}).")
  int updates;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Seed of the update streams (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--tenants",
      paramLabel = "N",
      defaultValue = "1",
      description = "Tenants, each with its own stream and adapters (default: ${DEFAULT-VALUE}).")
  int tenants;

  @Option(
      names = "--new-entities",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "New entities per update, three facts each (default: ${DEFAULT-VALUE}); each update"
              + " also changes one general and one of the tenant's earlier facts and repeats two.")
  int newEntities;

  @Option(
      names = "--variants",
      paramLabel = "LIST",
      split = ",",
      defaultValue = "production,no-replay,fresh,joint",
      description =
          "Which to run, in order (default: ${DEFAULT-VALUE}); also refresh: the production"
              + " recipe with a plasticity refresh whenever its learning gain falls below 0.9 of"
              + " the first update's; monitor: the production recipe with the trainer's own"
              + " plasticity monitor and refresh (perennial.trainer.plasticity.*), which the other"
              + " variants run without controls; search and search-1.5x: the production recipe"
              + " with the trainer's recipe search (perennial.trainer.recipe.search.*) within the"
              + " same compute as production and within 1.5 times it.")
  List<String> variants;

  @Option(
      names = "--feedback-mix",
      paramLabel = "MIX",
      defaultValue = "bench",
      description =
          "What the streams' question/answer feedback becomes (default: ${DEFAULT-VALUE}): bench,"
              + " two SFT examples and one PREFERENCE (right over wrong answer) of every three; app,"
              + " the kinds app feedback becomes at ingest, as the sample events send them (of"
              + " every nine: four CORRECTIONs, two PREFERENCEs, two desirable RATINGs of the right"
              + " answer, one undesirable RATING of the wrong one).")
  String feedbackMix;

  @Option(
      names = "--joint-every-update",
      description =
          "Train the joint baseline after every update (default: after the last one only; its"
              + " cost grows with the square of the updates).")
  boolean jointEveryUpdate;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      defaultValue = "target/bench-continual",
      description = "Folder for continual.json and index.html (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin DeviceOption device;

  @Mixin BenchConfigOption configFile;

  @Override
  int run(PrintWriter out) {
    OptionValues.require(spec, updates >= 1, "--updates", updates, "at least 1");
    OptionValues.require(spec, tenants >= 1, "--tenants", tenants, "at least 1");
    OptionValues.require(spec, newEntities >= 1, "--new-entities", newEntities, "at least 1");
    List<Variant> chosen = OptionValues.parseEach(spec, "--variants", variants, Variant::parse);
    FeedbackMix mix = OptionValues.parse(spec, "--feedback-mix", feedbackMix, FeedbackMix::parse);
    Map<String, String> values = configFile.offlineValues();
    ContinualBenchmark.Settings settings =
        new ContinualBenchmark.Settings(
            new UpdateStream.Shape(updates, newEntities, 1, 1, 2),
            seed,
            tenants,
            chosen,
            jointEveryUpdate,
            device.orElse("auto"),
            mix);
    out.printf(
        "Continual-learning benchmark: %d updates x %d tenant(s), seed %d, feedback %s, variants"
            + " %s ...%n",
        updates, tenants, seed, feedbackMix, String.join(", ", variants));
    out.flush();
    ContinualReport report = ContinualBenchmark.run(settings, values, out);
    report.lines().forEach(out::println);
    Path page = ContinualReportFiles.write(report, output);
    out.printf("Report            %s (and %s)%n", page.toAbsolutePath(), ContinualReportFiles.JSON);
    return 0;
  }
}
