package dev.perennial.schemas;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.SubjectKey;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** The record type of every topic: the contracts whose evolution must stay compatible. */
public final class Contracts {

  /** Every topic's record class, in {@link PerennialTopic}'s order. */
  public static final List<Class<? extends SpecificRecord>> RECORD_TYPES =
      Arrays.stream(PerennialTopic.values())
          .<Class<? extends SpecificRecord>>map(Contracts::recordType)
          .toList();

  private Contracts() {}

  /** The record type the values of {@code topic} have. */
  public static Class<? extends SpecificRecord> recordType(PerennialTopic topic) {
    return switch (topic) {
      case DOCUMENTS -> Document.class;
      case FEEDBACK -> Feedback.class;
      case CONSENT -> ConsentChange.class;
      case EXAMPLES -> TrainingExample.class;
      case REJECTED -> RejectedRecord.class;
      case ERASURES -> ErasureRequest.class;
      case TRAINING_JOBS -> TrainingJob.class;
      case CANDIDATES -> AdapterCandidate.class;
      case VERDICTS -> EvaluationVerdict.class;
      case RELEASES -> AdapterRelease.class;
      case AUDIT -> AuditEvent.class;
      case SUBJECT_KEYS -> SubjectKey.class;
      case BASES -> BaseAnnouncement.class;
      case IMPORTS -> AdapterImport.class;
      case JOB_OUTCOMES -> JobGivenUp.class;
    };
  }

  /** The current schema of {@code type}, as its generated class carries it. */
  public static Schema schemaOf(Class<? extends SpecificRecord> type) {
    return SpecificData.get().getSchema(type);
  }
}
