package dev.perennial.cli;

import dev.perennial.cli.bench.continual.CeilingDraws;
import dev.perennial.cli.bench.continual.FeedbackBenchmark;
import dev.perennial.cli.bench.continual.FeedbackNoiseModel;
import dev.perennial.cli.bench.continual.FeedbackReport;
import dev.perennial.cli.bench.continual.FeedbackVariant;
import dev.perennial.model.world.UpdateStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code perennial bench feedback}: learning from feedback alone, measured against the synthetic
 * world's truth, for each feedback objective side by side and with noisy labels.
 */
@Command(
    name = "feedback",
    mixinStandardHelpOptions = true,
    description = {
      "Learning from user feedback alone, against the synthetic world's truth: the update stream"
          + " of bench continual without its documents, each question turned into feedback with"
          + " known truth (a preference pair of the right answer over a stale or invented one,"
          + " ratings of both, a correction), a share of the labels flipped as from a user who"
          + " prefers the wrong answer. Each objective trains the same feedback-only updates"
          + " through the trainer's job training (recipe and replay as configured); each adapter is"
          + " measured by the evaluator's learning, retention and feedback suites and by exact"
          + " match on the preferred facts. Prints held-out preference accuracy, EM on the"
          + " preferred facts, general EM and its drop, the chosen answers' likelihood against the"
          + " reference and the reward margins, per objective and noise share; writes JSON."
    })
public final class BenchFeedbackCommand extends ConsoleCommand {

  @Option(
      names = "--updates",
      paramLabel = "N",
      defaultValue = "1",
      description = "Feedback-only updates, each continuing the last (default: ${DEFAULT-VALUE}).")
  int updates;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Seed of the stream and the feedback (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--new-entities",
      paramLabel = "N",
      defaultValue = "6",
      description =
          "New entities per update, three facts each, each fact asked in three phrasings"
              + " (default: ${DEFAULT-VALUE}); each update also changes one general fact.")
  int newEntities;

  @Option(
      names = "--variants",
      paramLabel = "LIST",
      split = ",",
      defaultValue = "sft,dpo,ipo,robust,kto,correction",
      description =
          "Objectives, in order (default: ${DEFAULT-VALUE}); also conservative and small-loss."
              + " sft: the pairs trained as SFT on the chosen answer"
              + " (recipe.feedback.objective=sft); dpo, ipo, conservative, robust: the pairs by"
              + " recipe.preference.loss; small-loss: DPO leaving out of each step the"
              + " --label-smoothing share of pairs of highest loss (recipe.preference.drop.share);"
              + " kto: the ratings; correction: the corrections (pair loss plus SFT on the"
              + " correction).")
  List<String> variants;

  @Option(
      names = "--noise",
      paramLabel = "LIST",
      split = ",",
      defaultValue = "0,0.1,0.3",
      description =
          "Shares of flipped labels of each kind, each in [0, 0.5) (default: ${DEFAULT-VALUE}).")
  List<Double> noises;

  @Option(
      names = "--label-smoothing",
      paramLabel = "P",
      defaultValue = "0.1",
      description =
          "Share of flipped labels the conservative and robust losses assume"
              + " (recipe.preference.label.smoothing; default: ${DEFAULT-VALUE}, the service's),"
              + " and the share of pairs small-loss leaves out.")
  double labelSmoothing;

  @Option(
      names = "--held-out",
      paramLabel = "P",
      defaultValue = "0.25",
      description =
          "Share of questions held out as true pairs, never trained (default: ${DEFAULT-VALUE}).")
  double heldOut;

  @Option(
      names = "--records-per-question",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Records of its kind each trained question carries, as from N users asking it; the"
              + " flipped share is drawn over all of them (default: ${DEFAULT-VALUE}).")
  int recordsPerQuestion;

  @Option(
      names = "--noise-model",
      paramLabel = "M",
      defaultValue = "records",
      description =
          "records: the noise share of each kind's records flipped at random, one subject per"
              + " tenant; users: a pool of --users users, the noise share of them always wrong,"
              + " each question's records from distinct users, each user its own subject (what"
              + " the trainer's rater guard can recognise) (default: ${DEFAULT-VALUE}).")
  String noiseModel;

  @Option(
      names = "--users",
      paramLabel = "N",
      defaultValue = "20",
      description =
          "Users in the pool of the users noise model, at least --records-per-question"
              + " (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--ceiling-draws",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Instead of training: how this seed's draw of flipped labels compares with N other draws"
              + " of the same stream (the held-out pairs' label ceiling, per kind and noise share"
              + " above 0), to tell a typical draw from one whose noise fell on the held-out"
              + " pairs' facts (default: ${DEFAULT-VALUE}, train as usual).")
  int ceilingDraws;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      defaultValue = "target/bench-feedback",
      description = "Folder for feedback.json (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin DeviceOption device;

  @Mixin BenchConfigOption configFile;

  @Override
  int run(PrintWriter out) {
    OptionValues.require(spec, updates >= 1, "--updates", updates, "at least 1");
    OptionValues.require(spec, newEntities >= 1, "--new-entities", newEntities, "at least 1");
    for (double noise : noises) {
      OptionValues.require(spec, noise >= 0 && noise < 0.5, "--noise", noise, "each in [0, 0.5)");
    }
    OptionValues.require(spec, heldOut > 0 && heldOut < 1, "--held-out", heldOut, "in (0, 1)");
    OptionValues.require(
        spec, recordsPerQuestion >= 1, "--records-per-question", recordsPerQuestion, "at least 1");
    List<FeedbackVariant> chosen =
        OptionValues.parseEach(spec, "--variants", variants, FeedbackVariant::parse);
    FeedbackNoiseModel model =
        OptionValues.parse(spec, "--noise-model", noiseModel, FeedbackNoiseModel::parse);
    OptionValues.require(
        spec,
        model != FeedbackNoiseModel.USERS || users >= recordsPerQuestion,
        "--users",
        users,
        "at least --records-per-question with --noise-model=users");
    Map<String, String> values = configFile.offlineValues();
    FeedbackBenchmark.Settings settings =
        new FeedbackBenchmark.Settings(
            new UpdateStream.Shape(updates, newEntities, 1, 0, 0),
            seed,
            chosen,
            noises,
            labelSmoothing,
            heldOut,
            recordsPerQuestion,
            model,
            users,
            device.orElse("auto"));
    if (ceilingDraws > 0) {
      CeilingDraws.print(settings, ceilingDraws, out);
      return 0;
    }
    out.printf(
        "Feedback benchmark: %d feedback-only update(s), seed %d, variants %s, noise %s ...%n",
        updates, seed, String.join(", ", variants), noises);
    out.flush();
    FeedbackReport report = FeedbackBenchmark.run(settings, values, out, so -> so.write(output));
    report.lines().forEach(out::println);
    Path json = report.write(output);
    out.printf("Report            %s%n", json.toAbsolutePath());
    return 0;
  }
}
