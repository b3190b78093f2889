package dev.perennial.cli.bench.faults;

import dev.perennial.core.PerennialException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java process started from this JVM's classpath (a stage of the fault harness, or the broker),
 * its output appended to one log file: started again after a kill with the same command, killed
 * with SIGKILL, and waited on by the lines it logs.
 */
final class ChildJvm implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(50);

  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;
  private int starts;

  /**
   * @param systemProperties {@code -D} options of the child (the logging configuration and DJL's
   *     offline flag of this JVM are passed on)
   */
  ChildJvm(
      String name,
      String heap,
      Map<String, String> systemProperties,
      String mainClass,
      List<String> arguments,
      Path log) {
    this.name = name;
    this.log = log;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Xmx" + heap);
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Dai.djl.offline=true");
    passOn(command, "log4j2.configurationFile");
    passOn(command, "perennial.registry.home");
    systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add(mainClass);
    command.addAll(arguments);
    this.command = List.copyOf(command);
  }

  private static void passOn(List<String> command, String property) {
    String value = System.getProperty(property);
    if (value != null) {
      command.add("-D" + property + "=" + value);
    }
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  /** Starts the process (again, after a kill); its output goes on at the end of the log. */
  void start() {
    if (isAlive()) {
      throw new IllegalStateException(name + " is running");
    }
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "==== start " + (++starts) + " of " + name + System.lineSeparator(),
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().put("DJL_OFFLINE", "true");
      process = builder.start();
    } catch (IOException e) {
      throw new PerennialException("Cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /** Waits until the process has exited with status 0 (a one-off tool). */
  void awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      throw new PerennialException(name + " did not finish within " + timeout + "; see " + log);
    }
    if (process.exitValue() != 0) {
      throw new PerennialException(
          name + " exited with status " + process.exitValue() + "; see " + log);
    }
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed, an open transaction stays open. */
  void kill() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new PerennialException(name + " did not die within 30 s of SIGKILL");
    }
  }

  /** SIGTERM, then SIGKILL if it has not stopped within {@code grace}. */
  void stop(Duration grace) throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
    }
  }

  /** How far the log is written: later waits look at what comes after. */
  long mark() {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      throw new PerennialException("Cannot read " + log + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits for a line matching {@code pattern} after {@code mark}.
   *
   * @return the match, or empty after {@code timeout}
   * @throws PerennialException when the process dies meanwhile
   */
  Optional<Matcher> await(Pattern pattern, long mark, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher matcher = pattern.matcher(since(mark));
      if (matcher.find()) {
        return Optional.of(matcher);
      }
      if (!isAlive()) {
        throw new PerennialException(
            name + " exited with status " + process.exitValue() + "; see its log " + log);
      }
      Thread.sleep(POLL.toMillis());
    }
    return Optional.empty();
  }

  /** The log after {@code mark}. */
  String since(long mark) {
    try {
      if (!Files.exists(log)) {
        return "";
      }
      byte[] bytes = Files.readAllBytes(log);
      int from = (int) Math.min(mark, bytes.length);
      return new String(bytes, from, bytes.length - from, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new PerennialException("Cannot read " + log + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      stop(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
