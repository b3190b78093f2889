package dev.perennial.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log line of this JVM while open, Perennial's own down to DEBUG, with the messages of any
 * exception logged with it: for tests that show what a log line must not say (an erased subject's
 * pseudonym or raw id, content). {@link #ofThisThread()} keeps only what the opening thread logs,
 * for tests that assert what a synchronous call warned while test classes that opt into concurrent
 * execution (HealthServerTest) log from their own threads.
 */
public final class LogCapture implements AutoCloseable {

  private final List<String> lines = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final AbstractAppender appender;
  private final Level previous;

  public LogCapture() {
    this(event -> true);
  }

  /** A capture of the lines the calling thread logs. */
  public static LogCapture ofThisThread() {
    long thread = Thread.currentThread().getId();
    return new LogCapture(event -> event.getThreadId() == thread);
  }

  private LogCapture(Predicate<LogEvent> kept) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    appender =
        new AbstractAppender("privacy-capture", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            if (!kept.test(event)) {
              return;
            }
            StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
            for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
              line.append(" | ").append(t);
            }
            synchronized (lines) {
              lines.add(line.toString());
              if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
                warnings.add(line.toString());
              }
            }
          }
        };
    appender.start();
    configuration.getRootLogger().addAppender(appender, Level.ALL, null);
    previous = configuration.getLoggerConfig("dev.perennial").getLevel();
    Configurator.setLevel("dev.perennial", Level.DEBUG);
    context.updateLoggers();
  }

  public String text() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** The lines logged at WARN or above. */
  public List<String> warnings() {
    synchronized (lines) {
      return List.copyOf(warnings);
    }
  }

  public int lines() {
    synchronized (lines) {
      return lines.size();
    }
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    Configurator.setLevel("dev.perennial", previous);
    context.updateLoggers();
    appender.stop();
  }
}
