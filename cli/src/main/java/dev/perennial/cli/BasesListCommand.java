package dev.perennial.cli;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.trainer.rebase.BaseAnnouncements;
import dev.perennial.trainer.rebase.BaseSuccessions;
import java.io.PrintWriter;
import java.util.List;
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
    List<BaseAnnouncement> announced =
        BaseAnnouncements.list(new PerennialConfig(configFile.values()));
    List<BaseAnnouncement> followed = BaseSuccessions.followed(announced);
    for (BaseAnnouncement base : announced) {
      out.println(line(base, followed.contains(base)));
    }
    return 0;
  }

  /**
   * One announced base; a succession the trainer does not follow (a later announcement leads back
   * from it, {@link BaseSuccessions}) says so.
   */
  static String line(BaseAnnouncement base, boolean followed) {
    return String.format(
        "%s  %s  %s%s  announced %s by %s%s",
        base.getName(),
        base.getDigest(),
        base.getLocation(),
        base.getSucceeds() == null ? "" : "  succeeds " + base.getSucceeds().getName(),
        base.getAnnouncedAt(),
        base.getAnnouncedBy(),
        base.getSucceeds() == null || followed
            ? ""
            : "  overruled: later announcements lead back to "
                + base.getSucceeds().getName()
                + ", so no key moves along it (announce it again to move them)");
  }
}
