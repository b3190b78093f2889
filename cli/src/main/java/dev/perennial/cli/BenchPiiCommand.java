package dev.perennial.cli;

import dev.perennial.ingest.bench.PiiBenchmark;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code perennial bench pii}: recall and precision of ingest's personal-data redaction per type,
 * on a generated, labelled corpus of spellings and look-alikes, next to the baseline.
 */
@Command(
    name = "pii",
    mixinStandardHelpOptions = true,
    description = {
      "Recall and precision of ingest's personal-data redaction per type (e-mail, phone, card,"
          + " IBAN, IP) on a generated, labelled corpus: every spelling class of every type and"
          + " look-alikes that are not personal data (dates, prices, order numbers, versions,"
          + " ISBNs, code), each in sentences, with the baseline (ingest's redaction before it read"
          + " these spellings) measured side by side. Lists the spelling classes below full recall"
          + " and the look-alike classes not left untouched, with examples."
    })
public final class BenchPiiCommand extends ConsoleCommand {

  @Option(
      names = "--per-class",
      paramLabel = "N",
      defaultValue = "200",
      description = "Samples of each spelling and look-alike class (default: ${DEFAULT-VALUE}).")
  int perClass;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "11",
      description = "Seed of the corpus (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  int run(PrintWriter out) {
    PiiBenchmark.compare(perClass, seed).lines().forEach(out::println);
    return 0;
  }
}
