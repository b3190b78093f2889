package dev.perennial.cli;

import dev.perennial.core.PerennialException;
import dev.perennial.model.ModelException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code perennial} command: one subcommand class per service or task. */
@Command(
    name = "perennial",
    mixinStandardHelpOptions = true,
    versionProvider = Perennial.Version.class,
    description = "Keeps per-tenant LoRA adapters fresh from consented Kafka streams.",
    subcommands = {
      LocalCommand.class,
      IngestCommand.class,
      PretrainCommand.class,
      TrainerCommand.class,
      EvaluatorCommand.class,
      PublisherCommand.class,
      ReleasesCommand.class,
      BasesCommand.class,
      AdaptersCommand.class,
      SchemasCommand.class,
      AclsCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Perennial extends GroupCommand {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with Perennial's error handling; tests run commands through this. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Perennial());
    commandLine.setExecutionExceptionHandler(Perennial::reportError);
    return commandLine;
  }

  /** Perennial's own errors are meant to be read: print the message, not a stack trace. */
  private static int reportError(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) throws Exception {
    if (!(e instanceof PerennialException) && !(e instanceof ModelException)) {
      throw e;
    }
    commandLine
        .getErr()
        .println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
    return CommandLine.ExitCode.SOFTWARE;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Perennial.class.getPackage().getImplementationVersion();
      return new String[] {"perennial " + (version == null ? "(development build)" : version)};
    }
  }
}
