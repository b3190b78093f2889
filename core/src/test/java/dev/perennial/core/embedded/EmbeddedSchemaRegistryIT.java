package dev.perennial.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSchemaRegistryIT {

  @TempDir Path folder;

  /**
   * The distribution holds the class-data sharing archive (made by the first registry to start) and
   * the registry's JVM maps it, as its memory mappings show (Linux only).
   */
  @Test
  void theRegistrysJvmMapsTheDistributionsClassDataSharingArchive() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "reads memory mappings from /proc");
    Path home = EmbeddedSchemaRegistry.homeFromSystemProperty();
    try (EmbeddedSchemaRegistry registry =
        EmbeddedSchemaRegistry.start(home, folder.resolve("registry.log"))) {
      Path archive = home.resolve(EmbeddedSchemaRegistry.CDS_ARCHIVE);
      assertThat(archive).isNotEmptyFile();
      assertThat(Files.readString(Path.of("/proc", Long.toString(registry.pid()), "maps")))
          .as("the memory mappings of the registry's JVM")
          .contains(archive.toRealPath().toString());
    }
  }
}
