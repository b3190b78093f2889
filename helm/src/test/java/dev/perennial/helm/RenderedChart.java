package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.config.PerennialConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

  /** The Deployments and StatefulSets. */
  List<Workload> workloads() {
    return objects.stream().map(Workload::of).filter(Objects::nonNull).toList();
  }

  Workload workload(Component component) {
    List<Workload> matches =
        workloads().stream()
            .filter(w -> component.chartName().equals(w.podLabels().get(COMPONENT_LABEL)))
            .toList();
    assertThat(matches).as("workload of %s", component).hasSize(1);
    return matches.get(0);
  }

  Container container(Component component) {
    return workload(component).container();
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
   * from Secrets are a placeholder shaped like credentials ("user:password"); a file the
   * configuration names in a mounted Secret is a copy under {@code folder} holding what such a
   * Secret holds ({@link SecretFiles}); the pod's name is that of a StatefulSet's first pod.
   */
  PerennialConfig config(Component component, Path folder) {
    Workload workload = workload(component);
    try {
      StringBuilder text = new StringBuilder(propertiesText(component)).append('\n');
      Map<String, String> properties = properties(component);
      for (Map.Entry<String, String> property : properties.entrySet()) {
        Optional<String> content = SecretFiles.contentFor(property.getKey());
        if (content.isPresent()) {
          String mounted = property.getValue();
          workload.secretItemAt(Path.of(mounted)); // the pod reads it from a Secret, nowhere else
          Path copy = folder.resolve(component.chartName() + mounted);
          Files.createDirectories(copy.getParent());
          Files.writeString(copy, content.get());
          // A later line wins in a properties file.
          text.append(property.getKey()).append('=').append(copy).append('\n');
        }
      }
      Path file = Files.createTempFile(folder, component.chartName(), ".properties");
      Files.writeString(file, text);
      Map<String, String> environment = new HashMap<>();
      for (EnvVar variable : workload.container().getEnv()) {
        environment.put(variable.getName(), valueInThePod(variable, workload));
      }
      return component.config(ConfigLoader.load(file, environment));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A StatefulSet's first pod is {@code <name>-0}. */
  static String firstPodName(Workload workload) {
    return workload.name() + "-0";
  }

  private static String valueInThePod(EnvVar variable, Workload workload) {
    if (variable.getValueFrom() == null) {
      return variable.getValue();
    }
    if (variable.getValueFrom().getSecretKeyRef() != null) {
      return "secret-user:secret-password";
    }
    var field = variable.getValueFrom().getFieldRef();
    if (field != null && field.getFieldPath().equals("metadata.name")) {
      return firstPodName(workload);
    }
    throw new AssertionError("no stand-in for the value of " + variable);
  }

  private static KubernetesSerialization serialization() {
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (String version : List.of("v1beta2", "v1")) {
      serialization.registerKubernetesResource(
          KafkaTopic.RESOURCE_GROUP + "/" + version, KafkaTopic.RESOURCE_KIND, KafkaTopic.class);
      serialization.registerKubernetesResource(
          KafkaUser.RESOURCE_GROUP + "/" + version, KafkaUser.RESOURCE_KIND, KafkaUser.class);
    }
    return serialization;
  }
}
