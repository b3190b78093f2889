package dev.perennial.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class TenantSettingsTest {

  private static final String PREFIX = "perennial.stage.tenant.";

  private final TenantSettings settings =
      new TenantSettings(
          PREFIX,
          List.of(
              new TenantSettings.Setting(
                  ".limit", Type.INT, Range.atLeast(1), "The tenant's own limit."),
              new TenantSettings.Setting(
                  ".share", Type.DOUBLE, Range.between(0.0, 1.0), "The tenant's own share.")));

  private static ConfigDef base() {
    return new ConfigDef()
        .define("perennial.stage.limit", Type.INT, 5, Importance.HIGH, "The default limit.");
  }

  @Test
  void theTenantIsWhatStandsBetweenThePrefixAndAKnownSuffix() {
    assertThat(settings.tenantOf(PREFIX + "acme.limit")).isEqualTo("acme");
    assertThat(settings.tenantOf(PREFIX + "acme.corp.share")).isEqualTo("acme.corp");
    assertThat(settings.tenantOf(PREFIX + ".limit")).isNull();
    assertThat(settings.tenantOf(PREFIX + "acme.limits")).isNull();
    assertThat(settings.tenantOf("perennial.stage.limit")).isNull();
  }

  @Test
  void onlyTheGivenPerTenantKeysAreDefinedEachWithItsSettingsTypeAndNoDefault() {
    Map<String, String> values = Map.of(PREFIX + "acme.limit", "7", "perennial.stage.limit", "3");

    ConfigDef definition = settings.define(base(), values);

    assertThat(definition.names())
        .containsExactlyInAnyOrder("perennial.stage.limit", PREFIX + "acme.limit");
    assertThat(definition.configKeys().get(PREFIX + "acme.limit").type).isEqualTo(Type.INT);
    assertThat(definition.configKeys().get(PREFIX + "acme.limit").hasDefault()).isFalse();
    assertThat(definition.parse(values)).containsEntry(PREFIX + "acme.limit", 7);
  }

  @Test
  void unknownPerTenantKeysAndBadValuesAreAllReportedAtOnce() {
    Map<String, String> values =
        Map.of(
            PREFIX + "acme.limit",
            "0",
            PREFIX + "acme.limt",
            "7",
            PREFIX + "globex.share",
            "0.5",
            "perennial.stage.limit",
            "lots");

    assertThatThrownBy(() -> settings.check(settings.define(base(), values), values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(3)
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .isEqualTo(
                                    PREFIX
                                        + "acme.limt: not a per-tenant setting; expected "
                                        + PREFIX
                                        + "<tenant> followed by one of [.limit, .share]"))
                    .anySatisfy(p -> assertThat(p).startsWith(PREFIX + "acme.limit: "))
                    .anySatisfy(p -> assertThat(p).startsWith("perennial.stage.limit: ")));
  }

  @Test
  void validValuesComeBackUnchanged() {
    Map<String, String> values = Map.of(PREFIX + "globex.share", "0.5");

    assertThat(settings.check(settings.define(base(), values), values)).isSameAs(values);
  }

  @Test
  void aKeyNamingATenantTheRuleRefusesIsAProblem() {
    TenantSettings lowerCase =
        settings.requireTenants(tenant -> tenant.equals(tenant.toLowerCase()), "lower case");
    Map<String, String> values = Map.of(PREFIX + "Acme.share", "0.5");

    assertThatThrownBy(() -> lowerCase.check(lowerCase.define(base(), values), values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        PREFIX + "Acme.share: 'Acme' is not a tenant name (lower case)"));
  }
}
