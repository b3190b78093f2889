package dev.perennial.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Perennial never reaches the network, whatever command line starts it: a JVM started without
 * {@code -Dai.djl.offline=true} and with empty DJL caches loads the engine and a tokenizer without
 * one connection attempt (DJL's telemetry probes the EC2 metadata address when it is not offline),
 * and where PyTorch's native library is missing it fails at once with a message saying how to
 * install it, rather than downloading it.
 */
class OfflineEngineIT {

  @TempDir Path folder;

  @Test
  void engineLoadsWithoutANetworkAttemptWhenNoOfflineFlagWasGiven() throws Exception {
    String output = probe(classPath(), Map.of(), "engine");

    assertThat(output).doesNotContain("network attempt").contains("engine loaded: 4.0");
  }

  @Test
  void missingNativeLibraryFailsWithInstallAdviceInsteadOfADownload() throws Exception {
    String withoutNatives =
        Arrays.stream(classPath().split(File.pathSeparator))
            .filter(entry -> !entry.contains("pytorch-native-cpu"))
            .collect(Collectors.joining(File.pathSeparator));

    String output = probe(withoutNatives, Map.of(), "engine");

    assertThat(output)
        .doesNotContain("network attempt")
        .doesNotContain("engine loaded")
        .contains("refused: ")
        .contains("never downloads")
        .contains("pytorch-native-cpu")
        .contains("PYTORCH_LIBRARY_PATH");
  }

  @Test
  void anEnvironmentThatSwitchesDjlOfflineModeOffIsRefused() throws Exception {
    String output = probe(classPath(), Map.of("DJL_OFFLINE", "false"), "engine");

    assertThat(output)
        .doesNotContain("network attempt")
        .doesNotContain("engine loaded")
        .contains("refused: ")
        .contains("DJL_OFFLINE");
  }

  @Test
  void tokenizerLoadsWithoutANetworkAttemptWhenNoOfflineFlagWasGiven() throws Exception {
    Path stories = Path.of(OfflineEngineIT.class.getResource("/stories260K").toURI());

    String output = probe(classPath(), Map.of(), "tokenizer", stories.toString());

    assertThat(output).doesNotContain("network attempt").contains("tokenizer loaded: ");
  }

  private static String classPath() {
    return System.getProperty("java.class.path");
  }

  /** Runs the probe with empty DJL caches, no offline flag, and the extra environment. */
  private String probe(String classPath, Map<String, String> environment, String... args)
      throws IOException, InterruptedException, URISyntaxException {
    Path cache = Files.createDirectories(folder.resolve("djl-cache"));
    Path engines = Files.createDirectories(folder.resolve("djl-engines"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.security.manager=allow");
    if (System.getProperty("log4j2.configurationFile") != null) {
      command.add("-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile"));
    }
    command.add("-cp");
    command.add(classPath);
    command.add(OfflineProbe.class.getName());
    command.addAll(List.of(args));
    Path log = folder.resolve("probe.log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    // the build sets these for every test JVM; a user's shell does not
    env.keySet()
        .removeIf(
            name ->
                name.startsWith("DJL_")
                    || name.startsWith("PYTORCH_")
                    || name.startsWith("RUST_")
                    || name.equals("ENGINE_CACHE_DIR")
                    || name.equals("OPT_OUT_TRACKING"));
    env.put("DJL_CACHE_DIR", cache.toString());
    env.put("ENGINE_CACHE_DIR", engines.toString());
    env.putAll(environment);
    Process process = builder.start();
    try {
      assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the probe finished").isTrue();
      return Files.readString(log);
    } finally {
      process.destroyForcibly();
    }
  }
}
