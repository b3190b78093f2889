package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that read one shared configuration file, as the services do, and check it as they do.
 */
class SharedConfigCommandsTest {

  @TempDir Path folder;

  private final PerennialConsole console = new PerennialConsole();

  @Test
  void schemasRegisterRefusesATopicPrefixTheServicesRefuseBeforeReachingTheRegistry()
      throws IOException {
    Path config = folder.resolve("perennial.properties");
    Files.writeString(
        config,
        "schema.registry.url=http://127.0.0.1:1\n" + "perennial.topic.prefix=prod topics/\n");

    assertThat(console.run("schemas", "register", "--config", config.toString())).isEqualTo(1);
    assertThat(console.err()).contains("perennial.topic.prefix").contains("prod topics/");
  }

  @Test
  void aclsRefuseATopicPrefixTheServicesRefuse() throws IOException {
    Path config = folder.resolve("perennial.properties");
    Files.writeString(config, "perennial.topic.prefix=prod topics/\n");

    assertThat(console.run("acls", "--config", config.toString())).isEqualTo(1);
    assertThat(console.err()).contains("perennial.topic.prefix").contains("prod topics/");
  }

  @Test
  void releasesReproduceDoesNotCallTheReleasePathItReadsAnIgnoredKey() throws IOException {
    Path area = folder.resolve("releases");
    Path config = folder.resolve("perennial.properties");
    Files.writeString(
        config,
        "bootstrap.servers=localhost:9092\n"
            + "schema.registry.url=http://localhost:8081\n"
            + "perennial.publisher.release.path="
            + area
            + "\n");

    try (LogCapture logs = new LogCapture()) {
      // no release area there: the command stops after building its configuration
      console.run("releases", "reproduce", "acme/support", "1", "--config", config.toString());

      assertThat(logs.warnings()).noneMatch(line -> line.contains("perennial.publisher.release"));
    }
    assertThat(console.err()).contains(area.toString());
  }

  /**
   * A blank release path is no release area: {@code Path.of("")} would be the current folder, where
   * the commands would look for releases (and report what they find there, or that none is).
   */
  @Test
  void releasesReproduceAndVerifyRefuseABlankReleasePathNamingTheKey() throws IOException {
    Path config = folder.resolve("perennial.properties");
    Files.writeString(
        config,
        "bootstrap.servers=localhost:9092\n"
            + "schema.registry.url=http://localhost:8081\n"
            + "perennial.publisher.release.path= \n");

    assertThat(
            console.run(
                "releases", "reproduce", "acme/support", "1", "--config", config.toString()))
        .isEqualTo(1);
    assertThat(console.run("releases", "verify", "--config", config.toString())).isEqualTo(1);

    assertThat(console.err().lines())
        .filteredOn(line -> line.contains("perennial.publisher.release.path: "))
        .hasSize(2);
  }

  @Test
  void releasesReproduceAndVerifyRefuseABlankReleasePathOption() {
    assertThat(console.run("releases", "reproduce", "acme/support", "1", "--release-path", " "))
        .isEqualTo(2);
    assertThat(console.run("releases", "verify", "--release-path", "")).isEqualTo(2);

    assertThat(console.err().lines())
        .filteredOn(line -> line.contains("--release-path"))
        .hasSizeGreaterThanOrEqualTo(2);
  }
}
