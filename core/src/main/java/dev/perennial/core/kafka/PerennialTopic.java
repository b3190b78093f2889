package dev.perennial.core.kafka;

/**
 * Every topic of Perennial (DESIGN.md's table): the name after the configurable prefix, and how
 * long its records live. {@link TopicCatalog} turns these into full names and topic settings.
 */
public enum PerennialTopic {
  DOCUMENTS("documents.v1", Retention.STANDARD),
  FEEDBACK("feedback.v1", Retention.STANDARD),
  CONSENT("consent.v1", Retention.COMPACTED),
  EXAMPLES("examples.v1", Retention.LONG),
  REJECTED("rejected.v1", Retention.STANDARD),
  ERASURES("erasures.v1", Retention.LONG),
  TRAINING_JOBS("training-jobs.v1", Retention.STANDARD),
  CANDIDATES("candidates.v1", Retention.STANDARD),
  VERDICTS("verdicts.v1", Retention.STANDARD),
  RELEASES("releases.v1", Retention.COMPACTED),
  AUDIT("audit.v1", Retention.LONG),
  SUBJECT_KEYS("subject-keys.v1", Retention.SHREDDING),
  BASES("bases.v1", Retention.COMPACTED),
  IMPORTS("imports.v1", Retention.COMPACTED),
  JOB_OUTCOMES("job-outcomes.v1", Retention.LONG);

  /** How long a topic keeps its records. */
  public enum Retention {
    /** Deleted after {@code perennial.topic.retention.ms}. */
    STANDARD,
    /** Deleted after {@code perennial.topic.long.retention.ms} (forever by default). */
    LONG,
    /** Compacted: the latest record per key is kept forever. */
    COMPACTED,
    /**
     * Compacted so that a deleted key's records are gone within a bound: short segments and a
     * maximum compaction lag of {@code perennial.topic.keys.max.compaction.lag.ms} (the subjects'
     * data keys, which erasures delete).
     */
    SHREDDING
  }

  private final String suffix;
  private final Retention retention;

  PerennialTopic(String suffix, Retention retention) {
    this.suffix = suffix;
    this.retention = retention;
  }

  /** The topic's name without the prefix, for example {@code documents.v1}. */
  public String suffix() {
    return suffix;
  }

  public Retention retention() {
    return retention;
  }
}
