package dev.perennial.evaluator.gate;

/** The names of the evaluator's gates, as verdicts, reports and audit events show them. */
public final class GateNames {

  /** The candidate's files and data are readable, fit the base and belong to its key. */
  public static final String INTEGRITY = "integrity";

  /** The candidate was trained on the evaluator's base model. */
  public static final String BASE_MODEL = "base.model";

  /**
   * The candidate was trained with the tokenizer files of the evaluator's base (the digest its
   * recipe records as {@code baseTokenizerDigest}), which the base model's digest does not cover:
   * failed otherwise. Undecided when a release it is compared with (its incumbent; a REBASE
   * candidate's old release on the old base) was trained with other files than its base has now
   * ({@code releases.v1}'s {@code baseTokenizerDigest}).
   */
  public static final String BASE_TOKENIZER = "base.tokenizer";

  /** Every shard the candidate was trained on is still current (no erasure rewrote it since). */
  public static final String LINEAGE = "lineage.current";

  /**
   * A candidate that continued a release continued the key's stable release on its base as it is at
   * evaluation (not one rolled back, retracted or superseded since it was trained).
   */
  public static final String LINEAGE_PARENT = "lineage.parent";

  /**
   * Enough held-out examples in the key's pool to judge learning (fewer: insufficient evidence).
   */
  public static final String LEARNING_EXAMPLES = "learning.examples";

  /** Loss on the key's held-out pool enough below the base's. */
  public static final String LEARNING = "learning";

  /**
   * An update learnt its new data: loss on the candidate's own held-out examples enough below the
   * incumbent's (only for a candidate that continued the key's stable release: {@link
   * GateRules#learningIncumbentApplies}).
   */
  public static final String LEARNING_INCUMBENT = "learning.incumbent";

  /** General knowledge kept, against the base. */
  public static final String RETENTION_GENERAL = "retention.general";

  /** General knowledge not worse than the incumbent's beyond a tolerance. */
  public static final String REGRESSION_GENERAL = "regression.general";

  /** The key's earlier held-out examples not worse than under the incumbent beyond a tolerance. */
  public static final String REGRESSION_TENANT = "regression.tenant";

  /** No other tenant's canary exposed. */
  public static final String LEAKAGE = "leakage";

  /**
   * A REBASE candidate keeps the tenant's exact match: its right answers on the key's held-out
   * questions over the old release's on the old base, at least the method's share.
   */
  public static final String TRANSFER_TENANT = "transfer.tenant";

  /**
   * A REBASE candidate rarely breaks what the old release got right: the share of the old release's
   * right answers the candidate gets wrong (negative flips), at most a bound.
   */
  public static final String TRANSFER_FLIPS = "transfer.flips";

  /**
   * A candidate with insufficient evidence may roll its job's data into the key's next job: not
   * once too often, and never an ERASURE retrain or an IMPORT candidate (their jobs already hold
   * all of the key's data). A REBASE candidate has none: it already holds the key's whole held-out
   * pool and waits for it to grow instead ({@link GateRules#withRollover}).
   */
  public static final String EVIDENCE_ROLLOVER = "evidence.rollover";

  /**
   * Enough held-out preference pairs in the key's held-out pool to judge the feedback gates (fewer:
   * insufficient evidence); only for a key with any.
   */
  public static final String FEEDBACK_PAIRS = "feedback.pairs";

  /** Held-out pairs whose implicit reward margin against the reference is above 0: enough. */
  public static final String FEEDBACK_ACCURACY = "feedback.accuracy";

  /** The chosen answers not less likely than under the reference, beyond a tolerance. */
  public static final String FEEDBACK_CHOSEN = "feedback.chosen";

  /** The general set's argmax tokens differ from the reference's at few positions. */
  public static final String FEEDBACK_DRIFT = "feedback.drift";

  /** The greedy answers to the pairs' prompts neither much longer nor much shorter. */
  public static final String FEEDBACK_LENGTH = "feedback.length";

  private GateNames() {}
}
