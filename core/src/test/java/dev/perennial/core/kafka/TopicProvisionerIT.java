package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.testing.KafkaClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicProvisionerIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

  private TopicCatalog catalog(String prefix) {
    return TopicCatalog.from(
        new PerennialConfig(
            Map.of(
                PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:1",
                PerennialConfig.TOPIC_PREFIX_CONFIG, prefix,
                PerennialConfig.TOPIC_PARTITIONS_CONFIG, "3",
                PerennialConfig.TOPIC_RETENTION_MS_CONFIG, "3600000")));
  }

  @Test
  void everyTopicIsCreatedWithItsPartitionsAndSettings() throws Exception {
    TopicCatalog catalog = catalog(KAFKA.uniqueName("created") + ".");

    TopicProvisioner.Result result;
    try (Admin admin = KAFKA.createAdmin()) {
      result = new TopicProvisioner(admin).provision(catalog.specs());

      List<String> names = catalog.specs().stream().map(TopicSpec::name).toList();
      assertThat(result.created()).containsExactlyElementsOf(names);
      assertThat(result.existing()).isEmpty();
      Map<String, TopicDescription> descriptions =
          admin.describeTopics(names).allTopicNames().get();
      for (TopicSpec spec : catalog.specs()) {
        assertThat(descriptions.get(spec.name()).partitions()).hasSize(3);
        Config config =
            admin
                .describeConfigs(
                    List.of(new ConfigResource(ConfigResource.Type.TOPIC, spec.name())))
                .all()
                .get()
                .values()
                .iterator()
                .next();
        spec.configs()
            .forEach(
                (key, value) ->
                    assertThat(config.get(key).value())
                        .as(spec.name() + " " + key)
                        .isEqualTo(value));
      }
      assertThat(config(admin, catalog.name(PerennialTopic.CONSENT)).get("cleanup.policy").value())
          .isEqualTo("compact");
      assertThat(config(admin, catalog.name(PerennialTopic.AUDIT)).get("retention.ms").value())
          .isEqualTo("-1");
      assertThat(config(admin, catalog.name(PerennialTopic.DOCUMENTS)).get("retention.ms").value())
          .isEqualTo("3600000");
    }
  }

  @Test
  void aServiceProvisionsExactlyTheTopicsItNamesFromItsConfiguration() throws Exception {
    String prefix = KAFKA.uniqueName("service") + ".";
    PerennialConfig config =
        new PerennialConfig(
            Map.of(
                PerennialConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers(),
                PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG,
                "http://127.0.0.1:1",
                PerennialConfig.TOPIC_PREFIX_CONFIG,
                prefix,
                PerennialConfig.TOPIC_PARTITIONS_CONFIG,
                "3"));
    TopicCatalog catalog = TopicCatalog.from(config);

    TopicProvisioner.Result result =
        TopicProvisioner.provision(
            config, "provisioner-it", PerennialTopic.VERDICTS, PerennialTopic.RELEASES);

    assertThat(result.created())
        .containsExactly(
            catalog.name(PerennialTopic.VERDICTS), catalog.name(PerennialTopic.RELEASES));
    try (Admin admin = KAFKA.createAdmin()) {
      assertThat(admin.listTopics().names().get())
          .filteredOn(name -> name.startsWith(prefix))
          .containsExactlyInAnyOrder(
              catalog.name(PerennialTopic.VERDICTS), catalog.name(PerennialTopic.RELEASES));
      assertThat(config(admin, catalog.name(PerennialTopic.RELEASES)).get("cleanup.policy").value())
          .isEqualTo("compact");
    }
  }

  @Test
  void provisioningAgainFindsEverythingInPlaceAndChangesNothing() {
    TopicCatalog catalog = catalog(KAFKA.uniqueName("again") + ".");
    KAFKA.provision(catalog.specs());

    TopicProvisioner.Result second = KAFKA.provision(catalog.specs());

    assertThat(second.created()).isEmpty();
    assertThat(second.existing()).hasSize(PerennialTopic.values().length);
  }

  @Test
  void anExistingTopicThatDiffersIsReportedAndNothingIsCreated() throws Exception {
    TopicCatalog catalog = catalog(KAFKA.uniqueName("mismatch") + ".");
    String consent = catalog.name(PerennialTopic.CONSENT);
    String releases = catalog.name(PerennialTopic.RELEASES);
    KAFKA.provision(
        List.of(
            new TopicSpec(consent, 1, (short) -1, Map.of("cleanup.policy", "delete")),
            new TopicSpec(releases, 3, (short) -1, Map.of())));

    assertThatThrownBy(() -> KAFKA.provision(catalog.specs()))
        .isInstanceOfSatisfying(
            TopicMismatchException.class,
            e ->
                assertThat(e.mismatches())
                    .containsExactlyInAnyOrder(
                        consent + ": has 1 partitions, expected 3",
                        consent + ": cleanup.policy is delete, expected compact",
                        releases + ": cleanup.policy is delete, expected compact"));
    try (Admin admin = KAFKA.createAdmin()) {
      Set<String> topics = admin.listTopics().names().get();
      assertThat(topics)
          .contains(consent, releases)
          .doesNotContain(catalog.name(PerennialTopic.DOCUMENTS));
    }
  }

  @Test
  void recordsProducedRightAfterProvisioningAreAllKept() {
    TopicCatalog catalog = catalog(KAFKA.uniqueName("fresh") + ".");
    KAFKA.provision(catalog.specs());
    String documents = catalog.name(PerennialTopic.DOCUMENTS);
    List<KeyValue<String, String>> records =
        IntStream.range(0, 300)
            .mapToObj(i -> KeyValue.pair("acme/user-" + i, "document " + i))
            .toList();

    KAFKA.produce(documents, new StringSerializer(), new StringSerializer(), records);

    List<ConsumerRecord<String, String>> read =
        KAFKA.consume(
            documents,
            300,
            Duration.ofSeconds(30),
            new StringDeserializer(),
            new StringDeserializer());
    assertThat(read).extracting(ConsumerRecord::value).hasSize(300).doesNotHaveDuplicates();
  }

  private static Config config(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get().get(resource);
  }
}
