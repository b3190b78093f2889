package dev.perennial.ingest.validate;

import dev.perennial.ingest.deadletter.Rejection;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.RejectReason;
import java.util.Optional;

/**
 * The ids an app event and a consent change carry (tenant, subject, event id, adapter) and the
 * record key that must name them. Checked before anything else, since consent is looked up by them:
 * a record whose key names another subject than its value is rejected, never trusted (it would be
 * joined with the wrong subject's consent). Tenant and adapter names follow {@link AdapterKey}'s
 * rule. A rejection's detail says what is wrong, never what was sent: a key or a name may be a raw
 * user id.
 */
public final class EventIds {

  public static final int MAX_ID_LENGTH = 256;

  private EventIds() {}

  /** The record key of a subject's events and consent: {@code tenant/subject}. */
  public static String key(String tenant, String subject) {
    return tenant + "/" + subject;
  }

  /** The tenant of a {@code tenant/subject} key, if the key has that shape and a valid tenant. */
  public static Optional<String> tenantOfKey(String key) {
    if (key == null) {
      return Optional.empty();
    }
    int slash = key.indexOf('/');
    if (slash < 0 || slash == key.length() - 1) {
      return Optional.empty();
    }
    String tenant = key.substring(0, slash);
    return AdapterKey.isValidName(tenant) ? Optional.of(tenant) : Optional.empty();
  }

  /** The subject of a {@code tenant/subject} key whose tenant {@link #tenantOfKey} accepts. */
  public static String subjectOfKey(String key) {
    return key.substring(key.indexOf('/') + 1);
  }

  /**
   * Whether {@code key} is a {@code tenant/subject} key whose tenant and subject are both valid ids
   * (the checks {@link #checkSubjectKey} makes of a value's tenant and subject).
   */
  public static boolean isSubjectKey(String key) {
    return tenantOfKey(key).isPresent() && checkId("subject", subjectOfKey(key)).isEmpty();
  }

  /** The adapter key examples of this tenant and adapter (null: the default) are routed by. */
  public static String adapterKey(String tenant, String adapter) {
    return AdapterKey.of(tenant, adapter).toString();
  }

  /** Checks tenant and subject, then that {@code key} is exactly {@code tenant/subject}. */
  public static Optional<Rejection> checkSubjectKey(String key, String tenant, String subject) {
    Optional<String> badTenant = AdapterKey.nameProblem(tenant);
    if (badTenant.isPresent()) {
      return invalid("tenant " + badTenant.get());
    }
    Optional<Rejection> badSubject = checkId("subject", subject);
    if (badSubject.isPresent()) {
      return badSubject;
    }
    if (key == null) {
      return invalid("record has no key; events and consent are keyed by tenant/subject");
    }
    if (!key.equals(key(tenant, subject))) {
      // The key is the app's raw subject id: it stays out of the detail.
      return invalid("record key is not the value's tenant/subject");
    }
    return Optional.empty();
  }

  /**
   * Whether {@code value} passes the check of an id (subject, event id): a rejection carries an
   * event id only then, since nothing else bounds what an app sent in it.
   */
  public static boolean isValidId(String value) {
    return checkId("id", value).isEmpty();
  }

  /** Checks an app event's event id and adapter name (null adapter: the default). */
  public static Optional<Rejection> checkEventIdAndAdapter(String eventId, String adapter) {
    Optional<Rejection> badEventId = checkId("eventId", eventId);
    if (badEventId.isPresent()) {
      return badEventId;
    }
    if (adapter == null) {
      return Optional.empty();
    }
    return AdapterKey.nameProblem(adapter).flatMap(problem -> invalid("adapter " + problem));
  }

  private static Optional<Rejection> checkId(String field, String value) {
    if (value == null || value.isBlank()) {
      return invalid(field + " is empty");
    }
    if (value.length() > MAX_ID_LENGTH) {
      return invalid(field + " has " + value.length() + " characters, more than " + MAX_ID_LENGTH);
    }
    if (Texts.hasControlCharacter(value) || !Texts.isWellFormedUtf8(value)) {
      return invalid(field + " holds control characters or is not valid UTF-8");
    }
    return Optional.empty();
  }

  private static Optional<Rejection> invalid(String detail) {
    return Optional.of(Rejection.of(RejectReason.INVALID_FIELD, detail));
  }
}
