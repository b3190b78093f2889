package dev.perennial.cli;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.trainer.rebase.BaseAnnouncements;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code perennial bases list}: every announced base and the one it succeeds. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Lists the announced bases (bases.v1): name, digest, location, what it succeeds, and when"
            + " and by whom it was last announced (announcing it again retries the keys not yet on"
            + " it whose last try was refused, undecided or given up by a worker).")
public final class BasesListCommand extends ConsoleCommand {

  @Mixin ConfigFileOption configFile;

  @Override
  int run(PrintWriter out) {
    for (BaseAnnouncement base : BaseAnnouncements.list(new PerennialConfig(configFile.values()))) {
      out.printf(
          "%s  %s  %s%s  announced %s by %s%n",
          base.getName(),
          base.getDigest(),
          base.getLocation(),
          base.getSucceeds() == null ? "" : "  succeeds " + base.getSucceeds().getName(),
          base.getAnnouncedAt(),
          base.getAnnouncedBy());
    }
    return 0;
  }
}
