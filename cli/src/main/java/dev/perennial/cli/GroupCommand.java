package dev.perennial.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands: run alone, it says which ones there are. */
abstract class GroupCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public final void run() {
    List<String> names = new ArrayList<>(spec.subcommands().keySet());
    names.remove("help");
    String last = names.remove(names.size() - 1);
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "Missing subcommand: " + (names.isEmpty() ? "" : String.join(", ", names) + " or ") + last);
  }
}
