package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.config.PerennialConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** What {@code helm template} produced, parsed into typed Kubernetes objects. */
final class RenderedChart {

  static final KubernetesSerialization SERIALIZATION = serialization();

  static final String COMPONENT_LABEL = "app.kubernetes.io/component";

  private final String text;
  private final List<KubernetesResource> objects;

  private RenderedChart(String text, List<KubernetesResource> objects) {
    this.text = text;
    this.objects = List.copyOf(objects);
  }

  static RenderedChart parse(String text) {
    List<KubernetesResource> objects = new ArrayList<>();
    for (String document : text.split("(?m)^---\\s*$")) {
      boolean empty =
          document.lines().allMatch(line -> line.isBlank() || line.trim().startsWith("#"));
      if (!empty) {
        objects.add(SERIALIZATION.unmarshal(document));
      }
    }
    return new RenderedChart(text, objects);
  }

  String text() {
    return text;
  }

  List<KubernetesResource> objects() {
    return objects;
  }

  <T extends HasMetadata> List<T> all(Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  <T extends HasMetadata> T named(Class<T> kind, String name) {
    List<T> matches =
        all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
    assertThat(matches).as("%s named %s", kind.getSimpleName(), name).hasSize(1);
    return matches.get(0);
  }

  Deployment deployment(Component component) {
    List<Deployment> matches =
        all(Deployment.class).stream()
            .filter(
                d ->
                    component
                        .chartName()
                        .equals(
                            d.getSpec()
                                .getTemplate()
                                .getMetadata()
                                .getLabels()
                                .get(COMPONENT_LABEL)))
            .toList();
    assertThat(matches).as("Deployment of %s", component).hasSize(1);
    return matches.get(0);
  }

  Container container(Component component) {
    List<Container> containers =
        deployment(component).getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).as("containers of %s", component).hasSize(1);
    return containers.get(0);
  }

  ConfigMap configMap() {
    List<ConfigMap> configMaps = all(ConfigMap.class);
    assertThat(configMaps).as("ConfigMaps").hasSize(1);
    return configMaps.get(0);
  }

  /** The component's properties file, as the service's ConfigLoader reads it. */
  String propertiesText(Component component) {
    String file = component.chartName() + ".properties";
    Map<String, String> data = configMap().getData();
    assertThat(data).as("ConfigMap data").containsKey(file);
    return data.get(file);
  }

  Map<String, String> properties(Component component) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(propertiesText(component)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> values = new TreeMap<>();
    properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
    return values;
  }

  /**
   * The component's config as its service builds it at start: the properties file it is given with
   * --config, then its PERENNIAL_* environment, validated by the component's config class. Values
   * from Secrets are a placeholder shaped like credentials ("user:password").
   */
  PerennialConfig config(Component component, Path folder) {
    try {
      Path file = Files.createTempFile(folder, component.chartName(), ".properties");
      Files.writeString(file, propertiesText(component));
      Map<String, String> environment = new HashMap<>();
      for (EnvVar variable : container(component).getEnv()) {
        environment.put(
            variable.getName(),
            variable.getValueFrom() == null ? variable.getValue() : "secret-user:secret-password");
      }
      return component.config(ConfigLoader.load(file, environment));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KubernetesSerialization serialization() {
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (String version : List.of("v1beta2", "v1")) {
      serialization.registerKubernetesResource(
          KafkaTopic.RESOURCE_GROUP + "/" + version, KafkaTopic.RESOURCE_KIND, KafkaTopic.class);
    }
    return serialization;
  }
}
