package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.core.PerennialException;
import dev.perennial.publisher.retract.RetractCommand;
import dev.perennial.schemas.key.AdapterKey;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code perennial releases retract KEY VERSION}: withdraws a release for good, as an erasure
 * retracts one; its weights are deleted.
 */
@Command(
    name = "retract",
    mixinStandardHelpOptions = true,
    description = {
      "Withdraws a published release for good (a harmful or wrong adapter), through the running"
          + " publisher, as a release trained on erased data is retracted: a RETRACTED record on"
          + " releases.v1 and an audit.v1 event with --actor and --reason; every alias on it falls"
          + " back to the newest older release of its base that is not retracted, or is removed;"
          + " it is never served, continued from or compared with again. Its adapter weights are"
          + " deleted (from the release folder and the artifact store, unless a release that is"
          + " not retracted holds the same file); its signed manifest stays, with a signed"
          + " purged.json naming what was deleted and why. It cannot be undone: to stop serving a"
          + " release for now, use rollback.",
      "Refused (exit 1) for an unknown key or version, a release retracted already, or without"
          + " the publisher's admin token."
    })
public final class ReleasesRetractCommand extends ConsoleCommand {

  @Parameters(index = "0", paramLabel = "KEY", description = "Adapter key, tenant/adapter.")
  String key;

  @Parameters(index = "1", paramLabel = "VERSION", description = "3 or v3")
  String version;

  @Option(
      names = "--actor",
      defaultValue = "${sys:user.name}",
      description =
          "Who retracts it, for the audit trail (default: your user name, ${DEFAULT-VALUE}).")
  String actor;

  @Option(names = "--reason", required = true, description = "Why, for the audit trail.")
  String reason;

  @Mixin PublisherAdminOptions publisher;

  @Override
  int run(PrintWriter out) {
    AdapterKey adapterKey = Arguments.adapterKey(spec, key);
    RetractCommand command;
    try {
      command =
          new RetractCommand(adapterKey, Arguments.requireVersion(spec, version), actor, reason);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    JsonNode answer = publisher.client().retract(command);
    if (!answer.has("aliases")) {
      throw new PerennialException("The publisher answered without the key's aliases: " + answer);
    }
    out.printf(
        "%s v%d retracted (by %s: %s); its weights are purged; aliases now %s%n",
        adapterKey, command.version(), actor, reason, answer.path("aliases"));
    return 0;
  }
}
