package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An https schema registry whose certificate an in-house CA signed: every component trusts that CA
 * for the registry, read from a Secret or a ConfigMap mounted read-only, as a PEM truststore of the
 * serdes' registry client (Confluent's {@code schema.registry.ssl.truststore.*} keys).
 */
class RegistryTlsChartTest {

  private static final String LOCATION = "schema.registry.ssl.truststore.location";
  private static final String TYPE = "schema.registry.ssl.truststore.type";

  @Test
  void aRegistryCaFromASecretOrAConfigMapIsEveryComponentsRegistryTruststore() {
    for (String source : List.of("caSecret", "caConfigMap")) {
      RenderedChart chart =
          Chart.withRequiredValues()
              .with("schemaRegistry.url", "https://schema-registry.kafka.svc:8081")
              .with(
                  "schemaRegistry.tls." + source,
                  Map.of("name", "registry-ca", "key", "bundle.pem"))
              .render();

      for (Component component : Component.values()) {
        Map<String, String> properties = chart.properties(component);
        Workload workload = chart.workload(component);
        assertThat(properties)
            .as("%s with %s", component, source)
            .containsEntry(TYPE, "PEM")
            .containsKey(LOCATION);
        Path file = Path.of(properties.get(LOCATION));
        VolumeMount mount = workload.mountOf(file);
        assertThat(mount.getReadOnly()).as("%s mounted read-only", file).isTrue();
        Volume volume = workload.volume(mount.getName());
        String relative = Path.of(mount.getMountPath()).relativize(file).toString();
        List<KeyToPath> items;
        if (source.equals("caSecret")) {
          assertThat(volume.getSecret().getSecretName()).isEqualTo("registry-ca");
          items = volume.getSecret().getItems();
        } else {
          assertThat(volume.getConfigMap().getName()).isEqualTo("registry-ca");
          items = volume.getConfigMap().getItems();
        }
        assertThat(items)
            .singleElement()
            .satisfies(
                item -> {
                  assertThat(item.getKey()).isEqualTo("bundle.pem");
                  assertThat(item.getPath()).isEqualTo(relative);
                });
      }
    }
  }

  @Test
  void withoutARegistryCaTheJvmsDefaultCasAreTrusted() {
    RenderedChart chart = Scenarios.defaults().render();

    for (Component component : Component.values()) {
      assertThat(chart.properties(component)).doesNotContainKeys(TYPE, LOCATION);
    }
  }

  @Test
  void aRegistryCaFromBothASecretAndAConfigMapIsRefused() {
    Chart chart =
        Chart.withRequiredValues()
            .with("schemaRegistry.tls.caSecret.name", "registry-ca")
            .with("schemaRegistry.tls.caConfigMap.name", "registry-ca");

    assertThatThrownBy(chart::render)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("caSecret or in caConfigMap, not both");
  }

  @Test
  void theTruststorePasswordIsNoPlainSetting() {
    Chart chart =
        Chart.withRequiredValues()
            .with("config", Map.of("schema.registry.ssl.truststore.password", "changeit"));

    assertThatThrownBy(chart::render)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a password");
  }
}
