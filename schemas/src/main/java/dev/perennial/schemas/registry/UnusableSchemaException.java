package dev.perennial.schemas.registry;

/**
 * The registry answered with the schema asked for, but it is none this client can use: another
 * schema type (JSON, PROTOBUF), or text Avro does not parse (a reference to another subject's type,
 * which this client does not resolve). The answer is about that schema, not the registry's health,
 * so a record naming it is a bad record.
 */
public class UnusableSchemaException extends SchemaRegistryException {

  public UnusableSchemaException(String message, Throwable cause) {
    super(message, 200, 200, cause);
  }
}
