package dev.perennial.cli;

import dev.perennial.publisher.alias.AliasCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code perennial releases rollback KEY VERSION}: moves an alias back; deletes nothing. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description =
        "Moves an alias (stable by default) back to an older published version, through the"
            + " running publisher; nothing is deleted. Recorded with --actor and --reason.")
public final class ReleasesRollbackCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin AliasMoveOptions options;

  @Override
  public Integer call() {
    return options.run(spec, AliasCommand.Move.ROLLBACK);
  }
}
