package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartLintTest {

  @Test
  void strictLintPassesOnceKafkaAndTheRegistryAreSet(@TempDir Path folder) throws IOException {
    // helm-java's lint takes no values file: lint a copy whose values.yaml holds the required ones.
    Path chart = copy(Chart.DIRECTORY, folder.resolve("perennial"));
    Map<String, Object> values = readYaml(chart.resolve("values.yaml"));
    merge(values, readYaml(Chart.REQUIRED_VALUES));
    Files.writeString(chart.resolve("values.yaml"), RenderedChart.SERIALIZATION.asYaml(values));

    LintResult result = new Helm(chart).lint().strict().call();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void lintFailsUntilKafkaAndTheRegistryAreSet() {
    LintResult result = new Helm(Chart.DIRECTORY).lint().strict().call();

    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages()))
        .contains("/kafka/bootstrapServers", "/schemaRegistry/url");
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    return to;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readYaml(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new LinkedHashMap<>(RenderedChart.SERIALIZATION.unmarshal(in, Map.class));
    }
  }

  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> into, Map<String, Object> from) {
    from.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> map && into.get(key) instanceof Map<?, ?> existing) {
            Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) existing);
            merge(merged, (Map<String, Object>) map);
            into.put(key, merged);
          } else {
            into.put(key, value);
          }
        });
  }
}
