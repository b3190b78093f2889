package dev.perennial.schemas.serde;

import dev.perennial.schemas.evolution.SchemaHistory;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decoders of Avro's single-object encoding (a record's own {@code toByteBuffer}) that read what
 * the current class or any published version of its schema wrote: the encoding names its writer's
 * schema only by fingerprint, and the generated {@code fromByteBuffer} knows the current one alone,
 * so bytes a stage stored with its own earlier release (a state store, an internal topic) would
 * fail once the record gains a version.
 */
public final class SingleObjectDecoders {

  private static final SchemaHistory HISTORY = SchemaHistory.bundled();

  private SingleObjectDecoders() {}

  /** A decoder to {@code type} of records written with its current schema or a published one. */
  public static <T extends SpecificRecord> BinaryMessageDecoder<T> ofEveryPublishedVersion(
      Class<T> type) {
    SpecificData model = SpecificData.getForClass(type);
    Schema current = model.getSchema(type);
    BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(model, current);
    List<Schema> published = HISTORY.versions(current.getName());
    published.forEach(decoder::addSchema);
    return decoder;
  }
}
