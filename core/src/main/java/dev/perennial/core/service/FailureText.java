package dev.perennial.core.service;

import dev.perennial.core.PerennialException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What killed a service, as its {@code /health/live} body and its exit message say it (a Streams
 * client's, a loop's): not a library's wrapper, but the outermost of Perennial's own exceptions in
 * the cause chain (it says what was being done: which job stays uncommitted), followed by the
 * innermost of them (the store unavailable, a shard missing) unless its message already says it;
 * without one of Perennial's, the innermost cause. On one line of at most {@value #MAX_LENGTH}
 * characters. The log keeps the whole chain.
 *
 * <p>Perennial's messages, Kafka's and those of file access name positions, ids, pseudonyms, sizes
 * and paths, never a record's content; another library's (the JDK's parsers, Avro, Jackson) may
 * quote the data it failed on ({@code For input string: "..."}), so of such an exception only the
 * class is named. The JVM's own errors ({@link VirtualMachineError}: out of memory, stack overflow)
 * keep their message, which names the memory that ran out, never data.
 */
public final class FailureText {

  /** The longest text {@link #describe} returns; the log has the whole of it. */
  public static final int MAX_LENGTH = 500;

  private FailureText() {}

  /**
   * {@code lead}, a space and the failure's cause as the class says, on one line of at most {@value
   * #MAX_LENGTH} characters ({@code "the trainer-worker loop died of", e}).
   */
  public static String describe(String lead, Throwable failure) {
    List<Throwable> chain = chain(failure);
    List<Throwable> perennial =
        chain.stream().filter(cause -> cause instanceof PerennialException).toList();
    String what;
    if (perennial.isEmpty()) {
      what = named(chain.get(chain.size() - 1));
    } else {
      Throwable outermost = perennial.get(0);
      Throwable innermost = perennial.get(perennial.size() - 1);
      what = named(outermost);
      String cause = innermost.getMessage();
      if (innermost != outermost && (cause == null || !what.contains(cause))) {
        what += "; cause: " + named(innermost);
      }
    }
    return oneLine(lead + " " + what);
  }

  /**
   * {@code text} on one line of at most {@value #MAX_LENGTH} characters: line breaks (and the
   * blanks around them) become one space, other control characters {@code ?}, the rest is cut with
   * {@code " ..."}. For free text a record carries (a worker's reason for giving a job up) that
   * goes into log lines and audit events; null stays null.
   */
  public static String oneLine(String text) {
    if (text == null) {
      return null;
    }
    String head = text.length() <= 2 * MAX_LENGTH ? text : text.substring(0, 2 * MAX_LENGTH);
    String line =
        head.replaceAll("\\s*\\R\\s*", " ").replace('\t', ' ').replaceAll("\\p{Cntrl}", "?");
    return line.length() <= MAX_LENGTH && head.length() == text.length()
        ? line
        : line.substring(0, Math.min(line.length(), MAX_LENGTH - 4)) + " ...";
  }

  /** The exception's class and, where it quotes no data, its message. */
  private static String named(Throwable exception) {
    String message = exception.getMessage();
    return exception.getClass().getName()
        + (message == null || message.isBlank()
            ? ""
            : quotesNoData(exception)
                ? ": " + message
                : " (its message is only in the log: it may quote the data it failed on)");
  }

  /** {@code failure} and its causes, outermost first, each once (a chain may loop). */
  public static List<Throwable> chain(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> chain = new ArrayList<>();
    for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
      chain.add(cause);
    }
    return chain;
  }

  /** Whether the exception's message is one that never quotes a record (see the class). */
  private static boolean quotesNoData(Throwable exception) {
    if (exception instanceof VirtualMachineError) {
      return true;
    }
    String name = exception.getClass().getName();
    return name.startsWith("dev.perennial.")
        || name.startsWith("org.apache.kafka.")
        || name.startsWith("java.io.")
        || name.startsWith("java.nio.file.");
  }
}
