package dev.perennial.cli;

import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.tiny.BundledBase;
import dev.perennial.model.tiny.PretrainResult;
import dev.perennial.model.tiny.PretrainSettings;
import dev.perennial.model.tiny.Pretrainer;
import dev.perennial.model.train.ProgressBar;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code perennial pretrain}: makes a bundled base ({@code perennial-tiny} or one of its
 * successors) again from its seeds. On CPU with the recorded thread count the digest equals the
 * bundled one.
 */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = {
      "Pretrains a bundled base (perennial-tiny, or its successors perennial-tiny-2 and"
          + " perennial-tiny-deep) from its seeds on the synthetic world's general corpus and"
          + " writes a model folder (config.json, model.safetensors, tokenizer, general evaluation"
          + " and replay sets, pretraining.json).",
      "With the default settings on CPU the weights' digest equals the bundled model's (about 10"
          + " minutes on two cores for perennial-tiny)."
    })
public final class PretrainCommand extends ConsoleCommand {

  @Option(
      names = "--base",
      paramLabel = "NAME",
      defaultValue = "perennial-tiny",
      description =
          "Which bundled base: perennial-tiny, perennial-tiny-2 (pretrained further on the"
              + " world's next epoch) or perennial-tiny-deep (another shape); default:"
              + " ${DEFAULT-VALUE}.")
  String base;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Model folder to write (default: the base's name).")
  Path output;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Optimizer steps instead of the recorded ones (a different model).")
  Integer steps;

  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      defaultValue = "cpu",
      description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}; only CPU reproduces the digest).")
  String device;

  @Option(names = "--no-eval", description = "Skip the general exact-match evaluation at the end.")
  boolean skipEvaluation;

  @Override
  int run(PrintWriter out) {
    BundledBase bundled = BundledBase.parse(base);
    PretrainSettings settings = bundled.settings();
    Path folder = output == null ? Path.of(bundled.modelName()) : output;
    if (steps != null) {
      settings = settings.withSteps(steps);
    }
    DeviceChoice choice = DeviceChoice.parse(device);
    out.printf(
        Locale.ROOT,
        "Pretraining %s: %d steps of %d x %d tokens, %d threads, into %s%n",
        bundled.modelName(),
        settings.recipe().steps(),
        settings.rows(),
        settings.recipe().maxSequenceLength(),
        settings.recipe().threads(),
        folder.toAbsolutePath());
    out.flush();
    PretrainResult result =
        Pretrainer.run(
            settings, folder, choice, !skipEvaluation, new ProgressBar(out, "pretrain", 10));
    out.printf(Locale.ROOT, "parameters         %,d%n", result.parameters());
    out.printf(
        Locale.ROOT, "tokens             %,d (%d epochs)%n", result.tokens(), result.epochs());
    out.printf(Locale.ROOT, "training time      %.1f min%n", result.seconds() / 60);
    out.printf(
        Locale.ROOT, "final loss         %.4f (mean of the last 50 steps)%n", result.finalLoss());
    if (!skipEvaluation) {
      out.printf(Locale.ROOT, "general exact match %.1f%%%n", 100 * result.generalExactMatch());
    }
    out.printf("digest             %s%n", result.digest());
    String recorded = bundledDigest(bundled);
    if (steps == null && recorded != null) {
      out.println(
          result.digest().equals(recorded)
              ? "matches the bundled " + bundled.modelName()
              : "differs from the bundled " + bundled.modelName() + " (" + recorded + ")");
    }
    return 0;
  }

  private static String bundledDigest(BundledBase bundled) {
    try {
      return bundled.digest();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
