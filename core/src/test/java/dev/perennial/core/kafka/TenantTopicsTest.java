package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantTopicsTest {

  @Test
  void aTenantsTopicsLieUnderItsAclPrefixAndNameTheirTenant() {
    String documents = TenantTopics.name("perennial.", "acme", PerennialTopic.DOCUMENTS);

    assertThat(documents).isEqualTo("perennial.in.acme.documents.v1");
    assertThat(documents).startsWith(TenantTopics.aclPrefix("perennial.", "acme"));
    assertThat(TenantTopics.tenantOf("perennial.", documents)).contains("acme");
    assertThat(TenantTopics.tenantOf("perennial.", "perennial.in.acme-eu.consent.v1"))
        .contains("acme-eu");
    assertThat(TenantTopics.pattern("perennial.", PerennialTopic.FEEDBACK).pattern())
        .contains("feedback");
  }

  @Test
  void sharedTopicsAndTenantsWithADotAreNoTenantsTopics() {
    assertThat(TenantTopics.tenantOf("perennial.", "perennial.documents.v1")).isEmpty();
    // A prefixed ACL on perennial.in.acme. covers this topic: it must not count as acme.corp's.
    assertThat(TenantTopics.tenantOf("perennial.", "perennial.in.acme.corp.documents.v1"))
        .isEmpty();
    assertThat(TenantTopics.tenantOf("perennial.", "perennial.in.acme.examples.v1")).isEmpty();
    assertThatThrownBy(() -> TenantTopics.name("perennial.", "acme.corp", PerennialTopic.CONSENT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TenantTopics.name("perennial.", "acme", PerennialTopic.EXAMPLES))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUpperCaseTenantHasNoTopicsAsNoEventMayNameIt() {
    assertThat(TenantTopics.tenantOf("perennial.", "perennial.in.Acme.documents.v1")).isEmpty();
    assertThatThrownBy(() -> TenantTopics.name("perennial.", "Acme", PerennialTopic.DOCUMENTS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(TenantTopics.name("perennial.", "acme_eu", PerennialTopic.DOCUMENTS))
        .isEqualTo("perennial.in.acme_eu.documents.v1");
  }
}
