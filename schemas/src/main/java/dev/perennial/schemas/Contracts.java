package dev.perennial.schemas;

import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** The record type of every topic: the contracts whose evolution must stay compatible. */
public final class Contracts {

  /** Every topic's record class, in data-flow order. */
  public static final List<Class<? extends SpecificRecord>> RECORD_TYPES =
      List.of(
          Document.class,
          Feedback.class,
          ConsentChange.class,
          TrainingExample.class,
          RejectedRecord.class,
          ErasureRequest.class,
          TrainingJob.class,
          AdapterCandidate.class,
          EvaluationVerdict.class,
          AdapterRelease.class,
          AuditEvent.class);

  private Contracts() {}

  /** The current schema of {@code type}, as its generated class carries it. */
  public static Schema schemaOf(Class<? extends SpecificRecord> type) {
    return SpecificData.get().getSchema(type);
  }
}
