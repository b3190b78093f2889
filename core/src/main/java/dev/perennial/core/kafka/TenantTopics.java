package dev.perennial.core.kafka;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The input topics of a tenant when tenants are bound to their own topics: {@code
 * <prefix>in.<tenant>.documents.v1}, {@code ...feedback.v1} and {@code ...consent.v1}. Operators
 * let each tenant's principal write only under {@code <prefix>in.<tenant>.} (a prefixed ACL);
 * ingest reads every tenant's topics by pattern and takes the tenant from the topic name.
 *
 * <p>Tenant names in these topics have no dot ({@value #TENANT}): a prefixed ACL on {@code
 * perennial.in.acme.} would otherwise also cover a tenant {@code acme.corp}. A topic whose tenant
 * part has a dot matches no pattern and is never read. Otherwise they follow the one rule for
 * tenant names (schemas' {@code AdapterKey}, which core cannot see: a test there holds the two
 * equal): lower case only, so {@code Acme} has no topics, as no event may name it.
 */
public final class TenantTopics {

  /** What comes between the topic prefix and the tenant. */
  public static final String INFIX = "in.";

  /** A tenant name as these topics carry it. */
  public static final String TENANT = "[a-z0-9][a-z0-9_-]{0,63}";

  /** The topics a tenant writes itself. */
  public static final List<PerennialTopic> INPUTS =
      List.of(PerennialTopic.DOCUMENTS, PerennialTopic.FEEDBACK, PerennialTopic.CONSENT);

  private TenantTopics() {}

  /**
   * The tenant's own topic of {@code topic}'s kind, e.g. {@code perennial.in.acme.documents.v1}.
   */
  public static String name(String topicPrefix, String tenant, PerennialTopic topic) {
    requireInput(topic);
    if (!tenant.matches(TENANT)) {
      throw new IllegalArgumentException(
          "Tenant " + tenant + " cannot have topics of its own (names match " + TENANT + ")");
    }
    return aclPrefix(topicPrefix, tenant) + topic.suffix();
  }

  /** What every topic of the tenant starts with, and a prefixed ACL names. */
  public static String aclPrefix(String topicPrefix, String tenant) {
    return topicPrefix + INFIX + tenant + ".";
  }

  /** Every tenant's topic of {@code topic}'s kind; group 1 is the tenant. */
  public static Pattern pattern(String topicPrefix, PerennialTopic topic) {
    requireInput(topic);
    return Pattern.compile(
        Pattern.quote(topicPrefix + INFIX)
            + "("
            + TENANT
            + ")"
            + Pattern.quote("." + topic.suffix()));
  }

  /** The tenant whose own input topic {@code topicName} is, if it is one. */
  public static Optional<String> tenantOf(String topicPrefix, String topicName) {
    for (PerennialTopic topic : INPUTS) {
      Matcher matcher = pattern(topicPrefix, topic).matcher(topicName);
      if (matcher.matches()) {
        return Optional.of(matcher.group(1));
      }
    }
    return Optional.empty();
  }

  private static void requireInput(PerennialTopic topic) {
    if (!INPUTS.contains(topic)) {
      throw new IllegalArgumentException(topic + " is not a topic tenants write");
    }
  }
}
