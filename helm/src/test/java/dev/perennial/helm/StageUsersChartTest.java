package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.cli.AclsCommand;
import dev.perennial.core.config.EnvironmentVariables;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.trainer.config.TrainerConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One Kafka principal per stage: with {@code kafka.strimziUsers.enabled} every enabled component
 * gets a Strimzi KafkaUser whose ACLs are exactly its stage's in core's {@link StageAcls} (as
 * {@code perennial acls} computes them from the component's own properties file), and logs in with
 * that user's Secret; without Strimzi, a component may name a login Secret of its own.
 */
class StageUsersChartTest {

  /** Stage users with every id the ACLs name changed, and tenants on their own topics. */
  private static Chart stageUsersWithOwnIds() {
    return Scenarios.stageUsers()
        .with("ingest.config", Map.of(IngestConfig.APPLICATION_ID_CONFIG, "acme-ingest"))
        .with(
            "trainer.accumulator.config",
            Map.of(TrainerConfig.ACCUMULATOR_APPLICATION_ID_CONFIG, "acme-accumulator"))
        // a space after a value: the worker's config trims it, so must its ACLs
        .with(
            "trainer.worker.config", Map.of(TrainerConfig.WORKER_GROUP_ID_CONFIG, "acme-workers "))
        .with("evaluator.config", Map.of(EvaluatorConfig.GROUP_ID_CONFIG, "acme-evaluators"))
        .with("tenantTopics.enabled", true)
        .with("tenantTopics.tenants", List.of("acme", "globex"));
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("default ids", Scenarios.stageUsers().render()),
        Arguments.of(
            "default topic prefix (earlier releases' transactional ids)",
            Scenarios.stageUsers().with("topics.prefix", "perennial.").render()),
        Arguments.of("own ids, tenant topics", stageUsersWithOwnIds().render()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void eachComponentsKafkaUserHoldsExactlyItsStagesAcls(String name, RenderedChart chart) {
    for (Component component : Component.values()) {
      KafkaUser user = userOf(chart, component);
      StageAcls expected = stageAcls(chart, component);

      assertThat(user.getSpec().getAuthentication().getType()).isEqualTo("scram-sha-512");
      assertThat(user.getMetadata().getLabels())
          .containsEntry("strimzi.io/cluster", Scenarios.STRIMZI_CLUSTER);
      List<String> rendered =
          ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization())
              .getAcls().stream().map(StageUsersChartTest::describe).sorted().toList();
      List<String> stage =
          expected.rules().stream().map(StageUsersChartTest::describe).sorted().toList();
      assertThat(rendered).as("ACLs of %s", component).isEqualTo(stage);
    }
  }

  @Test
  void eachComponentLogsInWithItsOwnUsersSecret() {
    RenderedChart chart = Scenarios.stageUsers().render();

    for (Component component : Component.values()) {
      String user = userOf(chart, component).getMetadata().getName();
      assertThat(user).isEqualTo(Chart.RELEASE + "-perennial-" + component.chartName());
      assertThat(jaasSecretOf(chart.container(component))).isEqualTo(user + "/sasl.jaas.config");
    }
  }

  @Test
  void aDisabledComponentGetsNoUser() {
    RenderedChart chart =
        Scenarios.stageUsers()
            .with("ingest.enabled", false)
            .with("evaluator.enabled", false)
            .render();

    assertThat(chart.all(KafkaUser.class))
        .extracting(user -> user.getMetadata().getLabels().get(RenderedChart.COMPONENT_LABEL))
        .containsExactlyInAnyOrder("trainer-accumulator", "trainer-worker", "publisher");
  }

  @Test
  void withoutStrimziAComponentMayLogInWithASecretOfItsOwn() {
    RenderedChart chart =
        Scenarios.securedKafka()
            .with(
                "kafka.sasl.componentJaasConfigSecrets",
                Map.of("evaluator", Map.of("name", "perennial-evaluator-kafka", "key", "jaas")))
            .render();

    assertThat(chart.all(KafkaUser.class)).isEmpty();
    for (Component component : Component.values()) {
      assertThat(jaasSecretOf(chart.container(component)))
          .as("login of %s", component)
          .isEqualTo(
              component == Component.EVALUATOR
                  ? "perennial-evaluator-kafka/jaas"
                  : Scenarios.SASL_SECRET + "/sasl.jaas.config");
    }
  }

  @Test
  void everyComponentWithALoginOfItsOwnNeedsNoSharedOne() {
    Map<String, Object> own = new LinkedHashMap<>();
    for (Component component : Component.values()) {
      own.put(component.chartName(), Map.of("name", component.chartName() + "-kafka"));
    }
    RenderedChart chart =
        Chart.withRequiredValues()
            .with("kafka.securityProtocol", "SASL_PLAINTEXT")
            .with("kafka.sasl.componentJaasConfigSecrets", own)
            .render();

    for (Component component : Component.values()) {
      assertThat(jaasSecretOf(chart.container(component)))
          .isEqualTo(component.chartName() + "-kafka/sasl.jaas.config");
    }
    assertThatThrownBy(
            () ->
                Chart.withRequiredValues()
                    .with("kafka.securityProtocol", "SASL_PLAINTEXT")
                    .with(
                        "kafka.sasl.componentJaasConfigSecrets",
                        Map.of("ingest", Map.of("name", "ingest-kafka")))
                    .render())
        .hasMessageContaining("kafka.sasl.jaasConfigSecret.name");
  }

  @Test
  void stageUsersNeedStrimzisScramLoginAClusterAndTheReleasesNamespace() {
    assertThatThrownBy(
            () -> Chart.withRequiredValues().with("kafka.strimziUsers.enabled", true).render())
        .hasMessageContaining("kafka.strimziUsers");
    assertThatThrownBy(() -> Scenarios.stageUsers().with("kafka.sasl.mechanism", "PLAIN").render())
        .hasMessageContaining("SCRAM-SHA-512");
    assertThatThrownBy(
            () ->
                Scenarios.stageUsers()
                    .with("topics.strimzi.enabled", false)
                    .with("topics.strimzi.clusterName", "")
                    .render())
        .hasMessageContaining("topics.strimzi.clusterName");
    assertThatThrownBy(
            () -> Scenarios.stageUsers().with("topics.strimzi.namespace", "kafka").render())
        .hasMessageContaining("pods read Secrets of their own namespace only");
    assertThat(
            Scenarios.stageUsers()
                .with("topics.strimzi.namespace", Chart.NAMESPACE)
                .render()
                .all(KafkaUser.class))
        .hasSize(Component.values().length);
  }

  /** The stage's ACLs as {@code perennial acls --config <the component's file>} prints them. */
  private static StageAcls stageAcls(RenderedChart chart, Component component) {
    return AclsCommand.of(chart.properties(component)).stream()
        .filter(acls -> acls.stage().id().equals(component.chartName()))
        .findFirst()
        .orElseThrow();
  }

  private static KafkaUser userOf(RenderedChart chart, Component component) {
    List<KafkaUser> users =
        chart.all(KafkaUser.class).stream()
            .filter(
                u ->
                    component
                        .chartName()
                        .equals(u.getMetadata().getLabels().get(RenderedChart.COMPONENT_LABEL)))
            .toList();
    assertThat(users).as("KafkaUser of %s", component).hasSize(1);
    return users.get(0);
  }

  /** "type name pattern operations" of a Strimzi ACL, operations in Strimzi's spelling, sorted. */
  private static String describe(AclRule acl) {
    String type;
    String resource;
    String pattern;
    if (acl.getResource() instanceof AclRuleTopicResource topic) {
      type = "topic";
      resource = topic.getName();
      pattern = topic.getPatternType().toValue();
    } else if (acl.getResource() instanceof AclRuleGroupResource group) {
      type = "group";
      resource = group.getName();
      pattern = group.getPatternType().toValue();
    } else if (acl.getResource() instanceof AclRuleTransactionalIdResource id) {
      type = "transactionalId";
      resource = id.getName();
      pattern = id.getPatternType().toValue();
    } else {
      throw new AssertionError("no stage has an ACL on " + acl.getResource());
    }
    assertThat(acl.getHost()).as("host of %s", resource).isEqualTo("*");
    return type
        + " "
        + resource
        + " "
        + pattern
        + " "
        + acl.getOperations().stream().map(op -> op.toValue()).sorted().toList();
  }

  /** The same for a rule of {@link StageAcls}, in Strimzi's spelling. */
  private static String describe(StageAcls.Rule rule) {
    String type =
        switch (rule.resource().resourceType()) {
          case TOPIC -> "topic";
          case GROUP -> "group";
          case TRANSACTIONAL_ID -> "transactionalId";
          default -> throw new AssertionError(rule.resource().resourceType().toString());
        };
    String pattern =
        switch (rule.resource().patternType()) {
          case LITERAL -> "literal";
          case PREFIXED -> "prefix";
          default -> throw new AssertionError(rule.resource().patternType().toString());
        };
    return type
        + " "
        + rule.resource().name()
        + " "
        + pattern
        + " "
        + rule.operations().stream().map(StageUsersChartTest::strimziName).sorted().toList();
  }

  /** Kafka's DESCRIBE_CONFIGS is Strimzi's DescribeConfigs. */
  private static String strimziName(org.apache.kafka.common.acl.AclOperation operation) {
    StringBuilder name = new StringBuilder();
    for (String part : operation.name().split("_")) {
      name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }

  private static String jaasSecretOf(Container container) {
    String variable = EnvironmentVariables.toVariable(SaslConfigs.SASL_JAAS_CONFIG);
    List<EnvVar> matches =
        container.getEnv().stream().filter(v -> v.getName().equals(variable)).toList();
    assertThat(matches).as("variable %s", variable).hasSize(1);
    var ref = matches.get(0).getValueFrom().getSecretKeyRef();
    return ref.getName() + "/" + ref.getKey();
  }
}
