package dev.perennial.publisher.retract;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * What an ERASURE retrain replaces: the erasure request and the releases of the key that were
 * trained on the subject's data, as the candidate (and its verdict) carries them.
 *
 * <p>The candidate's nullable {@code erasure} field (the same shape as {@code TrainingJob}'s {@code
 * ErasureDetails}: requestId, subjectPseudonym, affectedVersions) is read by name, so the publisher
 * reads candidates written before and after that field exists. The subject's pseudonym is not read:
 * what the publisher keeps (manifests, audit records) must not say who erased their data.
 */
public record ErasureLineage(String requestId, List<Integer> replacesVersions) {

  public static final String FIELD = "erasure";

  public ErasureLineage {
    replacesVersions = List.copyOf(replacesVersions);
  }

  /** The erasure a candidate retrains for; empty for an ordinary candidate. */
  public static Optional<ErasureLineage> of(IndexedRecord candidate) {
    Schema.Field field = candidate.getSchema().getField(FIELD);
    if (field == null || !(candidate.get(field.pos()) instanceof IndexedRecord erasure)) {
      return Optional.empty();
    }
    return Optional.of(
        new ErasureLineage(text(erasure, "requestId"), versions(erasure, "affectedVersions")));
  }

  private static String text(IndexedRecord record, String name) {
    Schema.Field field = record.getSchema().getField(name);
    Object value = field == null ? null : record.get(field.pos());
    return value == null ? "" : value.toString();
  }

  private static List<Integer> versions(IndexedRecord record, String name) {
    Schema.Field field = record.getSchema().getField(name);
    List<Integer> versions = new ArrayList<>();
    if (field != null && record.get(field.pos()) instanceof List<?> values) {
      values.forEach(value -> versions.add(((Number) value).intValue()));
    }
    return versions;
  }
}
