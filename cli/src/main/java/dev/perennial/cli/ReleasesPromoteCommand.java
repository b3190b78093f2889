package dev.perennial.cli;

import dev.perennial.publisher.alias.AliasCommand;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code perennial releases promote KEY VERSION}: points an alias at a version. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description =
        "Points an alias (stable by default) at a published version, through the running"
            + " publisher; the move is recorded on releases.v1 and audit.v1 with --actor and"
            + " --reason.")
public final class ReleasesPromoteCommand extends ConsoleCommand {

  @Mixin AliasMoveOptions options;

  @Override
  int run(PrintWriter out) {
    return options.run(spec, out, AliasCommand.Move.PROMOTE);
  }
}
