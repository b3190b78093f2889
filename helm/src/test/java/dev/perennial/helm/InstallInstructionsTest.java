package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.MasterKeySettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README's "Install on Kubernetes" works as written: its {@code helm install} sets every required
 * value and passes the schema, and its {@code kubectl} commands create the Secrets it names, with
 * the items the chart mounts, and its master key rotation restarts every workload that reads them.
 */
class InstallInstructionsTest {

  static final Path README = Path.of("..", "README.md").toAbsolutePath().normalize();

  private static final Pattern SET = Pattern.compile("--set\\s+([\\w.]+)=(\\S+)");
  private static final Pattern SECRET =
      Pattern.compile("create secret generic (\\S+)\\s+--from-(?:literal|file)=([^=\\s]+)=");

  private static String section;

  @BeforeAll
  static void readTheSection() throws IOException {
    String readme = Files.readString(README);
    int start = readme.indexOf("## Install on Kubernetes");
    assertThat(start).as("README's Install on Kubernetes section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    // Shell continuation lines joined: one command per line.
    section =
        readme.substring(start, end < 0 ? readme.length() : end).replaceAll("\\\\\n\\s*", " ");
  }

  @Test
  void theHelmInstallCommandSetsEveryRequiredValueAndPassesTheSchema() throws IOException {
    Map<String, String> set = setValues();
    Chart chart = Chart.withoutRequiredValues();
    set.forEach(chart::with);

    assertThat(set)
        .containsKeys(flatten(readYaml(Chart.REQUIRED_VALUES), "").keySet().toArray(String[]::new));
    assertThat(chart.render().workloads()).hasSize(Component.values().length);
  }

  @Test
  void theKubectlCommandsCreateTheSecretsTheInstallNamesWithTheItemsTheChartMounts()
      throws IOException {
    Map<String, String> created = new TreeMap<>();
    Matcher secret = SECRET.matcher(section);
    while (secret.find()) {
      created.put(secret.group(1), secret.group(2));
    }
    Map<String, String> defaults = flatten(readYaml(Chart.DIRECTORY.resolve("values.yaml")), "");
    Map<String, String> named = new TreeMap<>();
    setValues().entrySet().stream()
        .filter(e -> e.getKey().startsWith("secrets.") && e.getKey().endsWith(".name"))
        .forEach(e -> named.put(e.getValue(), defaults.get(e.getKey().replace(".name", ".key"))));

    assertThat(named).as("Secrets the install names").hasSize(4).doesNotContainValue(null);
    assertThat(created).isEqualTo(named);
  }

  @Test
  void theMasterKeyRotationRestartsEveryWorkloadThatReadsTheMasterKeys() throws IOException {
    Matcher restart = Pattern.compile("rollout restart deployment ([\\w -]+)").matcher(section);
    assertThat(restart.find()).as("the rotation's rollout restart").isTrue();
    Chart chart = Chart.withoutRequiredValues().release("perennial");
    setValues().forEach(chart::with);
    RenderedChart rendered = chart.render();

    Set<String> readers =
        Arrays.stream(Component.values())
            .filter(
                component ->
                    rendered
                        .properties(component)
                        .containsKey(MasterKeySettings.MASTER_KEYS_FILE_CONFIG))
            .map(component -> rendered.workload(component).name())
            .collect(Collectors.toSet());
    assertThat(Set.of(restart.group(1).trim().split("\\s+"))).isEqualTo(readers);
  }

  private static Map<String, String> setValues() {
    Map<String, String> values = new LinkedHashMap<>();
    Matcher set = SET.matcher(section);
    while (set.find()) {
      values.put(set.group(1), set.group(2));
    }
    return values;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> flatten(Map<String, Object> tree, String prefix) {
    Map<String, String> flat = new TreeMap<>();
    tree.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> map) {
            flat.putAll(flatten((Map<String, Object>) map, prefix + key + "."));
          } else if (value != null) {
            flat.put(prefix + key, value.toString());
          }
        });
    return flat;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readYaml(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return RenderedChart.SERIALIZATION.unmarshal(in, Map.class);
    }
  }
}
