package dev.perennial.core.testing;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An extension around one resource that every test class of the JVM shares: started by the first
 * class that needs it, kept in JUnit's root store (which closes it when the run ends).
 *
 * @param <R> the resource
 */
abstract class SharedResourceExtension<R> implements BeforeAllCallback, BeforeEachCallback {

  private final Class<R> type;
  private final String name;
  private volatile R resource;

  /**
   * @param type the resource's class, its key in the root store
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
    connect(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    connect(context);
  }

  private void connect(ExtensionContext context) {
    if (resource == null) {
      resource =
          context
              .getRoot()
              .getStore(ExtensionContext.Namespace.create(SharedResourceExtension.class))
              .getOrComputeIfAbsent(type, key -> start(), type);
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
