package dev.perennial.core.embedded;

import dev.perennial.core.PerennialException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real schema registry for {@code perennial local} and tests: Apicurio Registry's distribution
 * (unpacked by the root build into {@code target/apicurio-registry}) started as a child JVM on a
 * free loopback port, global compatibility BACKWARD (as Confluent's default, and so {@code GET
 * /config} says), lookups that compare schemas by their canonical form (as Confluent's registry
 * does: an app's copy of a schema is found whatever its layout). Storage is in memory, or in a
 * folder that survives {@link #stop()} and {@link #restart()} (tests of an outage); optionally it
 * requires HTTP basic authentication ({@link #startWithBasicAuth}). Its Confluent-compatible REST
 * API is at {@link #url()}. The child's output goes to a log file; {@link #close()} and a shutdown
 * hook stop it.
 *
 * <p>The child JVM maps a class-data sharing archive of the registry's classes ({@value
 * #CDS_ARCHIVE} in the distribution's folder, the JDK's dynamic CDS) and so starts on about half
 * the CPU (4 s instead of 8 s on a 2-core machine, where a {@code verify} starts some fifty
 * registries). The first registry a distribution runs makes the archive first, with one registry
 * run only for that (about 10 s, once). A JVM that cannot use the archive (another JDK, a changed
 * jar) starts without it.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

  /** System property naming the unpacked distribution (Surefire and Failsafe set it). */
  public static final String HOME_PROPERTY = "perennial.registry.home";

  public static final String RUNNER_JAR = "apicurio-registry-app-3.0.9-runner.jar";
  public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;

  /** The class-data sharing archive in the distribution's folder. */
  static final String CDS_ARCHIVE = "perennial-registry.jsa";

  /** How long the registry writing the archive may take to stop (writing it takes about 4 s). */
  private static final Duration ARCHIVING_STOP_TIMEOUT = Duration.ofSeconds(60);

  /** Whether this JVM failed to make the archive: it does not try again. */
  private static boolean archiveFailed;

  private final Path home;
  private final int port;
  private final int managementPort;
  private final Path logFile;
  private final Path dataFolder;
  private final Optional<String> basicAuthUserInfo;
  private final Thread shutdownHook;
  private volatile Process process;

  /**
   * The archive this JVM maps, or (the registry run only to make it) the file it writes as it
   * stops: {@code -XX:SharedArchiveFile} or {@code -XX:ArchiveClassesAtExit}; empty: neither.
   */
  private Optional<String> classDataSharing = Optional.empty();

  private EmbeddedSchemaRegistry(
      Path home,
      int port,
      int managementPort,
      Path logFile,
      Path dataFolder,
      Optional<String> basicAuthUserInfo) {
    this.home = home;
    this.port = port;
    this.managementPort = managementPort;
    this.logFile = logFile;
    this.dataFolder = dataFolder;
    this.basicAuthUserInfo = basicAuthUserInfo;
    this.shutdownHook = new Thread(this::stopProcess, "embedded-schema-registry-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The distribution named by the system property {@value #HOME_PROPERTY}. */
  public static Path homeFromSystemProperty() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home == null || home.isBlank()) {
      throw new PerennialException(
          "System property "
              + HOME_PROPERTY
              + " is not set; it names the unpacked Apicurio Registry distribution"
              + " (<project root>/target/apicurio-registry, made by `./mvnw generate-resources`"
              + " in the project root)");
    }
    return Path.of(home);
  }

  /**
   * Starts the registry and returns once its Confluent-compatible API answers (about 3 to 8 s).
   *
   * @param home the unpacked distribution (holding {@value #RUNNER_JAR} and {@code lib/})
   * @param logFile where the registry's output goes (replaced)
   */
  public static EmbeddedSchemaRegistry start(Path home, Path logFile) {
    return start(home, logFile, null);
  }

  /**
   * Starts the registry with its storage in {@code dataFolder} (kept across {@link #restart()};
   * null: in memory) and returns once its Confluent-compatible API answers.
   */
  public static EmbeddedSchemaRegistry start(Path home, Path logFile, Path dataFolder) {
    return start(home, logFile, dataFolder, Optional.empty());
  }

  /**
   * Starts an in-memory registry that answers only requests with HTTP basic authentication as
   * {@code user} with {@code password} (Quarkus's embedded user store; no identity server): 401 for
   * anything else. The password is on the child's command line, so this is for tests.
   */
  public static EmbeddedSchemaRegistry startWithBasicAuth(
      Path home, Path logFile, String user, String password) {
    if (!user.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("A registry user is letters, digits, '.', '_', '-'");
    }
    return start(home, logFile, null, Optional.of(user + ":" + password));
  }

  private static EmbeddedSchemaRegistry start(
      Path home, Path logFile, Path dataFolder, Optional<String> basicAuthUserInfo) {
    Path runner = home.resolve(RUNNER_JAR);
    if (!Files.isRegularFile(runner)) {
      throw new PerennialException(
          "The schema registry distribution is missing: no "
              + runner.toAbsolutePath()
              + ". Run `./mvnw generate-resources` in the project root to download and unpack"
              + " it (Apicurio Registry 3.0.9 from Maven Central).");
    }
    for (int attempt = 1; ; attempt++) {
      EmbeddedSchemaRegistry registry =
          new EmbeddedSchemaRegistry(
              home, freePort(), freePort(), logFile, dataFolder, basicAuthUserInfo);
      try {
        Files.deleteIfExists(logFile);
        registry.classDataSharing =
            classDataArchive(home).map(archive -> "-XX:SharedArchiveFile=" + archive);
        registry.launch();
        registry.awaitReady();
        registry.enforceBackward();
        log.info("Embedded schema registry ready at {} (log: {})", registry.url(), logFile);
        return registry;
      } catch (PortTakenException e) {
        registry.close();
        if (attempt == START_ATTEMPTS) {
          throw new PerennialException(e.getMessage(), e);
        }
        log.warn("Schema registry port was taken, retry {} of {}", attempt, START_ATTEMPTS - 1);
      } catch (IOException | RuntimeException e) {
        registry.close();
        throw e instanceof RuntimeException runtime
            ? runtime
            : new PerennialException("Cannot start the schema registry: " + e, e);
      }
    }
  }

  /** Base URL of the Confluent-compatible REST API, for {@code schema.registry.url}. */
  public String url() {
    return "http://127.0.0.1:" + port + CCOMPAT_PATH;
  }

  public int port() {
    return port;
  }

  public Path logFile() {
    return logFile;
  }

  /** The registry JVM's process id (tests). */
  long pid() {
    return process.pid();
  }

  /** The last {@code lines} lines of the registry's log, for error reports. */
  public String logTail(int lines) {
    return tail(logFile, lines);
  }

  /**
   * Stops the registry as an outage would: its port refuses connections until {@link #restart()}.
   */
  public void stop() {
    stopProcess();
  }

  /** Starts the stopped registry again on the same port, with the storage it had. */
  public synchronized void restart() {
    if (dataFolder == null) {
      throw new PerennialException(
          "An in-memory registry cannot be restarted with its schemas: start it with a folder");
    }
    stopProcess();
    launch();
    awaitReady();
    log.info("Embedded schema registry at {} started again", url());
  }

  /** Stops the child JVM: politely first, forcibly after {@code STOP_TIMEOUT}. */
  @Override
  public void close() {
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs (or ran) stopProcess anyway
    }
  }

  private synchronized void launch() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A small, short-lived service: quick start and a small footprint beat peak throughput.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    classDataSharing.ifPresent(command::add);
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dquarkus.http.port=" + port);
    command.add("-Dquarkus.management.port=" + managementPort);
    command.add("-Dapicurio.rules.global.compatibility=BACKWARD");
    // Look schemas up by their canonical form, as Confluent's registry does.
    command.add("-Dapicurio.ccompat.use-canonical-hash=true");
    basicAuthUserInfo.ifPresent(
        userInfo -> {
          // Apicurio 3.0 hands basic authentication to Quarkus, whose embedded user store is in
          // the distribution: every API then needs a user (anonymous reads stay off).
          int colon = userInfo.indexOf(':');
          command.add("-Dquarkus.http.auth.basic=true");
          command.add("-Dquarkus.security.users.embedded.plain-text=true");
          command.add(
              "-Dquarkus.security.users.embedded.users."
                  + userInfo.substring(0, colon)
                  + "="
                  + userInfo.substring(colon + 1));
        });
    if (dataFolder != null) {
      command.add(
          "-Dapicurio.datasource.url=jdbc:h2:file:"
              + dataFolder.toAbsolutePath().resolve("registry")
              + ";DB_CLOSE_ON_EXIT=FALSE");
    }
    command.add("-jar");
    command.add(home.resolve(RUNNER_JAR).toAbsolutePath().toString());
    try {
      Path folder = logFile.toAbsolutePath().getParent();
      if (folder != null) {
        Files.createDirectories(folder);
      }
      if (dataFolder != null) {
        Files.createDirectories(dataFolder);
      }
      process =
          new ProcessBuilder(command)
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new PerennialException("Cannot start the schema registry: " + e.getMessage(), e);
    }
  }

  /**
   * The distribution's class-data sharing archive, made first when there is none: by one JVM at a
   * time (a lock file, released should that JVM die) and, within it, one thread. Empty, with the
   * reason logged, when it cannot be made.
   */
  private static synchronized Optional<Path> classDataArchive(Path home) {
    Path archive = home.resolve(CDS_ARCHIVE).toAbsolutePath();
    if (Files.isRegularFile(archive)) {
      return Optional.of(archive);
    }
    if (archiveFailed) {
      return Optional.empty();
    }
    try (FileChannel lock =
            FileChannel.open(
                home.resolve(CDS_ARCHIVE + ".lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock held = lock.lock()) {
      if (!Files.isRegularFile(archive)) {
        writeClassDataArchive(home, archive);
      }
      return Optional.of(archive);
    } catch (IOException | RuntimeException e) {
      archiveFailed = true;
      log.warn("The schema registry starts without class-data sharing: {}", e.toString());
      return Optional.empty();
    }
  }

  /**
   * Runs a registry until it answers, and stops it: its JVM writes the classes it loaded to a file
   * of its own as it exits, moved to {@code archive} once it stopped cleanly.
   */
  private static void writeClassDataArchive(Path home, Path archive) throws IOException {
    Path written = Files.createTempFile(home, CDS_ARCHIVE + ".", ".tmp").toAbsolutePath();
    EmbeddedSchemaRegistry registry =
        new EmbeddedSchemaRegistry(
            home,
            freePort(),
            freePort(),
            home.resolve(CDS_ARCHIVE + ".log"),
            null,
            Optional.empty());
    try {
      registry.classDataSharing = Optional.of("-XX:ArchiveClassesAtExit=" + written);
      Files.deleteIfExists(registry.logFile);
      registry.launch();
      registry.awaitReady();
      registry.enforceBackward();
      registry.close();
      if (registry.process.isAlive() || Files.size(written) == 0) {
        throw new PerennialException(
            "The registry run to make " + archive + " did not write it; see " + registry.logFile);
      }
      // a rename, so that no JVM ever maps a half-written archive
      Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE);
      log.info("Schema registry class-data sharing archive written: {}", archive);
    } finally {
      registry.close();
      Files.deleteIfExists(written);
    }
  }

  /**
   * Sets the global compatibility through the Confluent API too: the system property enforces it,
   * but only this makes {@code GET /config} say so.
   */
  private void enforceBackward() {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request =
        request("/config")
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}"))
            .build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new PerennialException(
            "The schema registry refused PUT /config: HTTP "
                + response.statusCode()
                + " "
                + response.body());
      }
    } catch (IOException e) {
      throw new PerennialException("Cannot set the schema registry's compatibility: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PerennialException("Interrupted while configuring the schema registry", e);
    }
  }

  private void awaitReady() {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest probe = request("/subjects").timeout(Duration.ofSeconds(5)).GET().build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String tail = logTail(40);
        if (tail.contains("Port already bound") || tail.contains("Address already in use")) {
          throw new PortTakenException("Schema registry could not bind its port:\n" + tail);
        }
        throw new PerennialException(
            "The schema registry exited with status "
                + process.exitValue()
                + " while starting; the end of its log ("
                + logFile
                + "):\n"
                + tail);
      }
      try {
        HttpResponse<Void> response = client.send(probe, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PerennialException("Interrupted while waiting for the schema registry", e);
      }
      sleep(Duration.ofMillis(100));
    }
    throw new PerennialException(
        "The schema registry did not answer within "
            + START_TIMEOUT.toSeconds()
            + " s; the end of its log ("
            + logFile
            + "):\n"
            + logTail(40));
  }

  /** A request to the Confluent-compatible API, with the basic authentication it requires. */
  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path));
    basicAuthUserInfo.ifPresent(
        userInfo ->
            request.header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8))));
    return request;
  }

  private synchronized void stopProcess() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    Duration timeout =
        classDataSharing.filter(option -> option.startsWith("-XX:ArchiveClassesAtExit")).isPresent()
            ? ARCHIVING_STOP_TIMEOUT
            : STOP_TIMEOUT;
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("Schema registry did not stop within {}; killing it", timeout);
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
      log.info("Embedded schema registry on port {} stopped", port);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new PerennialException("Cannot find a free loopback port: " + e.getMessage(), e);
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all =
          new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PerennialException("Interrupted while waiting for the schema registry", e);
    }
  }

  private static final class PortTakenException extends PerennialException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
      super(message);
    }
  }
}
