package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The prometheus.io scrape annotations and the NetworkPolicies agree: a pod that asks to be scraped
 * on a port admits the scrapers on that port. The publisher's health and metrics port also carries
 * the alias moves, so its policy admits only the peers named in networkPolicy.adminFrom and
 * .metricsFrom; the scrapers are metricsFrom.
 */
class MetricsScrapeChartTest {

  private static final Map<String, Object> PROMETHEUS =
      Map.of(
          "namespaceSelector",
          Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring")),
          "podSelector",
          Map.of("matchLabels", Map.of("app.kubernetes.io/name", "prometheus")));

  @Test
  void withTheDefaultsNoPodAsksToBeScrapedOnAPortItsPoliciesCloseToEveryone() {
    RenderedChart chart = Scenarios.defaults().render();

    for (Workload workload : chart.workloads()) {
      Integer port = scrapePort(workload);
      if (port != null) {
        assertThat(admittingRules(chart, workload, port))
            .as("rules admitting anyone to %s's scrape port %d", workload.name(), port)
            .anyMatch(rule -> rule.getFrom() == null || rule.getFrom().isEmpty());
      }
    }
  }

  @Test
  void withTheScrapersNamedInMetricsFromEveryPodIsScrapedAndAdmitsThem() {
    RenderedChart chart =
        Chart.withRequiredValues().with("networkPolicy.metricsFrom", List.of(PROMETHEUS)).render();

    for (Workload workload : chart.workloads()) {
      Integer port = scrapePort(workload);
      assertThat(port).as("scrape port of %s", workload.name()).isNotNull();
      assertThat(admittingRules(chart, workload, port))
          .as("rules admitting Prometheus to %s's scrape port %d", workload.name(), port)
          .anyMatch(
              rule ->
                  rule.getFrom() != null
                      && rule.getFrom().stream().anyMatch(MetricsScrapeChartTest::isPrometheus));
    }
  }

  @Test
  void withoutNetworkPoliciesEveryPodIsScraped() {
    RenderedChart chart = Chart.withRequiredValues().with("networkPolicy.enabled", false).render();

    assertThat(chart.all(NetworkPolicy.class)).isEmpty();
    for (Workload workload : chart.workloads()) {
      assertThat(scrapePort(workload)).as("scrape port of %s", workload.name()).isNotNull();
    }
  }

  /** The port the pod asks to be scraped on, or null when it carries no scrape annotation. */
  private static Integer scrapePort(Workload workload) {
    Map<String, String> annotations = workload.podAnnotations();
    if (!"true".equals(annotations.get("prometheus.io/scrape"))) {
      return null;
    }
    return Integer.valueOf(annotations.get("prometheus.io/port"));
  }

  /** The ingress rules of every policy that selects the workload's pods and names the port. */
  private static List<NetworkPolicyIngressRule> admittingRules(
      RenderedChart chart, Workload workload, int port) {
    Container container = workload.container();
    return chart.all(NetworkPolicy.class).stream()
        .filter(policy -> selects(policy.getSpec().getPodSelector(), workload.podLabels()))
        .flatMap(policy -> policy.getSpec().getIngress().stream())
        .filter(
            rule ->
                rule.getPorts() == null
                    || rule.getPorts().isEmpty()
                    || rule.getPorts().stream().anyMatch(p -> number(p, container) == port))
        .toList();
  }

  private static int number(NetworkPolicyPort port, Container container) {
    IntOrString value = port.getPort();
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    return container.getPorts().stream()
        .filter(p -> value.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(-1);
  }

  private static boolean isPrometheus(NetworkPolicyPeer peer) {
    return peer.getPodSelector() != null
        && Objects.equals(
            peer.getPodSelector().getMatchLabels(), Map.of("app.kubernetes.io/name", "prometheus"))
        && peer.getNamespaceSelector() != null;
  }

  /** A label selector's matchLabels and its In and NotIn expressions, as Kubernetes reads them. */
  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector.getMatchLabels() != null
        && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
      return false;
    }
    if (selector.getMatchExpressions() == null) {
      return true;
    }
    return selector.getMatchExpressions().stream()
        .allMatch(
            e ->
                switch (e.getOperator()) {
                  case "In" -> e.getValues().contains(labels.get(e.getKey()));
                  case "NotIn" -> !e.getValues().contains(labels.get(e.getKey()));
                  default -> throw new AssertionError("operator " + e.getOperator());
                });
  }
}
