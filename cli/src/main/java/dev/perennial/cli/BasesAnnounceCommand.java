package dev.perennial.cli;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.trainer.rebase.BaseAnnouncements;
import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code perennial bases announce NAME --location L --succeeds OLD --succeeds-location L0}: the
 * trainer re-bases every key with a stable release on OLD onto NAME.
 */
@Command(
    name = "announce",
    mixinStandardHelpOptions = true,
    description = {
      "Announces a base model on bases.v1 (compacted, keyed by name), with the base it succeeds:"
          + " the trainer's accumulator then plans one REBASE job per adapter key with a stable"
          + " release on the old base. Both bases are opened first to compute their digests.",
      "Announcing a base again retries every key not yet on it whose last REBASE job was refused"
          + " or undecided (carrying over first, then distilling); a try still waiting for its"
          + " verdict finishes first.",
      "Locations: a model folder the trainer workers and evaluators can read, or bundled:<name>"
          + " (perennial-tiny, perennial-tiny-2, perennial-tiny-deep)."
    })
public final class BasesAnnounceCommand extends ConsoleCommand {

  @Parameters(index = "0", paramLabel = "NAME", description = "The new base's name.")
  String name;

  @Option(names = "--location", required = true, paramLabel = "DIR|bundled:NAME")
  String location;

  @Option(names = "--succeeds", paramLabel = "OLD", description = "The base it succeeds.")
  String succeeds;

  @Option(
      names = "--succeeds-location",
      paramLabel = "DIR|bundled:NAME",
      description = "Where the old base is (default: bundled:OLD).")
  String succeedsLocation;

  @Mixin RecordedByOptions recordedBy;

  @Mixin ConfigFileOption configFile;

  @Override
  int run(PrintWriter out) {
    PerennialConfig config = new PerennialConfig(configFile.values());
    String oldLocation =
        succeeds == null
            ? null
            : succeedsLocation == null ? "bundled:" + succeeds : succeedsLocation;
    BaseAnnouncement announcement =
        BaseAnnouncements.describe(
            name,
            location,
            succeeds,
            oldLocation,
            recordedBy.actor,
            recordedBy.reason,
            Clock.systemUTC());
    BaseAnnouncements.publish(config, announcement);
    out.printf("announced %s (%s) at %s%n", name, announcement.getDigest(), location);
    if (announcement.getSucceeds() != null) {
      out.printf(
          "succeeds  %s (%s)%n",
          announcement.getSucceeds().getName(), announcement.getSucceeds().getDigest());
    }
    return 0;
  }
}
