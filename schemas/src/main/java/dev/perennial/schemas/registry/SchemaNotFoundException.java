package dev.perennial.schemas.registry;

/**
 * The registry answered 404 with a registry error code: no such subject (40401), version (40402) or
 * schema (40403).
 */
public class SchemaNotFoundException extends SchemaRegistryException {

  public SchemaNotFoundException(String message, int errorCode) {
    super(message, 404, errorCode, null);
  }
}
