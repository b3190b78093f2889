package dev.perennial.cli;

import dev.perennial.publisher.alias.AliasCommand;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code perennial releases rollback KEY VERSION}: moves an alias back; deletes nothing. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description =
        "Moves an alias (stable by default) back to an older published version, through the"
            + " running publisher; nothing is deleted. Recorded with --actor and --reason.")
public final class ReleasesRollbackCommand extends ConsoleCommand {

  @Mixin AliasMoveOptions options;

  @Override
  int run(PrintWriter out) {
    return options.run(spec, out, AliasCommand.Move.ROLLBACK);
  }
}
