package dev.perennial.schemas.registry;

import dev.perennial.schemas.SchemasException;

/**
 * A schema registry request that failed: the HTTP status and the Confluent error code the registry
 * answered with, or {@link #NO_RESPONSE} for both when no answer came.
 */
public class SchemaRegistryException extends SchemasException {

  /** Status and error code of a request that got no HTTP answer at all. */
  public static final int NO_RESPONSE = 0;

  public static final int SUBJECT_NOT_FOUND = 40401;
  public static final int VERSION_NOT_FOUND = 40402;
  public static final int SCHEMA_NOT_FOUND = 40403;
  public static final int INCOMPATIBLE_SCHEMA = 409;
  public static final int INVALID_SCHEMA = 42201;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /**
   * Whether the registry was unavailable: no answer, an error on its side (5xx), credentials it
   * refused (401, 403), too many requests (429), an answer that made no sense, or a 404 without a
   * registry error code (no registry API at that URL, or a proxy's answer). An answer about the
   * request itself (no such schema, an incompatible or invalid schema, a schema this client cannot
   * use) is not.
   */
  public boolean unavailable() {
    return !(this instanceof SchemaNotFoundException)
        && !(this instanceof IncompatibleSchemaException)
        && !(this instanceof UnusableSchemaException)
        && errorCode != INVALID_SCHEMA
        && httpStatus != 422;
  }

  /** The HTTP status of the registry's answer, or {@link #NO_RESPONSE}. */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * The registry's {@code error_code} (e.g. 40401 subject not found, 40403 schema not found, 409
   * incompatible), the HTTP status where the answer carried none, or {@link #NO_RESPONSE}.
   */
  public int errorCode() {
    return errorCode;
  }
}
