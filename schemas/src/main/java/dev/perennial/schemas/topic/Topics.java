package dev.perennial.schemas.topic;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.schemas.Contracts;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.serde.AvroSerde;
import dev.perennial.schemas.serde.AvroSerdeConfig;
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
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of Perennial bound to its full name (from the {@link TopicCatalog}, prefix included),
 * its String keys (adapter key or tenant/subject) and its Avro values, all on one registry client.
 */
public final class Topics {

  private final Topic<String, Document> documents;
  private final Topic<String, Feedback> feedback;
  private final Topic<String, ConsentChange> consent;
  private final Topic<String, TrainingExample> examples;
  private final Topic<String, RejectedRecord> rejected;
  private final Topic<String, ErasureRequest> erasures;
  private final Topic<String, TrainingJob> trainingJobs;
  private final Topic<String, AdapterCandidate> candidates;
  private final Topic<String, EvaluationVerdict> verdicts;
  private final Topic<String, AdapterRelease> releases;
  private final Topic<String, AuditEvent> audit;
  private final SchemaRegistryClient registry;
  private final Topic<String, SubjectKey> subjectKeys;
  private final Topic<String, BaseAnnouncement> bases;
  private final Topic<String, AdapterImport> imports;
  private final Topic<String, JobGivenUp> jobOutcomes;

  private Topics(TopicCatalog catalog, SchemaRegistryClient registry, Map<String, ?> serdeConfigs) {
    this.registry = registry;
    Binder bind = new Binder(catalog, registry, serdeConfigs);
    documents = bind.topic(PerennialTopic.DOCUMENTS, Document.class);
    feedback = bind.topic(PerennialTopic.FEEDBACK, Feedback.class);
    consent = bind.topic(PerennialTopic.CONSENT, ConsentChange.class);
    examples = bind.topic(PerennialTopic.EXAMPLES, TrainingExample.class);
    rejected = bind.topic(PerennialTopic.REJECTED, RejectedRecord.class);
    erasures = bind.topic(PerennialTopic.ERASURES, ErasureRequest.class);
    trainingJobs = bind.topic(PerennialTopic.TRAINING_JOBS, TrainingJob.class);
    candidates = bind.topic(PerennialTopic.CANDIDATES, AdapterCandidate.class);
    verdicts = bind.topic(PerennialTopic.VERDICTS, EvaluationVerdict.class);
    releases = bind.topic(PerennialTopic.RELEASES, AdapterRelease.class);
    audit = bind.topic(PerennialTopic.AUDIT, AuditEvent.class);
    subjectKeys = bind.topic(PerennialTopic.SUBJECT_KEYS, SubjectKey.class);
    bases = bind.topic(PerennialTopic.BASES, BaseAnnouncement.class);
    imports = bind.topic(PerennialTopic.IMPORTS, AdapterImport.class);
    jobOutcomes = bind.topic(PerennialTopic.JOB_OUTCOMES, JobGivenUp.class);
  }

  /**
   * The topics of {@code catalog}, with a registry client made from {@code serdeConfigs} ({@link
   * AvroSerdeConfig}'s keys: {@code schema.registry.url} and the rest).
   */
  public static Topics create(TopicCatalog catalog, Map<String, ?> serdeConfigs) {
    return new Topics(catalog, new AvroSerdeConfig(serdeConfigs).newRegistryClient(), serdeConfigs);
  }

  /**
   * The topics of {@code catalog} on {@code registry}; {@code serdeConfigs} may set the serdes'
   * other keys ({@code auto.register.schemas}, {@code use.latest.version}).
   */
  public static Topics create(
      TopicCatalog catalog, SchemaRegistryClient registry, Map<String, ?> serdeConfigs) {
    return new Topics(catalog, registry, serdeConfigs);
  }

  public Topic<String, Document> documents() {
    return documents;
  }

  public Topic<String, Feedback> feedback() {
    return feedback;
  }

  public Topic<String, ConsentChange> consent() {
    return consent;
  }

  public Topic<String, TrainingExample> examples() {
    return examples;
  }

  public Topic<String, RejectedRecord> rejected() {
    return rejected;
  }

  public Topic<String, ErasureRequest> erasures() {
    return erasures;
  }

  public Topic<String, TrainingJob> trainingJobs() {
    return trainingJobs;
  }

  public Topic<String, AdapterCandidate> candidates() {
    return candidates;
  }

  public Topic<String, EvaluationVerdict> verdicts() {
    return verdicts;
  }

  public Topic<String, AdapterRelease> releases() {
    return releases;
  }

  public Topic<String, AuditEvent> audit() {
    return audit;
  }

  /** The registry client every topic's serdes share: whether the registry answers tells it. */
  public SchemaRegistryClient registry() {
    return registry;
  }

  /** The subjects' wrapped data keys, by tenant/pseudonym; ingest is the one writer. */
  public Topic<String, SubjectKey> subjectKeys() {
    return subjectKeys;
  }

  /** Every topic, in {@link PerennialTopic}'s order. */
  public List<Topic<String, ? extends SpecificRecord>> all() {
    return List.of(
        documents,
        feedback,
        consent,
        examples,
        rejected,
        erasures,
        trainingJobs,
        candidates,
        verdicts,
        releases,
        audit,
        subjectKeys,
        bases,
        imports,
        jobOutcomes);
  }

  private record Binder(
      TopicCatalog catalog, SchemaRegistryClient registry, Map<String, ?> serdeConfigs) {

    <V extends SpecificRecord> Topic<String, V> topic(PerennialTopic topic, Class<V> type) {
      if (Contracts.recordType(topic) != type) {
        throw new IllegalStateException(
            topic
                + " carries "
                + Contracts.recordType(topic).getName()
                + ", not "
                + type.getName());
      }
      AvroSerde<V> values = AvroSerde.specific(type, registry);
      values.configure(serdeConfigs, false);
      return new Topic<>(catalog.name(topic), Serdes.String(), values);
    }
  }

  /** {@code bases.v1}: announced base models, keyed by name. */
  public Topic<String, BaseAnnouncement> bases() {
    return bases;
  }

  /** {@code imports.v1}: adapters imported as keys' starting points, keyed by adapter key. */
  public Topic<String, AdapterImport> imports() {
    return imports;
  }

  /**
   * {@code job-outcomes.v1}: jobs the trainer worker gave up on (failed on every attempt, or
   * skipped), keyed by adapter key.
   */
  public Topic<String, JobGivenUp> jobOutcomes() {
    return jobOutcomes;
  }
}
