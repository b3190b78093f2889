package dev.perennial.schemas.key;

import dev.perennial.schemas.SchemasException;

/** A text is not an adapter key, or a name not a tenant or adapter name ({@link AdapterKey}). */
public class InvalidAdapterKeyException extends SchemasException {

  private static final long serialVersionUID = 1L;

  public InvalidAdapterKeyException(String message) {
    super(message);
  }

  public InvalidAdapterKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
