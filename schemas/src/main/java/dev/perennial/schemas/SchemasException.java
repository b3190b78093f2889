package dev.perennial.schemas;

import dev.perennial.core.PerennialException;

/** Base of every error the schemas module raises itself (Kafka serdes raise Kafka's own). */
public class SchemasException extends PerennialException {

  private static final long serialVersionUID = 1L;

  public SchemasException(String message) {
    super(message);
  }

  public SchemasException(String message, Throwable cause) {
    super(message, cause);
  }
}
