package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.EnvironmentVariables;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.health.HealthServer;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.schemas.serde.AvroSerdeConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rendered objects fit together and fit the services: ports, selectors, keys, volumes. */
class ChartWiringTest {

  /**
   * Keys of Kafka's clients and of the serdes, which the chart may render besides a component's
   * own.
   */
  private static final Set<String> KAFKA_CLIENT_KEYS =
      Stream.of(
              ProducerConfig.configNames(),
              ConsumerConfig.configNames(),
              AdminClientConfig.configNames(),
              StreamsConfig.configDef().names(),
              AvroSerdeConfig.configDef().names())
          .flatMap(Set::stream)
          .collect(Collectors.toUnmodifiableSet());

  @TempDir Path folder;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void selectorsPickExactlyTheirComponentsPods(String scenario, RenderedChart chart) {
    List<Deployment> deployments = chart.all(Deployment.class);
    for (Deployment deployment : deployments) {
      Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
      assertThat(podLabels)
          .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
      assertThat(deployments)
          .as("Deployments whose selector matches the pods of %s", name(deployment))
          .filteredOn(d -> selects(d.getSpec().getSelector().getMatchLabels(), podLabels))
          .containsExactly(deployment);
    }
    for (Service service : chart.all(Service.class)) {
      assertThat(deployments)
          .as("Deployments selected by Service %s", service.getMetadata().getName())
          .filteredOn(d -> selects(service.getSpec().getSelector(), podLabelsOf(d)))
          .hasSize(1);
    }
    for (PodDisruptionBudget budget : chart.all(PodDisruptionBudget.class)) {
      assertThat(deployments)
          .as("Deployments covered by PodDisruptionBudget %s", budget.getMetadata().getName())
          .filteredOn(d -> selects(budget.getSpec().getSelector().getMatchLabels(), podLabelsOf(d)))
          .hasSize(1);
    }
    for (NetworkPolicy policy : chart.all(NetworkPolicy.class)) {
      assertThat(deployments)
          .as("Deployments under NetworkPolicy %s", policy.getMetadata().getName())
          .anyMatch(
              d -> selects(policy.getSpec().getPodSelector().getMatchLabels(), podLabelsOf(d)));
    }
  }

  @Test
  void probesServicesAndScrapeAnnotationsUseThePortTheServiceListensOn() {
    for (RenderedChart chart :
        List.of(
            Scenarios.defaults().render(),
            Chart.withRequiredValues().with("http.port", 9090).render())) {
      for (Component component : Component.values()) {
        int listensOn = config(chart, component).httpPort();
        Container container = chart.container(component);
        PodTemplateSpec pod = chart.deployment(component).getSpec().getTemplate();

        for (Probe probe :
            List.of(
                container.getStartupProbe(),
                container.getLivenessProbe(),
                container.getReadinessProbe())) {
          assertThat(portNumber(probe.getHttpGet().getPort(), container))
              .as("probe port of %s", component)
              .isEqualTo(listensOn);
        }
        assertThat(pod.getMetadata().getAnnotations())
            .containsEntry("prometheus.io/port", Integer.toString(listensOn));
        Service service = chart.named(Service.class, Chart.RELEASE + "-perennial-" + component);
        ServicePort servicePort = service.getSpec().getPorts().get(0);
        assertThat(portNumber(servicePort.getTargetPort(), container)).isEqualTo(listensOn);
        assertThat(selects(service.getSpec().getSelector(), pod.getMetadata().getLabels()))
            .isTrue();
      }
    }
  }

  @Test
  void probeAndScrapePathsAnswerOnTheServicesHealthServer() throws Exception {
    RenderedChart chart = Scenarios.defaults().render();
    Set<String> paths = new TreeSet<>();
    for (Component component : Component.values()) {
      Container container = chart.container(component);
      Stream.of(
              container.getStartupProbe(),
              container.getLivenessProbe(),
              container.getReadinessProbe())
          .map(Probe::getHttpGet)
          .map(HTTPGetAction::getPath)
          .forEach(paths::add);
      paths.add(
          chart
              .deployment(component)
              .getSpec()
              .getTemplate()
              .getMetadata()
              .getAnnotations()
              .get("prometheus.io/path"));
    }

    HttpClient client = HttpClient.newHttpClient();
    try (ServiceMetrics metrics = ServiceMetrics.create("chart-check");
        HealthServer server =
            HealthServer.start(
                "127.0.0.1", 0, metrics.registry(), () -> Readiness.ready("checked"))) {
      for (String path : paths) {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
      }
    }
    assertThat(paths).hasSize(3);
  }

  @Test
  void theDefaultPropertiesHoldExactlyTheSharedKeysTheChartManages() {
    RenderedChart chart = Scenarios.defaults().render();
    for (Component component : Component.values()) {
      assertThat(chart.properties(component).keySet())
          .as("keys of %s", component)
          .containsExactlyInAnyOrder(
              PerennialConfig.BOOTSTRAP_SERVERS_CONFIG,
              PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG,
              PerennialConfig.TOPIC_PREFIX_CONFIG,
              PerennialConfig.TOPIC_PARTITIONS_CONFIG,
              PerennialConfig.TOPIC_REPLICATION_FACTOR_CONFIG,
              PerennialConfig.TOPIC_RETENTION_MS_CONFIG,
              PerennialConfig.TOPIC_LONG_RETENTION_MS_CONFIG,
              PerennialConfig.ARTIFACT_STORE_PATH_CONFIG,
              PerennialConfig.HTTP_PORT_CONFIG,
              CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void everyRenderedKeyIsOneTheComponentOrItsKafkaClientsRead(
      String scenario, RenderedChart chart) {
    for (Component component : present(chart)) {
      Set<String> own = component.definition().names();
      Set<String> keys = new TreeSet<>(chart.properties(component).keySet());
      keys.addAll(environmentKeys(chart.container(component)));
      Set<String> ownKeys =
          keys.stream()
              .filter(key -> key.startsWith(PerennialConfig.PREFIX))
              .collect(Collectors.toSet());
      Set<String> clientKeys = new TreeSet<>(keys);
      clientKeys.removeAll(ownKeys);
      clientKeys.removeAll(own);
      assertThat(ownKeys).as("Perennial keys rendered for %s", component).isSubsetOf(own);
      assertThat(clientKeys)
          .as("other keys rendered for %s: Kafka client or serde keys", component)
          .isSubsetOf(KAFKA_CLIENT_KEYS);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void everyComponentAcceptsItsRenderedConfigurationAsItWouldAtStart(
      String scenario, RenderedChart chart) {
    for (Component component : present(chart)) {
      PerennialConfig config = config(chart, component);

      assertThat(config.bootstrapServers()).containsExactly("kafka-bootstrap.kafka.svc:9092");
      assertThat(config.schemaRegistryUrls())
          .containsExactly("http://schema-registry.kafka.svc:8081");
      // Kafka's own config classes accept the client settings (types, enums, required keys).
      new AdminClientConfig(KafkaClients.admin(config, "chart-check"));
      Map<String, Object> consumer = new HashMap<>(KafkaClients.consumer(config, "chart-check"));
      consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      new ConsumerConfig(consumer);
      Map<String, Object> producer = new HashMap<>(KafkaClients.producer(config, "chart-check"));
      producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      new ProducerConfig(producer);
      new AvroSerdeConfig(config.clientProperties());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void everyComponentRunsItsSubcommandWithItsOwnPropertiesFile(
      String scenario, RenderedChart chart) {
    for (Component component : present(chart)) {
      Container container = chart.container(component);
      List<String> args = container.getArgs();
      assertThat(args).containsSubsequence("--config");
      Path file = Path.of(args.get(args.indexOf("--config") + 1));

      VolumeMount mount = mountOf(container, file);
      Volume volume = volume(chart.deployment(component), mount.getName());
      assertThat(volume.getConfigMap().getName())
          .isEqualTo(chart.configMap().getMetadata().getName());
      assertThat(volume.getConfigMap().getItems())
          .singleElement()
          .satisfies(
              item -> {
                assertThat(item.getKey()).isEqualTo(component.chartName() + ".properties");
                assertThat(Path.of(mount.getMountPath()).resolve(item.getPath())).isEqualTo(file);
              });
      assertThat(mount.getReadOnly()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void theArtifactStoreIsTheSharedClaimMountedWhereTheConfigurationSays(
      String scenario, RenderedChart chart) {
    List<PersistentVolumeClaim> claims = chart.all(PersistentVolumeClaim.class);
    for (Component component : present(chart)) {
      Path store = config(chart, component).artifactStorePath();
      Container container = chart.container(component);
      VolumeMount mount = mountOf(container, store.resolve("some-blob"));
      assertThat(Path.of(mount.getMountPath())).isEqualTo(store);
      assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
      String claim =
          volume(chart.deployment(component), mount.getName())
              .getPersistentVolumeClaim()
              .getClaimName();
      if (claims.isEmpty()) {
        assertThat(claim).isEqualTo(Scenarios.EXISTING_CLAIM);
      } else {
        assertThat(claims)
            .singleElement()
            .satisfies(
                c -> {
                  assertThat(c.getMetadata().getName()).isEqualTo(claim);
                  assertThat(c.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
                  assertThat(c.getMetadata().getAnnotations())
                      .containsEntry("helm.sh/resource-policy", "keep");
                });
      }
    }
  }

  @Test
  void anExistingClaimIsUsedAndNoneIsCreated() {
    RenderedChart chart = Scenarios.existingClaim().render();

    assertThat(chart.all(PersistentVolumeClaim.class)).isEmpty();
    assertThat(chart.text()).contains("claimName: " + Scenarios.EXISTING_CLAIM);
  }

  @Test
  void kafkaAndRegistryCredentialsComeOnlyFromTheReferencedSecrets() {
    RenderedChart chart = Scenarios.securedKafka().render();

    for (Component component : Component.values()) {
      Map<String, String> properties = chart.properties(component);
      Container container = chart.container(component);
      Deployment deployment = chart.deployment(component);
      assertThat(properties)
          .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
          .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
          .containsEntry(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM")
          .containsEntry(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12")
          .doesNotContainKeys(
              SaslConfigs.SASL_JAAS_CONFIG, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG);

      assertThat(secretOf(container, SaslConfigs.SASL_JAAS_CONFIG))
          .isEqualTo(Scenarios.SASL_SECRET + "/sasl.jaas.config");
      assertThat(secretOf(container, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG))
          .isEqualTo(Scenarios.CLIENT_SECRET + "/user.password");
      assertThat(secretOf(container, SslConfigs.SSL_KEY_PASSWORD_CONFIG))
          .isEqualTo(Scenarios.CLIENT_SECRET + "/user.password");
      assertThat(properties)
          .containsEntry(
              AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
              AvroSerdeConfig.CREDENTIALS_FROM_USER_INFO)
          .doesNotContainKey(AvroSerdeConfig.BASIC_AUTH_USER_INFO_CONFIG);
      assertThat(secretOf(container, AvroSerdeConfig.BASIC_AUTH_USER_INFO_CONFIG))
          .isEqualTo(Scenarios.REGISTRY_SECRET + "/user-info");

      assertThat(
              secretFileAt(deployment, properties.get(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG)))
          .isEqualTo(Scenarios.CA_SECRET + "/ca.crt");
      assertThat(secretFileAt(deployment, properties.get(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG)))
          .isEqualTo(Scenarios.CLIENT_SECRET + "/user.p12");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void environmentVariablesNamedForPerennialSetOnlyKeysTheComponentReads(
      String scenario, RenderedChart chart) {
    for (Component component : present(chart)) {
      for (EnvVar variable : chart.container(component).getEnv()) {
        String name = variable.getName();
        if (name.startsWith(EnvironmentVariables.PREFIX)) {
          String key = EnvironmentVariables.toKey(name);
          assertThat(EnvironmentVariables.toVariable(key))
              .as("the chart's name for %s", key)
              .isEqualTo(name);
        }
      }
    }
  }

  @Test
  void secretSettingsBecomeTheVariablesCoreTranslatesBackToTheirKeys() {
    // Not keys any service reads: names that use every character the encoding translates.
    List<String> keys = List.of("perennial.some_key-with.all", "client.some_key-with.all");
    Map<String, Object> secretConfig = new HashMap<>();
    keys.forEach(key -> secretConfig.put(key, Map.of("name", "a-secret", "key", "value")));
    RenderedChart chart =
        Chart.withRequiredValues().with("ingest.secretConfig", secretConfig).render();

    Set<String> names =
        chart.container(Component.INGEST).getEnv().stream()
            .map(EnvVar::getName)
            .collect(Collectors.toSet());
    for (String key : keys) {
      String variable = EnvironmentVariables.toVariable(key);
      assertThat(names).contains(variable);
      assertThat(EnvironmentVariables.toKey(variable)).isEqualTo(key);
    }
  }

  @Test
  void componentSettingsReachOnlyTheirComponentAndWinOverSharedOnes() {
    RenderedChart chart = Scenarios.componentSettings().render();

    assertThat(chart.properties(Component.TRAINER_WORKER))
        .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1")
        .containsEntry(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG, "use_all_dns_ips");
    assertThat(chart.properties(Component.EVALUATOR))
        .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500")
        .doesNotContainKey(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG);
    assertThat(chart.properties(Component.INGEST))
        .containsEntry(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG, "2000000");
    assertThat(chart.propertiesText(Component.TRAINER_WORKER).lines())
        .filteredOn(line -> line.startsWith(ConsumerConfig.MAX_POLL_RECORDS_CONFIG + "="))
        .hasSize(1);
  }

  @Test
  void valuesKeepTheirTextInThePropertiesFile() {
    String jaasLike = "a\\b \"quoted\"; more=x:y";
    RenderedChart chart =
        Chart.withRequiredValues()
            .with("publisher.config", Map.of(SaslConfigs.SASL_KERBEROS_SERVICE_NAME, jaasLike))
            .render();

    assertThat(chart.properties(Component.PUBLISHER))
        .containsEntry(SaslConfigs.SASL_KERBEROS_SERVICE_NAME, jaasLike);
  }

  @Test
  void gpuComponentsGetTheGpuTheCudaImageAndLibtorch() {
    RenderedChart chart = Scenarios.gpu().render();

    for (Component component : List.of(Component.TRAINER_WORKER, Component.EVALUATOR)) {
      Container container = chart.container(component);
      PodSpec pod = chart.deployment(component).getSpec().getTemplate().getSpec();
      assertThat(container.getResources().getLimits())
          .containsEntry("nvidia.com/gpu", new Quantity("2"))
          .containsKey("memory");
      assertThat(container.getImage()).isEqualTo("perennial:0.1.0-cuda");
      assertThat(env(container))
          .containsEntry("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib")
          .containsEntry("PYTORCH_FLAVOR", "cu128")
          .containsEntry("PYTORCH_VERSION", System.getProperty("perennial.pytorch.version"));
      assertThat(pod.getNodeSelector()).containsEntry(Scenarios.GPU_NODE_LABEL, "true");
      assertThat(pod.getTolerations())
          .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
      assertThat(pod.getRuntimeClassName()).isEqualTo("nvidia");
    }
    for (Component component :
        List.of(Component.INGEST, Component.TRAINER_ACCUMULATOR, Component.PUBLISHER)) {
      assertThat(chart.container(component).getImage()).isEqualTo("perennial:0.1.0");
    }
  }

  @Test
  void withoutGpuNoPodAsksForOneOrCarriesCudaSettings() {
    RenderedChart chart = Scenarios.defaults().render();

    for (Component component : Component.values()) {
      Container container = chart.container(component);
      PodSpec pod = chart.deployment(component).getSpec().getTemplate().getSpec();
      assertThat(container.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
      assertThat(env(container))
          .doesNotContainKeys("PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR", "PYTORCH_VERSION");
      assertThat(container.getImage()).doesNotContain("cuda");
      assertThat(pod.getTolerations()).isEmpty();
      assertThat(pod.getRuntimeClassName()).isNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void podsRunAsNonRootOnAReadOnlyRootWithWritableScratchFolders(
      String scenario, RenderedChart chart) {
    for (Component component : present(chart)) {
      PodSpec pod = chart.deployment(component).getSpec().getTemplate().getSpec();
      Container container = chart.container(component);
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      SecurityContext security = container.getSecurityContext();
      assertThat(security.getReadOnlyRootFilesystem()).isTrue();
      assertThat(security.getAllowPrivilegeEscalation()).isFalse();
      assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();

      String djlCache = env(container).get("DJL_CACHE_DIR");
      assertThat(env(container)).containsEntry("DJL_OFFLINE", "true");
      for (String writable : List.of("/tmp", djlCache)) {
        VolumeMount mount = mountOf(container, Path.of(writable, "file"));
        assertThat(mount.getMountPath()).isEqualTo(writable);
        assertThat(volume(chart.deployment(component), mount.getName()).getEmptyDir())
            .as("emptyDir at %s", writable)
            .isNotNull();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void serviceLinksAreOffSoServiceVariablesCannotPoseAsConfiguration(
      String scenario, RenderedChart chart) {
    for (Deployment deployment : chart.all(Deployment.class)) {
      assertThat(deployment.getSpec().getTemplate().getSpec().getEnableServiceLinks()).isFalse();
    }
  }

  @Test
  void podsRollWhenTheConfigurationChanges() {
    String before = checksum(Scenarios.defaults().render());
    String same = checksum(Scenarios.defaults().render());
    String after = checksum(Chart.withRequiredValues().with("topics.partitions", 12).render());

    assertThat(before).isEqualTo(same).isNotEqualTo(after).matches("[0-9a-f]{64}");
  }

  @Test
  void disabledComponentsRenderNothing() {
    RenderedChart chart = Scenarios.publisherOnly().render();

    assertThat(chart.all(Deployment.class))
        .extracting(ChartWiringTest::name)
        .containsExactly("acme-perennial-publisher");
    assertThat(chart.configMap().getData()).containsOnlyKeys("publisher.properties");
    assertThat(chart.all(PodDisruptionBudget.class)).isEmpty();
    assertThat(chart.all(Service.class))
        .extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder("acme-perennial-publisher", "acme-perennial-publisher-api");
    assertThat(
            chart
                .deployment(Component.PUBLISHER)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getServiceAccountName())
        .isEqualTo("perennial-runner");
  }

  @Test
  void theReadApiServiceReachesThePublishersApiPortOnly() {
    RenderedChart chart = Scenarios.defaults().render();
    Container publisher = chart.container(Component.PUBLISHER);
    Service api = chart.named(Service.class, "acme-perennial-publisher-api");

    int target = portNumber(api.getSpec().getPorts().get(0).getTargetPort(), publisher);
    assertThat(target).isNotEqualTo(config(chart, Component.PUBLISHER).httpPort()).isEqualTo(8081);
    assertThat(
            selects(
                api.getSpec().getSelector(), podLabelsOf(chart.deployment(Component.PUBLISHER))))
        .isTrue();
    for (Component other :
        List.of(Component.INGEST, Component.TRAINER_WORKER, Component.EVALUATOR)) {
      assertThat(chart.container(other).getPorts())
          .extracting(ContainerPort::getName)
          .containsExactly("http");
    }
  }

  @Test
  void theStagesSecretsAreMountedOnlyWhereTheyAreRead() {
    RenderedChart chart = Scenarios.everything().render();

    assertThat(secretVolumes(chart.deployment(Component.INGEST)))
        .contains("ingest-pseudonymisation");
    assertThat(secretVolumes(chart.deployment(Component.PUBLISHER))).contains("publisher-signing");
    for (Component component : Component.values()) {
      if (component != Component.INGEST) {
        assertThat(secretVolumes(chart.deployment(component)))
            .doesNotContain("ingest-pseudonymisation");
      }
      if (component != Component.PUBLISHER) {
        assertThat(secretVolumes(chart.deployment(component))).doesNotContain("publisher-signing");
      }
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private PerennialConfig config(RenderedChart chart, Component component) {
    return chart.config(component, folder);
  }

  private static List<Component> present(RenderedChart chart) {
    Set<String> names =
        chart.all(Deployment.class).stream()
            .map(d -> podLabelsOf(d).get(RenderedChart.COMPONENT_LABEL))
            .collect(Collectors.toSet());
    return Arrays.stream(Component.values()).filter(c -> names.contains(c.chartName())).toList();
  }

  private static Set<String> environmentKeys(Container container) {
    return container.getEnv().stream()
        .map(EnvVar::getName)
        .filter(name -> name.startsWith(EnvironmentVariables.PREFIX))
        .map(EnvironmentVariables::toKey)
        .collect(Collectors.toSet());
  }

  private static Map<String, String> env(Container container) {
    Map<String, String> values = new HashMap<>();
    container.getEnv().stream()
        .filter(variable -> variable.getValueFrom() == null)
        .forEach(variable -> values.put(variable.getName(), variable.getValue()));
    return values;
  }

  /** "secret/key" of the Secret the variable for {@code key} is read from. */
  private static String secretOf(Container container, String key) {
    String variable = EnvironmentVariables.toVariable(key);
    List<EnvVar> matches =
        container.getEnv().stream().filter(v -> v.getName().equals(variable)).toList();
    assertThat(matches).as("variable %s", variable).hasSize(1);
    var ref = matches.get(0).getValueFrom().getSecretKeyRef();
    return ref.getName() + "/" + ref.getKey();
  }

  /** "secret/key" of the Secret item mounted as {@code file}. */
  private static String secretFileAt(Deployment deployment, String file) {
    Path path = Path.of(file);
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    VolumeMount mount = mountOf(container, path);
    assertThat(mount.getReadOnly()).isTrue();
    var secret = volume(deployment, mount.getName()).getSecret();
    assertThat(secret).as("Secret volume mounted at %s", mount.getMountPath()).isNotNull();
    String relative = Path.of(mount.getMountPath()).relativize(path).toString();
    var item = secret.getItems().stream().filter(i -> i.getPath().equals(relative)).findFirst();
    assertThat(item).as("item %s of Secret %s", relative, secret.getSecretName()).isPresent();
    return secret.getSecretName() + "/" + item.get().getKey();
  }

  private static Set<String> secretVolumes(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getSecret() != null)
        .map(v -> v.getSecret().getSecretName())
        .collect(Collectors.toSet());
  }

  /** The mount that holds {@code file}: the one with the longest mount path above it. */
  private static VolumeMount mountOf(Container container, Path file) {
    return container.getVolumeMounts().stream()
        .filter(m -> file.startsWith(Path.of(m.getMountPath())))
        .max((a, b) -> Integer.compare(a.getMountPath().length(), b.getMountPath().length()))
        .orElseThrow(() -> new AssertionError("no volume is mounted above " + file));
  }

  private static Volume volume(Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name + " in " + name(deployment)));
  }

  private static int portNumber(IntOrString port, Container container) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return container.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
  }

  private static String checksum(RenderedChart chart) {
    Set<String> checksums =
        chart.all(Deployment.class).stream()
            .map(
                d ->
                    d.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config"))
            .collect(Collectors.toSet());
    assertThat(checksums).hasSize(1);
    return checksums.iterator().next();
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector != null
        && !selector.isEmpty()
        && labels.entrySet().containsAll(selector.entrySet());
  }

  private static Map<String, String> podLabelsOf(Deployment deployment) {
    return deployment.getSpec().getTemplate().getMetadata().getLabels();
  }

  private static String name(Deployment deployment) {
    return deployment.getMetadata().getName();
  }
}
