package dev.perennial.core.embedded;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.PerennialException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSchemaRegistryTest {

  @TempDir Path folder;

  @Test
  void aMissingDistributionIsReportedWithTheCommandThatFetchesIt() {
    assertThatThrownBy(() -> EmbeddedSchemaRegistry.start(folder, folder.resolve("registry.log")))
        .isInstanceOf(PerennialException.class)
        .hasMessageContaining(folder.resolve(EmbeddedSchemaRegistry.RUNNER_JAR).toString())
        .hasMessageContaining("./mvnw generate-resources");
  }
}
