package dev.perennial.core.testing;

import dev.perennial.core.embedded.EmbeddedSchemaRegistry;
import dev.perennial.core.files.Folders;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real schema registry for tests: Apicurio Registry as a child JVM ({@link
 * EmbeddedSchemaRegistry}) on a free loopback port, BACKWARD compatibility, shared by every test
 * class of the JVM and stopped at the end. When a test fails, the end of the registry's log is
 * logged with it. Subjects persist across test classes: give each test its own subjects. Its
 * storage is a folder under {@code target/}, so a test may {@link #stop()} it (an outage) and
 * {@link #restart()} it with every schema and id it had.
 *
 * <pre>{@code
 * @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();
 * }</pre>
 */
public final class SchemaRegistryExtension extends SharedResourceExtension<EmbeddedSchemaRegistry>
    implements TestWatcher {

  private static final Logger log = LoggerFactory.getLogger(SchemaRegistryExtension.class);
  private static final int LOG_LINES_ON_FAILURE = 80;

  public SchemaRegistryExtension() {
    super(EmbeddedSchemaRegistry.class, "The schema registry");
  }

  @Override
  EmbeddedSchemaRegistry start() {
    return startRegistry();
  }

  /** Base URL of the Confluent-compatible REST API, for {@code schema.registry.url}. */
  public String url() {
    return started().url();
  }

  /** The registry's log file. */
  public Path logFile() {
    return started().logFile();
  }

  /** Stops the registry: its port refuses connections until {@link #restart()}. */
  public void stop() {
    started().stop();
  }

  /** Starts the stopped registry again on the same URL, with the schemas and ids it had. */
  public void restart() {
    started().restart();
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    ifStarted()
        .ifPresent(
            current ->
                log.error(
                    "{} failed; the schema registry's log ({}) ends with:\n{}",
                    context.getDisplayName(),
                    current.logFile(),
                    current.logTail(LOG_LINES_ON_FAILURE)));
  }

  private static EmbeddedSchemaRegistry startRegistry() {
    Path folder =
        Files.isDirectory(Path.of("target"))
            ? Path.of("target")
            : Path.of(System.getProperty("java.io.tmpdir"));
    String name = "schema-registry-" + ProcessHandle.current().pid();
    Path data = folder.resolve(name + "-data");
    Folders.deleteRecursively(data);
    return EmbeddedSchemaRegistry.start(
        EmbeddedSchemaRegistry.homeFromSystemProperty(), folder.resolve(name + ".log"), data);
  }
}
