package dev.perennial.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that prints on its console and returns an exit status; the console (both sides) is
 * flushed when it ends, whether it returns or throws.
 */
abstract class ConsoleCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try {
      return run(out);
    } finally {
      out.flush();
      err().flush();
    }
  }

  /** The console's error side: warnings that are no part of the command's output. */
  final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Runs the command, printing on {@code out}; returns the exit status. */
  abstract int run(PrintWriter out) throws Exception;
}
