package dev.perennial.cli;

import dev.perennial.publisher.alias.AliasCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code perennial releases promote KEY VERSION}: points an alias at a version. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description =
        "Points an alias (stable by default) at a published version, through the running"
            + " publisher; the move is recorded on releases.v1 and audit.v1 with --actor and"
            + " --reason.")
public final class ReleasesPromoteCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin AliasMoveOptions options;

  @Override
  public Integer call() {
    return options.run(spec, AliasCommand.Move.PROMOTE);
  }
}
