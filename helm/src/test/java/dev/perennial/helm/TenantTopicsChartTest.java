package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TenantTopics;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.ingest.config.IngestConfig;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants bound to their own input topics: ingest reads them by pattern, and with Strimzi on each
 * tenant's topics are KafkaTopics with the catalog's settings and its producer a KafkaUser allowed
 * to write its own prefix (core's TenantTopics) and nothing else.
 */
class TenantTopicsChartTest {

  private static final List<String> TENANTS = List.of("acme", "globex-eu");

  @TempDir Path folder;

  private static Chart perTenant() {
    return Scenarios.strimziTopics()
        .with("tenantTopics.enabled", true)
        .with("tenantTopics.tenants", TENANTS)
        .with("tenantTopics.strimziUsers.enabled", true);
  }

  @Test
  void ingestReadsEveryTenantsOwnTopicsByPattern() {
    RenderedChart chart = perTenant().render();

    IngestConfig config = (IngestConfig) chart.config(Component.INGEST, folder);

    assertThat(config.inputTopics()).isEqualTo(IngestConfig.InputTopics.PER_TENANT);
    assertThat(Scenarios.defaults().render().properties(Component.INGEST))
        .doesNotContainKey(IngestConfig.INPUT_TOPICS_CONFIG);
  }

  @Test
  void eachTenantsInputTopicsAreKafkaTopicsWithTheCatalogsSettings() {
    RenderedChart chart = perTenant().render();
    TopicCatalog catalog = TopicCatalog.from(chart.config(Component.INGEST, folder));
    Map<String, KafkaTopic> topics =
        chart.all(KafkaTopic.class).stream()
            .collect(Collectors.toMap(t -> t.getSpec().getTopicName(), Function.identity()));

    for (String tenant : TENANTS) {
      for (PerennialTopic input : TenantTopics.INPUTS) {
        String name = TenantTopics.name(catalog.topicPrefix(), tenant, input);
        assertThat(topics).as("topics").containsKey(name);
        Map<String, String> config = new TreeMap<>();
        topics.get(name).getSpec().getConfig().forEach((k, v) -> config.put(k, v.toString()));
        assertThat(config).as(name).isEqualTo(catalog.spec(input).configs());
        assertThat(topics.get(name).getSpec().getPartitions()).isEqualTo(12);
      }
    }
  }

  @Test
  void eachTenantsUserMayWriteItsOwnPrefixAndNothingElse() {
    RenderedChart chart = perTenant().render();
    List<KafkaUser> users = chart.all(KafkaUser.class);

    assertThat(users).hasSize(TENANTS.size());
    for (String tenant : TENANTS) {
      KafkaUser user =
          users.stream()
              .filter(u -> tenant.equals(u.getMetadata().getLabels().get("perennial.dev/tenant")))
              .findFirst()
              .orElseThrow();
      assertThat(user.getMetadata().getLabels())
          .containsEntry("strimzi.io/cluster", Scenarios.STRIMZI_CLUSTER);
      assertThat(user.getSpec().getAuthentication().getType()).isEqualTo("scram-sha-512");
      List<AclRule> acls =
          ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls();
      // its topics, and its transactional ids (below)
      assertThat(acls)
          .extracting(acl -> acl.getResource().getClass().getSimpleName())
          .containsExactlyInAnyOrder(
              AclRuleTopicResource.class.getSimpleName(),
              AclRuleTransactionalIdResource.class.getSimpleName());
      assertThat(acls)
          .filteredOn(acl -> acl.getResource() instanceof AclRuleTopicResource)
          .singleElement()
          .satisfies(
              acl -> {
                AclRuleTopicResource topic = (AclRuleTopicResource) acl.getResource();
                assertThat(topic.getName()).isEqualTo(TenantTopics.aclPrefix("acme.", tenant));
                assertThat(topic.getPatternType()).isEqualTo(AclResourcePatternType.PREFIX);
                assertThat(acl.getOperations())
                    .containsExactlyInAnyOrder(AclOperation.WRITE, AclOperation.DESCRIBE);
              });
    }
  }

  @Test
  void eachTenantsUserMayProduceTransactionallyUnderItsOwnPrefix() {
    RenderedChart chart = perTenant().render();

    for (String tenant : TENANTS) {
      List<AclRule> acls =
          ((KafkaUserAuthorizationSimple) tenantUser(chart, tenant).getSpec().getAuthorization())
              .getAcls();
      assertThat(acls)
          .filteredOn(acl -> acl.getResource() instanceof AclRuleTransactionalIdResource)
          .singleElement()
          .satisfies(
              acl -> {
                AclRuleTransactionalIdResource id =
                    (AclRuleTransactionalIdResource) acl.getResource();
                assertThat(id.getName()).isEqualTo(TenantTopics.aclPrefix("acme.", tenant));
                assertThat(id.getPatternType()).isEqualTo(AclResourcePatternType.PREFIX);
                assertThat(acl.getOperations())
                    .containsExactlyInAnyOrder(AclOperation.WRITE, AclOperation.DESCRIBE);
              });
    }
  }

  private static KafkaUser tenantUser(RenderedChart chart, String tenant) {
    return chart.all(KafkaUser.class).stream()
        .filter(u -> tenant.equals(u.getMetadata().getLabels().get("perennial.dev/tenant")))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void withoutTenantTopicsNoUserIsRenderedAndATenantWithADotIsRefused() {
    assertThat(Scenarios.strimziTopics().render().all(KafkaUser.class)).isEmpty();
    assertThat(
            Scenarios.strimziTopics()
                .with("tenantTopics.enabled", true)
                .with("tenantTopics.tenants", List.of("acme"))
                .render()
                .all(KafkaUser.class))
        .isEmpty();
    assertThatThrownBy(
            () ->
                Scenarios.defaults()
                    .with("tenantTopics.enabled", true)
                    .with("tenantTopics.tenants", List.of("acme.corp"))
                    .render())
        .hasMessageContaining("tenantTopics");
    assertThatThrownBy(() -> Scenarios.defaults().with("tenantTopics.enabled", true).render())
        .hasMessageContaining("tenants");
  }

  @Test
  void anUpperCaseTenantIsRefusedAsNoEventMayNameIt() {
    // Events name lower-case tenants only (AdapterKey's rule), so Acme's topics would only ever
    // hold events that ingest rejects.
    assertThatThrownBy(
            () ->
                Scenarios.strimziTopics()
                    .with("tenantTopics.enabled", true)
                    .with("tenantTopics.tenants", List.of("Acme"))
                    .with("tenantTopics.strimziUsers.enabled", true)
                    .render())
        .hasMessageContaining("tenantTopics");
  }

  @Test
  void theSchemaTakesTheTenantNamesCoreGivesTopics() throws IOException {
    JsonNode schema =
        new ObjectMapper()
            .readTree(Files.readString(Chart.DIRECTORY.resolve("values.schema.json")));

    assertThat(schema.at("/properties/tenantTopics/properties/tenants/items/pattern").asText())
        .isEqualTo("^" + TenantTopics.TENANT + "$");
  }

  @Test
  void aTenantWithAnUnderscoreGetsKafkaTopicsAndUsersWithValidKubernetesNames() {
    // acme_eu is a valid tenant; metadata.name is a DNS-1123 subdomain, which has no "_".
    RenderedChart chart = perTenant().with("tenantTopics.tenants", List.of("acme_eu")).render();

    assertThat(chart.all(KafkaTopic.class))
        .extracting(topic -> topic.getMetadata().getName())
        .anyMatch(name -> name.endsWith("-in-acme-eu-documents-v1"))
        .allMatch(name -> name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?"), "DNS-1123 subdomains");
    assertThat(chart.all(KafkaUser.class))
        .extracting(user -> user.getMetadata().getName())
        .singleElement()
        .satisfies(name -> assertThat(name).endsWith("-tenant-acme-eu"));
  }

  @Test
  void twoTenantsWhoseObjectsWouldShareANameAreRefused() {
    assertThatThrownBy(
            () -> perTenant().with("tenantTopics.tenants", List.of("acme_eu", "acme-eu")).render())
        .hasMessageContaining("acme_eu and acme-eu would share Kubernetes object names");
  }
}
