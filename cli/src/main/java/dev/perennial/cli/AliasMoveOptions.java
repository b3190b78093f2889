package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.core.PerennialException;
import dev.perennial.publisher.alias.AliasCommand;
import dev.perennial.publisher.config.Aliases;
import dev.perennial.schemas.key.AdapterKey;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What promote and rollback share: the key, version, alias, who and why, and where to send it. */
final class AliasMoveOptions {

  @Parameters(index = "0", paramLabel = "KEY", description = "Adapter key, tenant/adapter.")
  String key;

  @Parameters(index = "1", paramLabel = "VERSION", description = "3 or v3")
  String version;

  @Option(
      names = "--alias",
      defaultValue = Aliases.STABLE,
      description = "The alias to move (default: ${DEFAULT-VALUE}).")
  String alias;

  @Option(
      names = "--actor",
      defaultValue = "${sys:user.name}",
      description =
          "Who moves it, for the audit trail (default: your user name, ${DEFAULT-VALUE}).")
  String actor;

  @Option(names = "--reason", required = true, description = "Why, for the audit trail.")
  String reason;

  @Mixin PublisherAdminOptions publisher;

  /** Sends the move to the publisher and prints what it did. */
  int run(CommandSpec spec, PrintWriter out, AliasCommand.Move move) {
    AdapterKey adapterKey = Arguments.adapterKey(spec, key);
    AliasCommand command;
    try {
      command =
          new AliasCommand(
              adapterKey, alias, Arguments.requireVersion(spec, version), move, actor, reason);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    JsonNode answer = publisher.client().moveAlias(command);
    if (!answer.has("aliases")) {
      throw new PerennialException("The publisher answered without the key's aliases: " + answer);
    }
    out.printf(
        "%s %s -> v%d (%s by %s: %s); aliases now %s%n",
        adapterKey,
        alias,
        command.version(),
        move == AliasCommand.Move.PROMOTE ? "promoted" : "rolled back",
        actor,
        reason,
        answer.path("aliases"));
    return 0;
  }
}
