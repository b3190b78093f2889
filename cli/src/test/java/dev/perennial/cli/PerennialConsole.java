package dev.perennial.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code perennial} command lines in this JVM and keeps what they print for tests to read. */
final class PerennialConsole {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /**
   * Runs one command line; its exit code. What it prints adds to {@link #out()} and {@link #err()}.
   */
  int run(String... args) {
    return Perennial.commandLine()
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  /** Everything printed on standard output so far. */
  String out() {
    return out.toString();
  }

  /** Everything printed on standard error so far. */
  String err() {
    return err.toString();
  }
}
