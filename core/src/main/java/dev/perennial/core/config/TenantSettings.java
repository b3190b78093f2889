package dev.perennial.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * A deployable's per-tenant settings: keys {@code <prefix><tenant><suffix>}, each suffix with its
 * type, validator and documentation. A per-tenant key is defined only when it is given (so it needs
 * no default) and validated like every other key; a key under the prefix that names no known
 * setting is a problem reported with the others, and so is a key whose tenant breaks the tenant
 * naming rule ({@link #requireTenants}).
 */
public final class TenantSettings {

  /** One per-tenant setting: the key after the tenant, e.g. {@code .gate.learning.min.gain}. */
  public record Setting(String suffix, Type type, ConfigDef.Validator validator, String doc) {}

  private final String prefix;
  private final List<Setting> settings;
  private final Predicate<String> validTenant;
  private final String tenantRule;

  /**
   * @param prefix what every per-tenant key starts with, e.g. {@code perennial.trainer.tenant.}
   */
  public TenantSettings(String prefix, List<Setting> settings) {
    this(prefix, settings, tenant -> true, "any text");
  }

  private TenantSettings(
      String prefix, List<Setting> settings, Predicate<String> validTenant, String tenantRule) {
    this.prefix = prefix;
    this.settings = List.copyOf(settings);
    this.validTenant = validTenant;
    this.tenantRule = tenantRule;
  }

  /**
   * These settings, for tenants whose name {@code validTenant} accepts (the adapter key's naming
   * rule, which lives with the contracts); {@code rule} says it in words for the problem report.
   */
  public TenantSettings requireTenants(Predicate<String> validTenant, String rule) {
    return new TenantSettings(prefix, settings, validTenant, rule);
  }

  /** The tenant a per-tenant key names, or null when the key is not one. */
  public String tenantOf(String key) {
    Setting setting = settingOf(key);
    return setting == null
        ? null
        : key.substring(prefix.length(), key.length() - setting.suffix().length());
  }

  /** {@code definition} plus a definition for each per-tenant key among {@code values}. */
  public ConfigDef define(ConfigDef definition, Map<String, String> values) {
    for (String key : new TreeMap<>(values).keySet()) {
      Setting setting = settingOf(key);
      if (setting != null) {
        definition.define(
            key,
            setting.type(),
            ConfigDef.NO_DEFAULT_VALUE,
            setting.validator(),
            Importance.LOW,
            setting.doc());
      }
    }
    return definition;
  }

  /**
   * Checks every value against {@code definition} (from {@link #define}) and every key under the
   * prefix, and returns the values unchanged.
   *
   * @throws InvalidConfigurationException listing every problem at once
   */
  public Map<String, String> check(ConfigDef definition, Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    for (String key : new TreeMap<>(values).keySet()) {
      if (!key.startsWith(prefix)) {
        continue;
      }
      String tenant = tenantOf(key);
      if (tenant == null) {
        problems.add(
            key
                + ": not a per-tenant setting; expected "
                + prefix
                + "<tenant> followed by one of "
                + settings.stream().map(Setting::suffix).toList());
      } else if (!validTenant.test(tenant)) {
        problems.add(key + ": '" + tenant + "' is not a tenant name (" + tenantRule + ")");
      }
    }
    try {
      PerennialConfig.requireValid(definition, values);
    } catch (InvalidConfigurationException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    return values;
  }

  /** The setting a per-tenant key names (after a non-empty tenant), or null. */
  private Setting settingOf(String key) {
    if (!key.startsWith(prefix)) {
      return null;
    }
    for (Setting setting : settings) {
      String suffix = setting.suffix();
      if (key.endsWith(suffix) && key.length() > prefix.length() + suffix.length()) {
        return setting;
      }
    }
    return null;
  }
}
