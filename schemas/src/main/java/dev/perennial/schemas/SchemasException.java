package dev.perennial.schemas;

/** Base of every error the schemas module raises itself (Kafka serdes raise Kafka's own). */
public class SchemasException extends RuntimeException {

  public SchemasException(String message) {
    super(message);
  }

  public SchemasException(String message, Throwable cause) {
    super(message, cause);
  }
}
