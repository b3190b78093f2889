package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.config.EnvironmentVariables;
import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.health.HealthServer;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.suite.CanaryFile;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.schemas.serde.AvroSerdeConfig;
import dev.perennial.trainer.config.TrainerConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
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
    List<Workload> workloads = chart.workloads();
    for (Workload workload : workloads) {
      assertThat(workload.podLabels()).containsAllEntriesOf(workload.selector().getMatchLabels());
      assertThat(workloads)
          .as("workloads whose selector matches the pods of %s", workload.name())
          .filteredOn(w -> selects(w.selector().getMatchLabels(), workload.podLabels()))
          .containsExactly(workload);
    }
    for (Service service : chart.all(Service.class)) {
      assertThat(workloads)
          .as("workloads selected by Service %s", service.getMetadata().getName())
          .filteredOn(w -> selects(service.getSpec().getSelector(), w.podLabels()))
          .hasSize(1);
    }
    for (PodDisruptionBudget budget : chart.all(PodDisruptionBudget.class)) {
      assertThat(workloads)
          .as("workloads covered by PodDisruptionBudget %s", budget.getMetadata().getName())
          .filteredOn(w -> selects(budget.getSpec().getSelector().getMatchLabels(), w.podLabels()))
          .hasSize(1);
    }
    for (NetworkPolicy policy : chart.all(NetworkPolicy.class)) {
      assertThat(workloads)
          .as("workloads under NetworkPolicy %s", policy.getMetadata().getName())
          .anyMatch(
              w -> selects(policy.getSpec().getPodSelector().getMatchLabels(), w.podLabels()));
    }
  }

  @Test
  void thePublishersAdminPortAdmitsOnlyThePeersTheOperatorNames() {
    Map<String, Object> operators =
        Map.of("podSelector", Map.of("matchLabels", Map.of("role", "operator")));
    RenderedChart closed = Scenarios.defaults().render();
    RenderedChart named =
        Chart.withRequiredValues().with("networkPolicy.adminFrom", List.of(operators)).render();

    NetworkPolicy admin = policy(closed, "-publisher-admin");
    assertThat(admin.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "publisher");
    assertThat(admin.getSpec().getIngress()).isEmpty();
    assertThat(policy(named, "-publisher-admin").getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getPorts())
                  .extracting(p -> p.getPort().getStrVal())
                  .containsExactly("http");
              assertThat(rule.getFrom())
                  .singleElement()
                  .satisfies(
                      peer ->
                          assertThat(peer.getPodSelector().getMatchLabels())
                              .containsExactlyEntriesOf(Map.of("role", "operator")));
            });
    // the policy every other pod is under leaves the publisher out (policies add up)
    assertThat(policy(closed, "").getSpec().getPodSelector().getMatchExpressions())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getKey()).isEqualTo("app.kubernetes.io/component");
              assertThat(e.getOperator()).isEqualTo("NotIn");
              assertThat(e.getValues()).containsExactly("publisher");
            });
  }

  private static NetworkPolicy policy(RenderedChart chart, String suffix) {
    return chart.all(NetworkPolicy.class).stream()
        .filter(p -> p.getMetadata().getName().endsWith("perennial" + suffix))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no NetworkPolicy perennial"
                        + suffix
                        + " among "
                        + chart.all(NetworkPolicy.class).stream()
                            .map(p -> p.getMetadata().getName())
                            .toList()));
  }

  @Test
  void onlyThePublisherMountsTheReleaseAreaWritable() {
    RenderedChart chart = Scenarios.defaults().render();
    String releases =
        ((PublisherConfig) config(chart, Component.PUBLISHER)).releasePath().toString();

    for (Component component : Component.values()) {
      List<VolumeMount> onReleases =
          chart.container(component).getVolumeMounts().stream()
              .filter(m -> m.getMountPath().equals(releases))
              .toList();
      if (component == Component.PUBLISHER || component == Component.INGEST) {
        // the publisher's is the shared mount itself; ingest mounts none of the claim
        assertThat(onReleases).as(component.name()).isEmpty();
      } else {
        assertThat(onReleases)
            .as(component.name())
            .singleElement()
            .satisfies(
                m -> {
                  assertThat(m.getReadOnly()).isTrue();
                  assertThat(m.getSubPath()).isEqualTo("releases");
                  assertThat(m.getName()).isEqualTo("shared");
                });
      }
    }
  }

  @Test
  void probesServicesAndScrapeAnnotationsUseThePortTheServiceListensOn() {
    for (RenderedChart chart :
        List.of(
            scrapedByPrometheus().render(),
            scrapedByPrometheus().with("http.port", 9090).render())) {
      for (Component component : Component.values()) {
        int listensOn = config(chart, component).httpPort();
        Container container = chart.container(component);
        Workload workload = chart.workload(component);

        for (Probe probe :
            List.of(
                container.getStartupProbe(),
                container.getLivenessProbe(),
                container.getReadinessProbe())) {
          assertThat(portNumber(probe.getHttpGet().getPort(), container))
              .as("probe port of %s", component)
              .isEqualTo(listensOn);
        }
        assertThat(workload.podAnnotations())
            .containsEntry("prometheus.io/port", Integer.toString(listensOn));
        Service service = chart.named(Service.class, Chart.RELEASE + "-perennial-" + component);
        ServicePort servicePort = service.getSpec().getPorts().get(0);
        assertThat(portNumber(servicePort.getTargetPort(), container)).isEqualTo(listensOn);
        assertThat(selects(service.getSpec().getSelector(), workload.podLabels())).isTrue();
      }
    }
  }

  @Test
  void probeAndScrapePathsAnswerOnTheServicesHealthServer() throws Exception {
    RenderedChart chart = scrapedByPrometheus().render();
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
      paths.add(chart.workload(component).podAnnotations().get("prometheus.io/path"));
    }

    HttpClient client = HttpClient.newHttpClient();
    try (ServiceMetrics metrics = ServiceMetrics.create("chart-check");
        HealthServer server =
            HealthServer.start(
                "127.0.0.1",
                0,
                metrics.registry(),
                () -> Readiness.ready("checked"),
                Optional::empty)) {
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

  /**
   * The keys the chart sets for some components only, by component (folders and Secret files): the
   * artifact store's folder for every component but ingest, which never opens the store.
   */
  private static final Map<Component, Set<String>> OWN_KEYS =
      Map.of(
          Component.INGEST,
          Set.of(
              IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG, MasterKeySettings.MASTER_KEYS_FILE_CONFIG),
          Component.TRAINER_ACCUMULATOR,
          Set.of(
              PerennialConfig.ARTIFACT_STORE_PATH_CONFIG,
              TrainerConfig.WORKER_WORK_DIR_CONFIG,
              MasterKeySettings.MASTER_KEYS_FILE_CONFIG),
          Component.TRAINER_WORKER,
          Set.of(PerennialConfig.ARTIFACT_STORE_PATH_CONFIG, TrainerConfig.WORKER_WORK_DIR_CONFIG),
          Component.EVALUATOR,
          Set.of(
              PerennialConfig.ARTIFACT_STORE_PATH_CONFIG, EvaluatorConfig.EVALUATION_PATH_CONFIG),
          Component.PUBLISHER,
          Set.of(
              PerennialConfig.ARTIFACT_STORE_PATH_CONFIG,
              PublisherConfig.RELEASE_PATH_CONFIG,
              PublisherConfig.API_PORT_CONFIG,
              PublisherConfig.SIGNING_KEY_FILE_CONFIG));

  @Test
  void theDefaultPropertiesHoldExactlyTheSharedKeysAndTheComponentsOwn() {
    RenderedChart chart = Scenarios.defaults().render();
    for (Component component : Component.values()) {
      Set<String> expected =
          new TreeSet<>(
              List.of(
                  PerennialConfig.BOOTSTRAP_SERVERS_CONFIG,
                  PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG,
                  PerennialConfig.TOPIC_PREFIX_CONFIG,
                  PerennialConfig.TOPIC_PARTITIONS_CONFIG,
                  PerennialConfig.TOPIC_REPLICATION_FACTOR_CONFIG,
                  PerennialConfig.TOPIC_RETENTION_MS_CONFIG,
                  PerennialConfig.TOPIC_LONG_RETENTION_MS_CONFIG,
                  PerennialConfig.TOPIC_KEYS_MAX_COMPACTION_LAG_MS_CONFIG,
                  PerennialConfig.HTTP_PORT_CONFIG,
                  CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
      expected.addAll(OWN_KEYS.get(component));
      assertThat(chart.properties(component).keySet())
          .as("keys of %s", component)
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  /**
   * Every key the chart sets itself, in a properties file or as a variable, is one that {@code
   * config} may not set: the chart's probes, volumes and Secrets rely on them.
   */
  @Test
  void everyKeyTheChartSetsItselfIsRefusedAsASetting() {
    Supplier<Chart> everySecret =
        () ->
            Scenarios.securedKafkaWithoutSecretConfig()
                .with("secrets.adminToken.name", "publisher-admin")
                .with(
                    "secrets.canaries",
                    Map.of("name", Scenarios.CANARY_SECRET, "tenants", Scenarios.CANARY_TENANTS));
    RenderedChart chart = everySecret.get().render();
    Set<String> chartKeys = new TreeSet<>();
    for (Component component : Component.values()) {
      chartKeys.addAll(chart.properties(component).keySet());
      chartKeys.addAll(environmentKeys(chart.container(component)));
    }
    assertThat(chartKeys)
        .contains(
            TrainerConfig.WORKER_ID_CONFIG,
            EvaluatorConfig.INSTANCE_ID_CONFIG,
            PublisherConfig.ADMIN_TOKEN_CONFIG)
        .anyMatch(ChartWiringTest::isCanaryFileKey)
        .doesNotContain(SslConfigs.SSL_KEY_PASSWORD_CONFIG);

    for (String key : chartKeys) {
      assertThatThrownBy(() -> everySecret.get().with("config", Map.of(key, "x")).renderText())
          .as("config setting %s", key)
          .hasMessageContaining("config sets " + key);
    }
  }

  /**
   * {@code config} and {@code <component>.config} are rendered into the ConfigMap in clear, so no
   * key that Kafka's clients, the serdes or a component define as a password (Kafka's {@code
   * Type.PASSWORD}: {@code ssl.key.password}, {@code ssl.truststore.password}, a PEM private key,
   * ...) may be one of them; {@code secretConfig} reads it from a Secret instead.
   */
  @Test
  void noPasswordMayBeAPlainSetting() {
    Set<String> passwords = new TreeSet<>();
    Stream.concat(
            Stream.of(
                ProducerConfig.configDef(),
                ConsumerConfig.configDef(),
                AdminClientConfig.configDef(),
                StreamsConfig.configDef(),
                AvroSerdeConfig.configDef()),
            Arrays.stream(Component.values()).map(Component::definition))
        .flatMap(definition -> definition.configKeys().values().stream())
        .filter(key -> key.type == ConfigDef.Type.PASSWORD)
        .forEach(key -> passwords.add(key.name));
    assertThat(passwords)
        .contains(SslConfigs.SSL_KEY_PASSWORD_CONFIG, SaslConfigs.SASL_JAAS_CONFIG);

    List<String> accepted = new ArrayList<>();
    for (String key : passwords) {
      for (String where : List.of("config", "ingest.config")) {
        try {
          Chart.withRequiredValues().with(where, Map.of(key, "x")).renderText();
          accepted.add(where + ": " + key);
        } catch (IllegalStateException refused) {
          assertThat(refused).hasMessageContaining(where + " sets " + key);
        }
      }
    }
    assertThat(accepted).as("passwords rendered into the ConfigMap").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void everyRenderedKeyIsOneTheComponentOrItsKafkaClientsRead(
      String scenario, RenderedChart chart) {
    for (Component component : present(chart)) {
      Set<String> own = component.definition().names();
      Set<String> keys = new TreeSet<>(chart.properties(component).keySet());
      keys.addAll(environmentKeys(chart.container(component)));
      // Per tenant, so in no definition: theEvaluatorReadsEachTenantsCanaryFile... checks them.
      keys.removeIf(ChartWiringTest::isCanaryFileKey);
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
      // The registry client opens the registry's CA where the chart mounts one.
      new AvroSerdeConfig(config.clientProperties()).newRegistryClient();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void everyComponentRunsItsSubcommandWithItsOwnPropertiesFile(
      String scenario, RenderedChart chart) {
    for (Component component : present(chart)) {
      Workload workload = chart.workload(component);
      List<String> args = workload.container().getArgs();
      assertThat(args).containsSubsequence("--config");
      Path file = Path.of(args.get(args.indexOf("--config") + 1));

      VolumeMount mount = workload.mountOf(file);
      Volume volume = workload.volume(mount.getName());
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
  void theArtifactStoreReleaseAreaAndReportsLieOnTheSharedClaimOfEveryStageThatOpensThem(
      String scenario, RenderedChart chart) {
    List<PersistentVolumeClaim> claims = chart.all(PersistentVolumeClaim.class);
    for (Component component : present(chart)) {
      if (component == Component.INGEST) {
        continue; // opens none of them: ingestDoesNotMountTheSharedClaimItNeverUses
      }
      PerennialConfig config = config(chart, component);
      List<Path> shared = new ArrayList<>(List.of(config.artifactStorePath()));
      if (config instanceof PublisherConfig publisher) {
        shared.add(publisher.releasePath());
        assertThat(publisher.releasePath().startsWith(config.artifactStorePath()))
            .as("the release area %s inside the artifact store", publisher.releasePath())
            .isFalse();
      }
      if (config instanceof EvaluatorConfig evaluator) {
        // Reports and score histories outlive the pod, and every evaluator shares them.
        shared.add(evaluator.evaluationPath());
        assertThat(evaluator.evaluationPath().startsWith(config.artifactStorePath()))
            .as("the evaluation area %s inside the artifact store", evaluator.evaluationPath())
            .isFalse();
      }
      Workload workload = chart.workload(component);
      for (Path folder : shared) {
        VolumeMount mount = workload.mountOf(folder.resolve("some-file"));
        assertThat(mount.getReadOnly()).as("%s mounted read-only", folder).isNotEqualTo(true);
        PersistentVolumeClaimVolumeSource volume =
            workload.volume(mount.getName()).getPersistentVolumeClaim();
        assertThat(volume).as("the claim holding %s", folder).isNotNull();
        if (claims.isEmpty()) {
          assertThat(volume.getClaimName()).isEqualTo(Scenarios.EXISTING_CLAIM);
        } else {
          assertThat(claims)
              .singleElement()
              .satisfies(
                  c -> {
                    assertThat(c.getMetadata().getName()).isEqualTo(volume.getClaimName());
                    assertThat(c.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
                    assertThat(c.getMetadata().getAnnotations())
                        .containsEntry("helm.sh/resource-policy", "keep");
                  });
        }
      }
    }
  }

  /**
   * The root filesystem is read-only: every folder a service writes (a key named {@code *.path} or
   * {@code *.dir} with a default folder, and Kafka Streams' state.dir) must be absolute and on a
   * writable volume. A default such as {@code .perennial/...} would land under the image's working
   * directory and fail at start. Ingest never opens the artifact store, whose key its config class
   * still defines.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void everyFolderAServiceWritesIsOnAWritableVolume(String scenario, RenderedChart chart) {
    for (Component component : present(chart)) {
      PerennialConfig config = config(chart, component);
      Workload workload = chart.workload(component);
      Map<String, String> folders = new TreeMap<>();
      for (ConfigDef.ConfigKey key : component.definition().configKeys().values()) {
        boolean folderKey = key.name.endsWith(".path") || key.name.endsWith(".dir");
        boolean unused =
            component == Component.INGEST
                && key.name.equals(PerennialConfig.ARTIFACT_STORE_PATH_CONFIG);
        if (folderKey && !unused && key.defaultValue instanceof String value && !value.isBlank()) {
          folders.put(key.name, (String) config.values().get(key.name));
        }
      }
      folders.put(
          StreamsConfig.STATE_DIR_CONFIG,
          config
              .originalsStrings()
              .getOrDefault(
                  StreamsConfig.STATE_DIR_CONFIG,
                  (String)
                      StreamsConfig.configDef()
                          .defaultValues()
                          .get(StreamsConfig.STATE_DIR_CONFIG)));
      if (component != Component.INGEST) {
        assertThat(folders).containsKey(PerennialConfig.ARTIFACT_STORE_PATH_CONFIG);
      }

      folders.forEach(
          (key, folder) -> {
            assertThat(Path.of(folder)).as("%s of %s", key, component).isAbsolute();
            VolumeMount mount = workload.mountOf(Path.of(folder, "some-file"));
            Volume volume = workload.volume(mount.getName());
            assertThat(mount.getReadOnly()).as("%s of %s", key, component).isNotEqualTo(true);
            assertThat(volume.getEmptyDir() != null || volume.getPersistentVolumeClaim() != null)
                .as("%s of %s (%s) is on an emptyDir or the shared claim", key, component, folder)
                .isTrue();
          });
    }
  }

  /**
   * Ingest works on Kafka alone: it never opens the artifact store, the release area or the
   * reports. Its pods do not mount the shared claim, so they neither see every tenant's sealed
   * shards and candidate weights nor wait for the shared storage to attach, and no artifact store
   * folder is configured that no volume holds.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void ingestDoesNotMountTheSharedClaimItNeverUses(String scenario, RenderedChart chart) {
    if (!present(chart).contains(Component.INGEST)) {
      return;
    }
    Workload ingest = chart.workload(Component.INGEST);

    assertThat(ingest.pod().getVolumes())
        .as("volumes of ingest")
        .noneMatch(volume -> volume.getPersistentVolumeClaim() != null);
    assertThat(chart.properties(Component.INGEST))
        .doesNotContainKey(PerennialConfig.ARTIFACT_STORE_PATH_CONFIG);
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
      Workload workload = chart.workload(component);
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

      assertThat(secretFileAt(workload, properties.get(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG)))
          .isEqualTo(Scenarios.CA_SECRET + "/ca.crt");
      assertThat(secretFileAt(workload, properties.get(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG)))
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
      PodSpec pod = chart.workload(component).pod();
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
      PodSpec pod = chart.workload(component).pod();
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
      PodSpec pod = chart.workload(component).pod();
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
        Workload workload = chart.workload(component);
        VolumeMount mount = workload.mountOf(Path.of(writable, "file"));
        assertThat(mount.getMountPath()).isEqualTo(writable);
        assertThat(workload.volume(mount.getName()).getEmptyDir())
            .as("emptyDir at %s", writable)
            .isNotNull();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void serviceLinksAreOffSoServiceVariablesCannotPoseAsConfiguration(
      String scenario, RenderedChart chart) {
    for (Workload workload : chart.workloads()) {
      assertThat(workload.pod().getEnableServiceLinks()).isFalse();
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

    assertThat(chart.workloads())
        .extracting(Workload::name)
        .containsExactly("acme-perennial-publisher");
    assertThat(chart.configMap().getData()).containsOnlyKeys("publisher.properties");
    assertThat(chart.all(PodDisruptionBudget.class)).isEmpty();
    assertThat(chart.all(Service.class))
        .extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder("acme-perennial-publisher", "acme-perennial-publisher-api");
    assertThat(chart.workload(Component.PUBLISHER).pod().getServiceAccountName())
        .isEqualTo("perennial-runner");
  }

  @Test
  void theReadApiServiceReachesThePublishersApiPortOnly() {
    RenderedChart chart = Scenarios.defaults().render();
    Container publisher = chart.container(Component.PUBLISHER);
    Service api = chart.named(Service.class, "acme-perennial-publisher-api");

    int target = portNumber(api.getSpec().getPorts().get(0).getTargetPort(), publisher);
    assertThat(target)
        .isNotEqualTo(config(chart, Component.PUBLISHER).httpPort())
        .isEqualTo(PublisherConfig.API_PORT_DEFAULT);
    assertThat(
            selects(api.getSpec().getSelector(), chart.workload(Component.PUBLISHER).podLabels()))
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

    assertThat(secretVolumes(chart.workload(Component.INGEST))).contains("ingest-pseudonymisation");
    assertThat(secretVolumes(chart.workload(Component.PUBLISHER))).contains("publisher-signing");
    assertThat(secretOf(chart.container(Component.PUBLISHER), PublisherConfig.ADMIN_TOKEN_CONFIG))
        .isEqualTo("publisher-admin/token");
    for (Component component : Component.values()) {
      if (component != Component.INGEST) {
        assertThat(secretVolumes(chart.workload(component)))
            .doesNotContain("ingest-pseudonymisation");
      }
      if (component != Component.PUBLISHER) {
        assertThat(secretVolumes(chart.workload(component))).doesNotContain("publisher-signing");
        assertThat(environmentKeys(chart.container(component)))
            .doesNotContain(PublisherConfig.ADMIN_TOKEN_CONFIG);
      }
    }
  }

  @Test
  void ingestPseudonymisesWithTheKeyOfItsMountedSecret() {
    RenderedChart chart = Scenarios.everything().render();
    Workload ingest = chart.workload(Component.INGEST);
    Map<String, String> properties = chart.properties(Component.INGEST);

    assertThat(secretFileAt(ingest, properties.get(IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG)))
        .isEqualTo("ingest-pseudonymisation/key");
    assertThat(properties).doesNotContainKey(IngestConfig.PSEUDONYM_SECRET_CONFIG);
    IngestConfig config = (IngestConfig) config(chart, Component.INGEST);
    assertThat(config.pseudonymSecret().value()).isEqualTo(SecretFiles.PSEUDONYMISATION_KEY);
  }

  @Test
  void thePublisherSignsWithTheKeyOfItsMountedSecret() {
    RenderedChart chart = Scenarios.everything().render();
    Workload publisher = chart.workload(Component.PUBLISHER);
    Map<String, String> properties = chart.properties(Component.PUBLISHER);

    assertThat(secretFileAt(publisher, properties.get(PublisherConfig.SIGNING_KEY_FILE_CONFIG)))
        .isEqualTo("publisher-signing/private-key.pem");
    assertThat(properties)
        .doesNotContainKeys(PublisherConfig.SIGNING_KEY_CONFIG, PublisherConfig.ADMIN_TOKEN_CONFIG);
    PublisherConfig config = (PublisherConfig) config(chart, Component.PUBLISHER);
    assertThat(config.signingKey().keyId()).isEqualTo(SecretFiles.SIGNING_KEY.keyId());
    assertThat(config.adminToken()).contains("secret-user:secret-password");
  }

  @Test
  void withoutAnAdminTokenSecretThePublisherHasNoToken() {
    RenderedChart chart = Scenarios.defaults().render();

    PublisherConfig config = (PublisherConfig) config(chart, Component.PUBLISHER);
    assertThat(config.adminToken()).isEmpty();
  }

  @Test
  void thePublishersReadApiListensOnTheContainersApiPort() {
    for (int port : List.of(8081, 9000)) {
      RenderedChart chart = Chart.withRequiredValues().with("readApi.containerPort", port).render();
      Container publisher = chart.container(Component.PUBLISHER);
      PublisherConfig config = (PublisherConfig) config(chart, Component.PUBLISHER);
      Service api = chart.named(Service.class, "acme-perennial-publisher-api");

      assertThat(portNumber(new IntOrString("api"), publisher)).isEqualTo(port);
      assertThat(config.apiPort()).isEqualTo(port);
      assertThat(portNumber(api.getSpec().getPorts().get(0).getTargetPort(), publisher))
          .isEqualTo(config.apiPort());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void thePublisherIsASingleWriterReplacedNeverRolledSideBySide(
      String scenario, RenderedChart chart) {
    if (!present(chart).contains(Component.PUBLISHER)) {
      return;
    }
    Deployment publisher = (Deployment) chart.workload(Component.PUBLISHER).object();

    assertThat(publisher.getSpec().getReplicas()).isBetween(0, 1);
    assertThat(publisher.getSpec().getStrategy().getType()).isEqualTo("Recreate");
  }

  /**
   * The components whose transactional.id derives from a configured id: the key set to the pod's
   * name, and the id the service then uses.
   */
  private static final Map<Component, String> POD_NAME_KEYS =
      Map.of(
          Component.TRAINER_WORKER,
          TrainerConfig.WORKER_ID_CONFIG,
          Component.EVALUATOR,
          EvaluatorConfig.INSTANCE_ID_CONFIG);

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void workersAndEvaluatorsAreStatefulSetsWhosePodNameIsTheirId(
      String scenario, RenderedChart chart) {
    for (Component component : present(chart)) {
      Workload workload = chart.workload(component);
      Set<String> keys = environmentKeys(workload.container());
      if (!POD_NAME_KEYS.containsKey(component)) {
        assertThat(workload.object()).as("%s", component).isInstanceOf(Deployment.class);
        assertThat(keys).doesNotContainAnyElementsOf(POD_NAME_KEYS.values());
        continue;
      }
      assertThat(workload.object()).as("%s", component).isInstanceOf(StatefulSet.class);
      StatefulSet statefulSet = (StatefulSet) workload.object();
      Service governing = chart.named(Service.class, statefulSet.getSpec().getServiceName());
      assertThat(governing.getSpec().getClusterIP()).isEqualTo("None");
      assertThat(selects(governing.getSpec().getSelector(), workload.podLabels())).isTrue();
      assertThat(statefulSet.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");

      EnvVar id = variable(workload.container(), POD_NAME_KEYS.get(component));
      assertThat(id.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
      PerennialConfig config = config(chart, component);
      String configured =
          config instanceof TrainerConfig trainer
              ? trainer.workerId()
              : ((EvaluatorConfig) config).instanceId();
      assertThat(configured).isEqualTo(RenderedChart.firstPodName(workload));
    }
  }

  @Test
  void theEvaluatorReadsEachTenantsCanaryFileFromItsMountedSecret() {
    RenderedChart chart = Scenarios.everything().render();
    Workload evaluator = chart.workload(Component.EVALUATOR);
    Map<String, String> properties = chart.properties(Component.EVALUATOR);

    for (String tenant : Scenarios.CANARY_TENANTS) {
      String key =
          EvaluatorConfig.TENANT_PREFIX + tenant + EvaluatorConfig.TENANT_CANARY_FILE_SUFFIX;
      assertThat(secretFileAt(evaluator, properties.get(key)))
          .isEqualTo(Scenarios.CANARY_SECRET + "/" + tenant + ".jsonl");
    }
    EvaluatorConfig config = (EvaluatorConfig) config(chart, Component.EVALUATOR);
    assertThat(config.canaryFiles()).containsOnlyKeys(Scenarios.CANARY_TENANTS);
    config
        .canaryFiles()
        .forEach(
            (tenant, file) ->
                assertThat(CanaryFile.read(tenant, file, config.leakageControls())).hasSize(1));
    for (Component other : Component.values()) {
      if (other != Component.EVALUATOR) {
        assertThat(secretVolumes(chart.workload(other))).doesNotContain(Scenarios.CANARY_SECRET);
        assertThat(chart.properties(other).keySet()).noneMatch(ChartWiringTest::isCanaryFileKey);
      }
    }
  }

  @Test
  void withoutCanariesTheEvaluatorHasNoCanaryFiles() {
    RenderedChart chart = Scenarios.defaults().render();

    EvaluatorConfig config = (EvaluatorConfig) config(chart, Component.EVALUATOR);
    assertThat(config.canaryFiles()).isEmpty();
    assertThat(secretVolumes(chart.workload(Component.EVALUATOR))).isEmpty();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /**
   * The required values with the scrapers named in networkPolicy.metricsFrom: every pod is scraped,
   * the publisher's too (MetricsScrapeChartTest).
   */
  private static Chart scrapedByPrometheus() {
    return Chart.withRequiredValues()
        .with(
            "networkPolicy.metricsFrom",
            List.of(Map.of("podSelector", Map.of("matchLabels", Map.of("app", "prometheus")))));
  }

  private PerennialConfig config(RenderedChart chart, Component component) {
    return chart.config(component, folder);
  }

  private static List<Component> present(RenderedChart chart) {
    Set<String> names =
        chart.workloads().stream()
            .map(w -> w.podLabels().get(RenderedChart.COMPONENT_LABEL))
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
    var ref = variable(container, key).getValueFrom().getSecretKeyRef();
    return ref.getName() + "/" + ref.getKey();
  }

  /** The one variable that sets {@code key}. */
  private static EnvVar variable(Container container, String key) {
    String variable = EnvironmentVariables.toVariable(key);
    List<EnvVar> matches =
        container.getEnv().stream().filter(v -> v.getName().equals(variable)).toList();
    assertThat(matches).as("variable %s", variable).hasSize(1);
    return matches.get(0);
  }

  /** "secret/key" of the Secret item mounted as {@code file}. */
  private static String secretFileAt(Workload workload, String file) {
    return workload.secretItemAt(Path.of(file));
  }

  private static Set<String> secretVolumes(Workload workload) {
    return workload.pod().getVolumes().stream()
        .filter(v -> v.getSecret() != null)
        .map(v -> v.getSecret().getSecretName())
        .collect(Collectors.toSet());
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
        chart.workloads().stream()
            .map(w -> w.podAnnotations().get("checksum/config"))
            .collect(Collectors.toSet());
    assertThat(checksums).hasSize(1);
    return checksums.iterator().next();
  }

  private static boolean isCanaryFileKey(String key) {
    return key.startsWith(EvaluatorConfig.TENANT_PREFIX)
        && key.endsWith(EvaluatorConfig.TENANT_CANARY_FILE_SUFFIX);
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector != null
        && !selector.isEmpty()
        && labels.entrySet().containsAll(selector.entrySet());
  }
}
