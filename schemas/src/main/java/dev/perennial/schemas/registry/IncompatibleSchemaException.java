package dev.perennial.schemas.registry;

/** The registry answered 409: the schema breaks the subject's compatibility rule. */
public class IncompatibleSchemaException extends SchemaRegistryException {

  public IncompatibleSchemaException(String message, int errorCode) {
    super(message, 409, errorCode, null);
  }
}
