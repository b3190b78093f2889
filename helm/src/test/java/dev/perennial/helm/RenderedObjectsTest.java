package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RenderedObjectsTest {

  private static final String DNS_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void everyObjectParsesIntoItsTypedClassWithNoUnknownField(String scenario, RenderedChart chart) {
    assertThat(chart.objects()).isNotEmpty();
    for (KubernetesResource object : chart.objects()) {
      assertThat(object)
          .as("a kind fabric8 or Strimzi knows")
          .isNotInstanceOf(GenericKubernetesResource.class);
      assertThat(UnknownFields.in(object))
          .as("unknown fields of %s %s", object.getClass().getSimpleName(), name(object))
          .isEmpty();
    }
  }

  @Test
  void aMisspeltFieldIsFoundWithItsPath() {
    RenderedChart chart =
        RenderedChart.parse(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: typo
            spec:
              replica: 2
              template:
                spec:
                  containers:
                    - name: main
                      image: perennial
                      livenesProbe:
                        periodSeconds: 5
            """);

    assertThat(UnknownFields.in(chart.objects().get(0)))
        .containsExactlyInAnyOrder(
            ".spec.replica", ".spec.template.spec.containers[0].livenesProbe");
  }

  @Test
  void theDefaultsRenderEveryComponentAndNothingOptional() {
    RenderedChart chart = Scenarios.defaults().render();

    Map<Class<?>, Long> kinds =
        chart.objects().stream()
            .collect(Collectors.groupingBy(Object::getClass, Collectors.counting()));
    assertThat(kinds)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                Deployment.class, 3L,
                StatefulSet.class, 2L,
                Service.class, 6L,
                PodDisruptionBudget.class, 5L,
                ConfigMap.class, 1L,
                PersistentVolumeClaim.class, 1L,
                ServiceAccount.class, 1L,
                NetworkPolicy.class, 3L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void noSecretIsEverCreated(String scenario, RenderedChart chart) {
    assertThat(chart.objects()).noneMatch(Secret.class::isInstance);
    assertThat(chart.text()).doesNotContain("kind: Secret");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void everyNameIsADnsLabelUniqueWithinItsKind(String scenario, RenderedChart chart) {
    for (HasMetadata object : chart.all(HasMetadata.class)) {
      assertThat(object.getMetadata().getName())
          .as("name of a %s", object.getKind())
          .hasSizeLessThanOrEqualTo(63)
          .matches(DNS_LABEL);
    }
    Map<String, List<String>> namesByKind =
        chart.all(HasMetadata.class).stream()
            .collect(
                Collectors.groupingBy(
                    HasMetadata::getKind,
                    Collectors.mapping(o -> o.getMetadata().getName(), Collectors.toList())));
    namesByKind.forEach(
        (kind, names) -> assertThat(names).as("names of the %ss", kind).doesNotHaveDuplicates());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void everyObjectCarriesTheStandardLabels(String scenario, RenderedChart chart) {
    for (HasMetadata object : chart.all(HasMetadata.class)) {
      assertThat(object.getMetadata().getLabels())
          .as("labels of %s %s", object.getKind(), object.getMetadata().getName())
          .containsKeys(
              "helm.sh/chart",
              "app.kubernetes.io/name",
              "app.kubernetes.io/instance",
              "app.kubernetes.io/version",
              "app.kubernetes.io/managed-by",
              "app.kubernetes.io/part-of")
          .containsEntry("app.kubernetes.io/name", "perennial")
          .containsEntry("app.kubernetes.io/managed-by", "Helm");
      assertThat(object.getMetadata().getNamespace())
          .as("namespace of %s %s", object.getKind(), object.getMetadata().getName())
          .isEqualTo(Chart.NAMESPACE);
    }
  }

  @Test
  void strimziTopicsAreKafkaTopicsOfTheConfiguredCluster() {
    RenderedChart chart = Scenarios.strimziTopics().render();

    assertThat(chart.all(KafkaTopic.class))
        .isNotEmpty()
        .allSatisfy(
            topic ->
                assertThat(topic.getMetadata().getLabels())
                    .containsEntry("strimzi.io/cluster", Scenarios.STRIMZI_CLUSTER));
  }

  private static String name(KubernetesResource object) {
    Function<KubernetesResource, String> name =
        o -> o instanceof HasMetadata m ? m.getMetadata().getName() : "(no metadata)";
    return name.apply(object);
  }
}
