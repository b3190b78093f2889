package dev.perennial.core.testing;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An extension around one resource that every test class of the JVM shares: started by the first
 * class that needs it and stopped when the JVM exits (a shutdown hook).
 *
 * <p>Not JUnit's root store: Failsafe and Surefire with {@code forkCount} above 1 run each test
 * class of a fork as its own launcher execution, whose root store is closed after that class, so a
 * resource kept there was started again for every class (about 5 to 10 s each for the broker and
 * the registry).
 *
 * @param <R> the resource
 */
abstract class SharedResourceExtension<R extends AutoCloseable>
    implements BeforeAllCallback, BeforeEachCallback {

  private static final Logger log = LoggerFactory.getLogger(SharedResourceExtension.class);

  /** The started resources of this JVM, by their class. */
  private static final Map<Class<?>, Object> STARTED = new ConcurrentHashMap<>();

  private final Class<R> type;
  private final String name;
  private volatile R resource;

  /**
   * @param type the resource's class, its key among the JVM's resources
   * @param name what the resource is, for the error when a test uses it before it started
   */
  SharedResourceExtension(Class<R> type, String name) {
    this.type = type;
    this.name = name;
  }

  /** Starts the resource; called once per JVM. */
  abstract R start();

  @Override
  public void beforeAll(ExtensionContext context) {
    connect();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    connect();
  }

  private void connect() {
    if (resource == null) {
      resource = type.cast(STARTED.computeIfAbsent(type, key -> startUntilExit()));
    }
  }

  private R startUntilExit() {
    R started = start();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(started), "shared-" + type.getSimpleName()));
    return started;
  }

  private void stop(R started) {
    try {
      started.close();
    } catch (Exception e) {
      log.warn("{} did not stop cleanly", name, e);
    }
  }

  /** The resource, if a test class has started it. */
  Optional<R> ifStarted() {
    return Optional.ofNullable(resource);
  }

  /** The resource; throws if no test class has started it. */
  R started() {
    R current = resource;
    if (current == null) {
      throw new IllegalStateException(
          name
              + " is not started: register the extension with @RegisterExtension on a static"
              + " field");
    }
    return current;
  }
}
