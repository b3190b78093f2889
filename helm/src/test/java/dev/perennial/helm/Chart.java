package dev.perennial.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The chart in {@code helm/perennial}, rendered as {@code helm template} renders it (Helm 3
 * embedded through helm-java). Values are given as a tree; keys inside {@code config} maps are
 * configuration keys and stay whole, dots included.
 */
final class Chart {

  static final Path DIRECTORY = Path.of("perennial").toAbsolutePath();

  /** The values every install must set (README's "Install on Kubernetes"). */
  static final Path REQUIRED_VALUES = DIRECTORY.resolve("ci").resolve("required-values.yaml");

  static final String RELEASE = "acme";
  static final String NAMESPACE = "adapters";

  /**
   * A current Kubernetes; the chart needs 1.25 or later (helm-java renders for 1.20 by default).
   */
  static final String KUBE_VERSION = "1.31.0";

  private final boolean requiredValues;
  private final Map<String, Object> values = new LinkedHashMap<>();
  private String release = RELEASE;

  private Chart(boolean requiredValues) {
    this.requiredValues = requiredValues;
  }

  /** The chart with the values every install must set, plus whatever the test adds. */
  static Chart withRequiredValues() {
    return new Chart(true);
  }

  /** The chart with nothing but its own values.yaml, plus whatever the test adds. */
  static Chart withoutRequiredValues() {
    return new Chart(false);
  }

  /**
   * Sets a value; {@code path} names chart keys separated by dots ({@code
   * trainer.worker.gpu.enabled}). Maps are merged into what earlier calls set.
   */
  Chart with(String path, Object value) {
    Map<String, Object> node = values;
    String[] keys = path.split("\\.");
    for (int i = 0; i < keys.length - 1; i++) {
      node = childMap(node, keys[i]);
    }
    String last = keys[keys.length - 1];
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> target = childMap(node, last);
      map.forEach((key, child) -> target.put(key.toString(), child));
    } else {
      node.put(last, value);
    }
    return this;
  }

  Chart release(String name) {
    this.release = name;
    return this;
  }

  /** Renders and parses every object. */
  RenderedChart render() {
    return RenderedChart.parse(renderText());
  }

  /**
   * Renders the chart's text.
   *
   * @throws IllegalStateException with Helm's message when the values are refused
   */
  String renderText() {
    TemplateCommand template =
        new Helm(DIRECTORY)
            .template()
            .withName(release)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (requiredValues) {
      template = template.withValuesFile(REQUIRED_VALUES);
    }
    if (!values.isEmpty()) {
      template = template.withValuesFile(writeValues());
    }
    return template.call();
  }

  private Path writeValues() {
    try {
      Path file = Files.createTempFile("perennial-values-", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, RenderedChart.SERIALIZATION.asYaml(values));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> childMap(Map<String, Object> node, String key) {
    return (Map<String, Object>)
        node.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
  }
}
