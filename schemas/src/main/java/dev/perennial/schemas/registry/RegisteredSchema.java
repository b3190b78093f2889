package dev.perennial.schemas.registry;

import org.apache.avro.Schema;

/** One version of a subject: its number, its global schema id and the schema itself. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {}
