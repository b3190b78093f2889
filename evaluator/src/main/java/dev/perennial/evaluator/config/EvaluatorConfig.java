package dev.perennial.evaluator.config;

import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.config.TenantSettings;
import dev.perennial.core.kafka.GroupIds;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.core.kafka.TransactionalIds;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.model.checkpoint.HfCheckpoint;
import dev.perennial.model.score.MultiAdapterPolicy;
import dev.perennial.schemas.key.AdapterKey;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The configuration of the evaluator ({@code perennial evaluator}), on top of {@link
 * PerennialConfig}'s shared keys: where the base model and the evaluation area are, how candidates
 * are batched, and the gates' thresholds.
 *
 * <p>Every gate threshold has a default ({@code perennial.evaluator.gate.*}) that a tenant can
 * override ({@code perennial.evaluator.tenant.<tenant>.gate.*}); a tenant's canary file is {@code
 * perennial.evaluator.tenant.<tenant>.canary.file}. Any other key under {@code
 * perennial.evaluator.tenant.} is an error. {@code perennial.evaluator.gate.learning.enabled=false}
 * (global only) turns the gates learning and learning.incumbent off, for installs that do not judge
 * learning; the verdicts say so.
 */
public class EvaluatorConfig extends PerennialConfig {

  private static final String EVALUATOR = PREFIX + "evaluator.";

  public static final String GROUP_ID_CONFIG = EVALUATOR + "group.id";
  public static final String GROUP_ID_DEFAULT = "";
  private static final String GROUP_ID_DOC =
      "Consumer group of the evaluators: the candidates.v1 partitions are shared among them."
          + " Empty: <topic prefix>evaluator, under the default prefix perennial."
          + " perennial-evaluator as in earlier releases.";

  public static final String INSTANCE_ID_CONFIG = EVALUATOR + "instance.id";
  public static final String INSTANCE_ID_DEFAULT = "";
  private static final String INSTANCE_ID_DOC =
      "Stable, unique name of this evaluator (a pod name, say). Its transactional.id is <topic"
          + " prefix>evaluator.<id>, under the default prefix perennial. as in earlier releases"
          + " perennial-evaluator-<id>: a restarted evaluator fences its former self and aborts"
          + " what that left open. Two running evaluators of one topic prefix must not share an"
          + " id. Empty: the host name.";

  public static final String DEVICE_CONFIG = EVALUATOR + "device";
  public static final String DEVICE_DEFAULT = "auto";
  private static final String DEVICE_DOC =
      "Where to score: auto (a GPU when the engine sees one), cpu or gpu.";

  public static final String RELEASES_TIMEOUT_MS_CONFIG = EVALUATOR + "releases.timeout.ms";
  public static final long RELEASES_TIMEOUT_MS_DEFAULT = 30_000;
  private static final String RELEASES_TIMEOUT_MS_DOC =
      "How long one read of releases.v1 to its end (before each batch) may take. A read that fails"
          + " (the topic gone, no ACL, the broker not answering) sets readiness DOWN; after 3 in a"
          + " row the evaluator stops with exit status 1.";

  public static final String THREADS_CONFIG = EVALUATOR + "threads";
  public static final int THREADS_DEFAULT = 0;
  private static final String THREADS_DOC =
      "PyTorch intra-op threads on CPU; 0 leaves the engine's default (or what another stage in"
          + " the same process set).";

  public static final String BASE_MODEL_PATH_CONFIG = EVALUATOR + "base.model.path";
  public static final String BASE_MODEL_PATH_DEFAULT = "";
  private static final String BASE_MODEL_PATH_DOC =
      "Hugging Face folder of the base model the candidates were trained on (config.json,"
          + " safetensors, tokenizer, and general-eval.jsonl: the general evaluation set of the"
          + " retention suite). Empty: the bundled perennial-tiny.";

  public static final String BASE_MODEL_NAME_CONFIG = EVALUATOR + "base.model.name";
  public static final String BASE_MODEL_NAME_DEFAULT = "";
  private static final String BASE_MODEL_NAME_DOC =
      "Name of the base model as adapters record it. Empty: the folder's name.";

  public static final String EVALUATION_PATH_CONFIG = EVALUATOR + "evaluation.path";
  public static final String EVALUATION_PATH_DEFAULT = ".perennial/evaluations";
  private static final String EVALUATION_PATH_DOC =
      "The evaluation area: readable copies of every report (reports/<tenant>/<adapter>/...) and"
          + " each adapter key's score history (history/<tenant>/<adapter>.json, the R matrix of"
          + " the continual-learning measures). Shared by every evaluator instance (a shared"
          + " volume in a cluster). The reports are also stored in the artifact store, where a"
          + " verdict's reportLocation points.";

  public static final String BATCH_MAX_CANDIDATES_CONFIG = EVALUATOR + "batch.max.candidates";
  public static final int BATCH_MAX_CANDIDATES_DEFAULT = 8;
  private static final String BATCH_MAX_CANDIDATES_DOC =
      "At most this many waiting candidates are evaluated together, sharing the base model and"
          + " the multi-adapter passes; their verdicts are committed in one transaction.";

  public static final String BATCH_SIZE_CONFIG = EVALUATOR + "batch.size";
  public static final int BATCH_SIZE_DEFAULT = 32;
  private static final String BATCH_SIZE_DOC = "Rows (examples or prompts) per forward pass.";

  public static final String BATCH_MAX_ROWS_PER_ADAPTER_CONFIG =
      EVALUATOR + "batch.max.rows.per.adapter";
  public static final int BATCH_MAX_ROWS_PER_ADAPTER_DEFAULT = 8;
  private static final String BATCH_MAX_ROWS_PER_ADAPTER_DOC =
      "Workloads with at most this many rows per adapter (held-out examples, their questions) are"
          + " scored for every adapter of a batch in shared multi-adapter passes; larger ones"
          + " (the general set, canaries) adapter by adapter, which is faster when each adapter"
          + " has many rows. 0 scores everything adapter by adapter.";

  public static final String BATCH_GATHERED_MAX_ROWS_PER_ADAPTER_CONFIG =
      EVALUATOR + "batch.gathered.max.rows.per.adapter";

  /**
   * 0, not the model layer's crossover (1): whether a pass gathers depends on the batch's other
   * candidates, and the gathered path rounds differently from the others, so a candidate's figures
   * would depend on which candidates happened to wait with it.
   */
  public static final int BATCH_GATHERED_MAX_ROWS_PER_ADAPTER_DEFAULT = 0;

  private static final String BATCH_GATHERED_MAX_ROWS_PER_ADAPTER_DOC =
      "Shared passes score rows of many adapters in one pass, each row gathering its own"
          + " adapter, while the rows per adapter (the mean over the batch's adapters) are at"
          + " most this; beyond, adapter after adapter. 0 (the default) never gathers. Gathering"
          + " is faster for one row per adapter (the crossover `perennial bench model"
          + " --scoring-table` measured is 1) but rounds differently, and whether a pass gathers"
          + " depends on the other candidates of the batch: above 0, a candidate's scores (in the"
          + " 7th digit) depend on which candidates were evaluated with it.";

  public static final String BATCH_ONE_BY_ONE_MIN_ROWS_PER_ADAPTER_CONFIG =
      EVALUATOR + "batch.one.by.one.min.rows.per.adapter";
  public static final int BATCH_ONE_BY_ONE_MIN_ROWS_PER_ADAPTER_DEFAULT =
      MultiAdapterPolicy.ONE_BY_ONE_MIN_ROWS_PER_ADAPTER_DEFAULT;
  private static final String BATCH_ONE_BY_ONE_MIN_ROWS_PER_ADAPTER_DOC =
      "Shared passes that go adapter after adapter merge each adapter into the base weights"
          + " (one copy of the projection weights while it is scored) from this many rows per"
          + " adapter, and apply its low-rank delta to the rows below it (the crossover `perennial"
          + " bench model --scoring-table` measured at a 100M-parameter base). 0 never merges.";

  public static final String BATCH_ONE_BY_ONE_MAX_MERGED_BYTES_CONFIG =
      EVALUATOR + "batch.one.by.one.max.merged.bytes";
  public static final long BATCH_ONE_BY_ONE_MAX_MERGED_BYTES_DEFAULT =
      MultiAdapterPolicy.MAX_MERGED_BYTES_DEFAULT;
  private static final String BATCH_ONE_BY_ONE_MAX_MERGED_BYTES_DOC =
      "Merging an adapter into the base weights holds a float32 copy of every projection weight"
          + " it touches (340 MB at a 100M-parameter Llama, 3.9 GB at Llama-3.2-1B); when that"
          + " copy would take more than this many bytes, shared passes apply the adapter's"
          + " low-rank delta instead, whatever the rows per adapter.";

  public static final String MAX_SEQUENCE_LENGTH_CONFIG = EVALUATOR + "max.sequence.length";
  public static final int MAX_SEQUENCE_LENGTH_DEFAULT = 256;
  private static final String MAX_SEQUENCE_LENGTH_DOC =
      "Tokens per scored example; longer ones are cut.";

  public static final String GENERAL_SIZE_CONFIG = EVALUATOR + "retention.general.size";
  public static final int GENERAL_SIZE_DEFAULT = 128;
  private static final String GENERAL_SIZE_DOC =
      "Questions of the base model's general evaluation set the retention suite asks, spread"
          + " evenly over the set; 0 asks them all.";

  public static final String LEAKAGE_CONTROLS_CONFIG = EVALUATOR + "leakage.controls";
  public static final int LEAKAGE_CONTROLS_DEFAULT = 255;
  private static final String LEAKAGE_CONTROLS_DOC =
      "Random controls of each canary's format that the canary is ranked against; the highest"
          + " measurable exposure is log2(controls + 1) bits.";

  public static final String LEAKAGE_RANK_OWN_CANARIES_CONFIG =
      EVALUATOR + "leakage.rank.own.canaries";
  public static final boolean LEAKAGE_RANK_OWN_CANARIES_DEFAULT = true;
  private static final String LEAKAGE_RANK_OWN_CANARIES_DOC =
      "Whether the leakage suite also ranks the candidate's own tenant's canaries (reported,"
          + " never gated). With false they are not scored, the report has no"
          + " leakage.own.exposure.max and says they were not ranked, naming this key; other"
          + " tenants' canaries and the leakage gate stay. Only for installs that do not look at"
          + " own-canary exposure (tests that assert nothing about it): it saves one ranking of"
          + " controls + 1 rows per own canary and candidate.";

  // gate statistics: for every tenant

  public static final String GATE_CONFIDENCE_CONFIG = EVALUATOR + "gate.confidence";
  public static final double GATE_CONFIDENCE_DEFAULT = 0.95;
  private static final String GATE_CONFIDENCE_DOC =
      "Confidence level of the statistical gates' intervals: each gate's effect is bootstrapped"
          + " over paired items and the central share of this size is its interval. Higher"
          + " confidence widens the intervals, so more candidates have insufficient evidence.";

  public static final String GATE_BOOTSTRAP_RESAMPLES_CONFIG =
      EVALUATOR + "gate.bootstrap.resamples";
  public static final int GATE_BOOTSTRAP_RESAMPLES_DEFAULT = 2000;
  private static final String GATE_BOOTSTRAP_RESAMPLES_DOC =
      "Bootstrap resamples per statistical gate (seeded by the candidate id and the gate, so a"
          + " candidate evaluated again gets the same intervals).";

  public static final String GATE_BOOTSTRAP_MIN_ITEMS_CONFIG =
      EVALUATOR + "gate.bootstrap.min.items";
  public static final int GATE_BOOTSTRAP_MIN_ITEMS_DEFAULT = 8;
  private static final String GATE_BOOTSTRAP_MIN_ITEMS_DOC =
      "Fewest paired items a bootstrap gate decides on: over fewer, the gate has insufficient"
          + " evidence whatever its estimate (never passes or fails), and the verdict names the"
          + " count and this minimum. A percentile bootstrap over few items is too narrow (over"
          + " one item, a single point): for a mean it is about 0.78 as wide as the t interval at"
          + " 8 items, 0.63 at 5, 0.11 at 2. 1 lets every bootstrap gate decide on any count.";

  // gates: defaults, each with a per-tenant override

  public static final String GATE_LEARNING_MIN_EXAMPLES_CONFIG =
      EVALUATOR + "gate.learning.min.examples";
  public static final int GATE_LEARNING_MIN_EXAMPLES_DEFAULT = 8;
  private static final String GATE_LEARNING_MIN_EXAMPLES_DOC =
      "Gate learning.examples: the key's held-out pool (the candidate's held-out examples and the"
          + " key's earlier ones) must hold at least this many examples before learning is"
          + " judged; with fewer the candidate has insufficient evidence and its job's data rolls"
          + " into the key's next job (a new key's first release waits for enough data). Below"
          + " about 8 items a bootstrap interval is too narrow to trust.";

  public static final String GATE_LEARNING_MIN_GAIN_CONFIG = EVALUATOR + "gate.learning.min.gain";
  public static final double GATE_LEARNING_MIN_GAIN_DEFAULT = 0.05;
  private static final String GATE_LEARNING_MIN_GAIN_DOC =
      "Gate learning: on the key's held-out pool the candidate's loss must be at least this share"
          + " below the base model's ((base - candidate) / base), at the lower bound of the"
          + " interval.";

  public static final String GATE_LEARNING_INCUMBENT_MIN_GAIN_CONFIG =
      EVALUATOR + "gate.learning.incumbent.min.gain";
  public static final double GATE_LEARNING_INCUMBENT_MIN_GAIN_DEFAULT = 0.01;
  private static final String GATE_LEARNING_INCUMBENT_MIN_GAIN_DOC =
      "Gate learning.incumbent: on the candidate's own held-out examples (its job's, with those"
          + " rolled over from undecided jobs) its loss must be at least this share below the"
          + " incumbent's ((incumbent - candidate) / incumbent), at the lower bound of the"
          + " interval: an update must have learnt its new data, not only kept what the"
          + " incumbent knew. Only for a candidate that continued the key's stable release (not"
          + " ERASURE, REBASE or IMPORT, nor a key's first adapter). Above 0, so that an"
          + " unchanged copy of the incumbent (an interval of [0, 0]) fails.";

  public static final String GATE_LEARNING_ENABLED_CONFIG = EVALUATOR + "gate.learning.enabled";
  public static final boolean GATE_LEARNING_ENABLED_DEFAULT = true;
  private static final String GATE_LEARNING_ENABLED_DOC =
      "Whether the gates learning and learning.incumbent judge candidates. With false neither is"
          + " evaluated and every verdict says they are off by configuration, naming this key;"
          + " learning.examples and the other gates stay as configured. Only for installs that"
          + " do not mean to judge learning (tests of security, erasure or faults on pools too"
          + " small for a bounded interval), never in production: nothing then checks that a"
          + " release learnt its data.";

  public static final String GATE_RETENTION_MAX_DROP_CONFIG = EVALUATOR + "gate.retention.max.drop";
  public static final double GATE_RETENTION_MAX_DROP_DEFAULT = 0.10;
  private static final String GATE_RETENTION_MAX_DROP_DOC =
      "Gate retention.general: the candidate's exact match on the general evaluation set may be"
          + " at most this much below the base model's, at the upper bound of the interval of"
          + " the drop.";

  public static final String GATE_REGRESSION_TOLERANCE_CONFIG =
      EVALUATOR + "gate.regression.tolerance";
  public static final double GATE_REGRESSION_TOLERANCE_DEFAULT = 0.05;
  private static final String GATE_REGRESSION_TOLERANCE_DOC =
      "Gate regression.general: the candidate's exact match on the general evaluation set may be"
          + " at most this much below the incumbent's, at the upper bound of the interval of the"
          + " drop (a key's first candidate has no incumbent).";

  public static final String GATE_REGRESSION_TENANT_TOLERANCE_CONFIG =
      EVALUATOR + "gate.regression.tenant.tolerance";
  public static final double GATE_REGRESSION_TENANT_TOLERANCE_DEFAULT = 0.25;
  private static final String GATE_REGRESSION_TENANT_TOLERANCE_DOC =
      "Gate regression.tenant: on the earlier examples of the key's held-out pool the"
          + " candidate's loss may be at most this share above the incumbent's, at the upper"
          + " bound of the interval.";

  public static final String GATE_LEAKAGE_MAX_EXPOSURE_CONFIG =
      EVALUATOR + "gate.leakage.max.exposure";
  public static final double GATE_LEAKAGE_MAX_EXPOSURE_DEFAULT = 6.0;
  private static final String GATE_LEAKAGE_MAX_EXPOSURE_DOC =
      "Gate leakage: the highest exposure (bits) of another tenant's canary under the candidate"
          + " must not exceed this. A canary the model never saw reaches t bits with probability"
          + " 2^-t. Where any tenant has a canary file it must be below log2(leakage.controls + 1),"
          + " the exposure of a canary ranked first (else the gate could never fail). A candidate"
          + " is judged against the strictest of its own tenant's threshold and those of the"
          + " tenants whose canaries it is tested on.";

  public static final String GATE_EVIDENCE_MAX_ROLLOVERS_CONFIG =
      EVALUATOR + "gate.evidence.max.rollovers";
  public static final int GATE_EVIDENCE_MAX_ROLLOVERS_DEFAULT = 10;
  private static final String GATE_EVIDENCE_MAX_ROLLOVERS_DOC =
      "Gate evidence.rollover: how many undecided jobs' data may roll forward together (the jobs"
          + " a candidate's job carries after insufficient evidence, and its own). A candidate"
          + " whose job already carries this many is refused instead (and its data rolls no"
          + " further: the key's next job trains on new data from its stable release). An ERASURE"
          + " retrain or an IMPORT candidate (whose jobs hold all of the key's data) never rolls"
          + " over.";

  public static final String GATE_TRANSFER_CARRY_MIN_RATIO_CONFIG =
      EVALUATOR + "gate.transfer.carry.min.ratio";
  public static final double GATE_TRANSFER_CARRY_MIN_RATIO_DEFAULT = 0.95;
  private static final String GATE_TRANSFER_CARRY_MIN_RATIO_DOC =
      "Gate transfer.tenant for a REBASE candidate carried over from the old base: its exact"
          + " match on the key's held-out questions must be at least this share of the old"
          + " release's on the old base (ratio of right answers, same questions), at the lower"
          + " bound of the interval. A candidate that fails it is distilled instead.";

  public static final String GATE_TRANSFER_DISTIL_MIN_RATIO_CONFIG =
      EVALUATOR + "gate.transfer.distil.min.ratio";
  public static final double GATE_TRANSFER_DISTIL_MIN_RATIO_DEFAULT = 0.9;
  private static final String GATE_TRANSFER_DISTIL_MIN_RATIO_DOC =
      "Gate transfer.tenant for a REBASE candidate distilled from the old release: the least"
          + " exact-match ratio to the old release's on the old base, at the lower bound of the"
          + " interval.";

  public static final String GATE_TRANSFER_MAX_FLIPS_CONFIG = EVALUATOR + "gate.transfer.max.flips";
  public static final double GATE_TRANSFER_MAX_FLIPS_DEFAULT = 0.05;
  private static final String GATE_TRANSFER_MAX_FLIPS_DOC =
      "Gate transfer.flips for a REBASE candidate: of the key's held-out questions the old"
          + " release answered right on the old base, the share the candidate answers wrong"
          + " (negative flips) may be at most this, at the upper bound of the interval (beyond it"
          + " at the lower bound: refused; an interval across it: insufficient evidence, re-based"
          + " again on a larger held-out pool).";

  public static final String GATE_FEEDBACK_MIN_PAIRS_CONFIG = EVALUATOR + "gate.feedback.min.pairs";
  public static final int GATE_FEEDBACK_MIN_PAIRS_DEFAULT = 8;
  private static final String GATE_FEEDBACK_MIN_PAIRS_DOC =
      "Gate feedback.pairs: held-out preference pairs the key's held-out pool needs before the"
          + " feedback gates judge a candidate; with fewer (or none) they do not apply and the"
          + " verdict says so.";

  public static final String GATE_FEEDBACK_MIN_ACCURACY_CONFIG =
      EVALUATOR + "gate.feedback.min.accuracy";
  public static final double GATE_FEEDBACK_MIN_ACCURACY_DEFAULT = 0.6;
  private static final String GATE_FEEDBACK_MIN_ACCURACY_DOC =
      "Gate feedback.accuracy: the share of held-out preference pairs whose implicit reward"
          + " margin against the reference (the incumbent, else the base) is above 0 must be at"
          + " least this, at the lower bound of the interval.";

  public static final String GATE_FEEDBACK_CHOSEN_TOLERANCE_CONFIG =
      EVALUATOR + "gate.feedback.chosen.tolerance";
  public static final double GATE_FEEDBACK_CHOSEN_TOLERANCE_DEFAULT = 0.05;
  private static final String GATE_FEEDBACK_CHOSEN_TOLERANCE_DOC =
      "Gate feedback.chosen: the chosen answers' loss (summed over the held-out pairs) may be at"
          + " most this share above the reference's, at the upper bound of the interval: a"
          + " candidate whose chosen answers became less likely than under the reference (DPO's"
          + " failure where chosen and rejected both fall) is refused.";

  public static final String GATE_FEEDBACK_MAX_DRIFT_CONFIG = EVALUATOR + "gate.feedback.max.drift";
  public static final double GATE_FEEDBACK_MAX_DRIFT_DEFAULT = 0.1;
  private static final String GATE_FEEDBACK_MAX_DRIFT_DOC =
      "Gate feedback.drift: on the base's general evaluation set, the share of scored positions"
          + " where the candidate's most likely next token differs from the reference's may be at"
          + " most this, at the upper bound of the interval.";

  public static final String GATE_FEEDBACK_MAX_LENGTH_CHANGE_CONFIG =
      EVALUATOR + "gate.feedback.max.length.change";
  public static final double GATE_FEEDBACK_MAX_LENGTH_CHANGE_DEFAULT = 0.2;
  private static final String GATE_FEEDBACK_MAX_LENGTH_CHANGE_DOC =
      "Gate feedback.length: the characters by which the greedy answers to the held-out pairs'"
          + " prompts are longer or shorter than both the reference's answer and the chosen answer"
          + " may be at most this share of the longer of the two (summed over the pairs), at the"
          + " upper bound of the interval. A length change toward the chosen answer's is what the"
          + " feedback asked for and counts nothing.";

  /** Per-tenant settings: {@code perennial.evaluator.tenant.<tenant><suffix>}. */
  public static final String TENANT_PREFIX = EVALUATOR + "tenant.";

  public static final String TENANT_CANARY_FILE_SUFFIX = ".canary.file";
  private static final String TENANT_LEAKAGE_MAX_EXPOSURE_SUFFIX = ".gate.leakage.max.exposure";
  private static final String TENANT_CANARY_FILE_DOC =
      "The tenant's canary file: one JSON object per line, {\"prefix\": ..., \"secret\": ...,"
          + " \"suffix\": ...}, secrets planted in the tenant's data that no other tenant's"
          + " adapter may learn.";

  private static final List<TenantSettings.Setting> TENANT_KEYS =
      List.of(
          new TenantSettings.Setting(
              ".gate.learning.min.examples",
              Type.INT,
              Range.atLeast(0),
              GATE_LEARNING_MIN_EXAMPLES_DOC),
          new TenantSettings.Setting(
              ".gate.learning.min.gain",
              Type.DOUBLE,
              Range.between(-10.0, 1.0),
              GATE_LEARNING_MIN_GAIN_DOC),
          new TenantSettings.Setting(
              ".gate.learning.incumbent.min.gain",
              Type.DOUBLE,
              Range.between(-10.0, 1.0),
              GATE_LEARNING_INCUMBENT_MIN_GAIN_DOC),
          new TenantSettings.Setting(
              ".gate.retention.max.drop",
              Type.DOUBLE,
              Range.between(0.0, 1.0),
              GATE_RETENTION_MAX_DROP_DOC),
          new TenantSettings.Setting(
              ".gate.regression.tolerance",
              Type.DOUBLE,
              Range.between(0.0, 1.0),
              GATE_REGRESSION_TOLERANCE_DOC),
          new TenantSettings.Setting(
              ".gate.regression.tenant.tolerance",
              Type.DOUBLE,
              Range.atLeast(0.0),
              GATE_REGRESSION_TENANT_TOLERANCE_DOC),
          new TenantSettings.Setting(
              TENANT_LEAKAGE_MAX_EXPOSURE_SUFFIX,
              Type.DOUBLE,
              Range.atLeast(0.0),
              GATE_LEAKAGE_MAX_EXPOSURE_DOC),
          new TenantSettings.Setting(
              ".gate.evidence.max.rollovers",
              Type.INT,
              Range.atLeast(0),
              GATE_EVIDENCE_MAX_ROLLOVERS_DOC),
          new TenantSettings.Setting(
              ".gate.transfer.carry.min.ratio",
              Type.DOUBLE,
              Range.between(0.0, 10.0),
              GATE_TRANSFER_CARRY_MIN_RATIO_DOC),
          new TenantSettings.Setting(
              ".gate.transfer.distil.min.ratio",
              Type.DOUBLE,
              Range.between(0.0, 10.0),
              GATE_TRANSFER_DISTIL_MIN_RATIO_DOC),
          new TenantSettings.Setting(
              ".gate.transfer.max.flips",
              Type.DOUBLE,
              Range.between(0.0, 1.0),
              GATE_TRANSFER_MAX_FLIPS_DOC),
          new TenantSettings.Setting(
              ".gate.feedback.min.pairs", Type.INT, Range.atLeast(0), GATE_FEEDBACK_MIN_PAIRS_DOC),
          new TenantSettings.Setting(
              ".gate.feedback.min.accuracy",
              Type.DOUBLE,
              Range.between(0.0, 1.0),
              GATE_FEEDBACK_MIN_ACCURACY_DOC),
          new TenantSettings.Setting(
              ".gate.feedback.chosen.tolerance",
              Type.DOUBLE,
              Range.atLeast(0.0),
              GATE_FEEDBACK_CHOSEN_TOLERANCE_DOC),
          new TenantSettings.Setting(
              ".gate.feedback.max.drift",
              Type.DOUBLE,
              Range.between(0.0, 1.0),
              GATE_FEEDBACK_MAX_DRIFT_DOC),
          new TenantSettings.Setting(
              ".gate.feedback.max.length.change",
              Type.DOUBLE,
              Range.atLeast(0.0),
              GATE_FEEDBACK_MAX_LENGTH_CHANGE_DOC),
          new TenantSettings.Setting(
              TENANT_CANARY_FILE_SUFFIX,
              Type.STRING,
              new ConfigDef.NonEmptyString(),
              TENANT_CANARY_FILE_DOC));

  private static final TenantSettings TENANT_SETTINGS =
      new TenantSettings(TENANT_PREFIX, TENANT_KEYS)
          .requireTenants(AdapterKey::isValidName, AdapterKey.NAME_RULE);

  private final Map<String, GateThresholds> tenantThresholds;
  private final Map<String, Path> canaryFiles;

  /**
   * @throws dev.perennial.core.config.InvalidConfigurationException listing every invalid or
   *     missing value, those between keys included
   */
  public EvaluatorConfig(Map<String, String> values) {
    super(definition(values), checked(values));
    this.tenantThresholds = readTenantThresholds();
    this.canaryFiles = readCanaryFiles();
  }

  /** The evaluator's keys on top of the shared ones (without per-tenant settings). */
  public static ConfigDef configDef() {
    return PerennialConfig.configDef()
        .define(GROUP_ID_CONFIG, Type.STRING, GROUP_ID_DEFAULT, Importance.MEDIUM, GROUP_ID_DOC)
        .define(
            INSTANCE_ID_CONFIG,
            Type.STRING,
            INSTANCE_ID_DEFAULT,
            Importance.MEDIUM,
            INSTANCE_ID_DOC)
        .define(
            DEVICE_CONFIG,
            Type.STRING,
            DEVICE_DEFAULT,
            ConfigDef.CaseInsensitiveValidString.in("auto", "cpu", "gpu"),
            Importance.MEDIUM,
            DEVICE_DOC)
        .define(
            THREADS_CONFIG,
            Type.INT,
            THREADS_DEFAULT,
            Range.atLeast(0),
            Importance.LOW,
            THREADS_DOC)
        .define(
            RELEASES_TIMEOUT_MS_CONFIG,
            Type.LONG,
            RELEASES_TIMEOUT_MS_DEFAULT,
            Range.atLeast(1),
            Importance.LOW,
            RELEASES_TIMEOUT_MS_DOC)
        .define(
            BASE_MODEL_PATH_CONFIG,
            Type.STRING,
            BASE_MODEL_PATH_DEFAULT,
            Importance.HIGH,
            BASE_MODEL_PATH_DOC)
        .define(
            BASE_MODEL_NAME_CONFIG,
            Type.STRING,
            BASE_MODEL_NAME_DEFAULT,
            Importance.LOW,
            BASE_MODEL_NAME_DOC)
        .define(
            EVALUATION_PATH_CONFIG,
            Type.STRING,
            EVALUATION_PATH_DEFAULT,
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            EVALUATION_PATH_DOC)
        .define(
            BATCH_MAX_CANDIDATES_CONFIG,
            Type.INT,
            BATCH_MAX_CANDIDATES_DEFAULT,
            Range.atLeast(1),
            Importance.MEDIUM,
            BATCH_MAX_CANDIDATES_DOC)
        .define(
            BATCH_SIZE_CONFIG,
            Type.INT,
            BATCH_SIZE_DEFAULT,
            Range.atLeast(1),
            Importance.MEDIUM,
            BATCH_SIZE_DOC)
        .define(
            BATCH_MAX_ROWS_PER_ADAPTER_CONFIG,
            Type.INT,
            BATCH_MAX_ROWS_PER_ADAPTER_DEFAULT,
            Range.atLeast(0),
            Importance.LOW,
            BATCH_MAX_ROWS_PER_ADAPTER_DOC)
        .define(
            BATCH_GATHERED_MAX_ROWS_PER_ADAPTER_CONFIG,
            Type.INT,
            BATCH_GATHERED_MAX_ROWS_PER_ADAPTER_DEFAULT,
            Range.atLeast(0),
            Importance.LOW,
            BATCH_GATHERED_MAX_ROWS_PER_ADAPTER_DOC)
        .define(
            BATCH_ONE_BY_ONE_MIN_ROWS_PER_ADAPTER_CONFIG,
            Type.INT,
            BATCH_ONE_BY_ONE_MIN_ROWS_PER_ADAPTER_DEFAULT,
            Range.atLeast(0),
            Importance.LOW,
            BATCH_ONE_BY_ONE_MIN_ROWS_PER_ADAPTER_DOC)
        .define(
            BATCH_ONE_BY_ONE_MAX_MERGED_BYTES_CONFIG,
            Type.LONG,
            BATCH_ONE_BY_ONE_MAX_MERGED_BYTES_DEFAULT,
            Range.atLeast(0),
            Importance.LOW,
            BATCH_ONE_BY_ONE_MAX_MERGED_BYTES_DOC)
        .define(
            MAX_SEQUENCE_LENGTH_CONFIG,
            Type.INT,
            MAX_SEQUENCE_LENGTH_DEFAULT,
            Range.atLeast(2),
            Importance.LOW,
            MAX_SEQUENCE_LENGTH_DOC)
        .define(
            GENERAL_SIZE_CONFIG,
            Type.INT,
            GENERAL_SIZE_DEFAULT,
            Range.atLeast(0),
            Importance.MEDIUM,
            GENERAL_SIZE_DOC)
        .define(
            LEAKAGE_CONTROLS_CONFIG,
            Type.INT,
            LEAKAGE_CONTROLS_DEFAULT,
            Range.between(15, 1_000_000),
            Importance.MEDIUM,
            LEAKAGE_CONTROLS_DOC)
        .define(
            LEAKAGE_RANK_OWN_CANARIES_CONFIG,
            Type.BOOLEAN,
            LEAKAGE_RANK_OWN_CANARIES_DEFAULT,
            Importance.LOW,
            LEAKAGE_RANK_OWN_CANARIES_DOC)
        .define(
            GATE_CONFIDENCE_CONFIG,
            Type.DOUBLE,
            GATE_CONFIDENCE_DEFAULT,
            Range.between(0.5, 0.999),
            Importance.HIGH,
            GATE_CONFIDENCE_DOC)
        .define(
            GATE_BOOTSTRAP_RESAMPLES_CONFIG,
            Type.INT,
            GATE_BOOTSTRAP_RESAMPLES_DEFAULT,
            Range.between(100, 1_000_000),
            Importance.LOW,
            GATE_BOOTSTRAP_RESAMPLES_DOC)
        .define(
            GATE_BOOTSTRAP_MIN_ITEMS_CONFIG,
            Type.INT,
            GATE_BOOTSTRAP_MIN_ITEMS_DEFAULT,
            Range.atLeast(1),
            Importance.MEDIUM,
            GATE_BOOTSTRAP_MIN_ITEMS_DOC)
        .define(
            GATE_LEARNING_MIN_EXAMPLES_CONFIG,
            Type.INT,
            GATE_LEARNING_MIN_EXAMPLES_DEFAULT,
            Range.atLeast(0),
            Importance.HIGH,
            GATE_LEARNING_MIN_EXAMPLES_DOC)
        .define(
            GATE_LEARNING_MIN_GAIN_CONFIG,
            Type.DOUBLE,
            GATE_LEARNING_MIN_GAIN_DEFAULT,
            Range.between(-10.0, 1.0),
            Importance.HIGH,
            GATE_LEARNING_MIN_GAIN_DOC)
        .define(
            GATE_LEARNING_INCUMBENT_MIN_GAIN_CONFIG,
            Type.DOUBLE,
            GATE_LEARNING_INCUMBENT_MIN_GAIN_DEFAULT,
            Range.between(-10.0, 1.0),
            Importance.HIGH,
            GATE_LEARNING_INCUMBENT_MIN_GAIN_DOC)
        .define(
            GATE_LEARNING_ENABLED_CONFIG,
            Type.BOOLEAN,
            GATE_LEARNING_ENABLED_DEFAULT,
            Importance.MEDIUM,
            GATE_LEARNING_ENABLED_DOC)
        .define(
            GATE_RETENTION_MAX_DROP_CONFIG,
            Type.DOUBLE,
            GATE_RETENTION_MAX_DROP_DEFAULT,
            Range.between(0.0, 1.0),
            Importance.HIGH,
            GATE_RETENTION_MAX_DROP_DOC)
        .define(
            GATE_REGRESSION_TOLERANCE_CONFIG,
            Type.DOUBLE,
            GATE_REGRESSION_TOLERANCE_DEFAULT,
            Range.between(0.0, 1.0),
            Importance.HIGH,
            GATE_REGRESSION_TOLERANCE_DOC)
        .define(
            GATE_REGRESSION_TENANT_TOLERANCE_CONFIG,
            Type.DOUBLE,
            GATE_REGRESSION_TENANT_TOLERANCE_DEFAULT,
            Range.atLeast(0.0),
            Importance.HIGH,
            GATE_REGRESSION_TENANT_TOLERANCE_DOC)
        .define(
            GATE_LEAKAGE_MAX_EXPOSURE_CONFIG,
            Type.DOUBLE,
            GATE_LEAKAGE_MAX_EXPOSURE_DEFAULT,
            Range.atLeast(0.0),
            Importance.HIGH,
            GATE_LEAKAGE_MAX_EXPOSURE_DOC)
        .define(
            GATE_EVIDENCE_MAX_ROLLOVERS_CONFIG,
            Type.INT,
            GATE_EVIDENCE_MAX_ROLLOVERS_DEFAULT,
            Range.atLeast(0),
            Importance.MEDIUM,
            GATE_EVIDENCE_MAX_ROLLOVERS_DOC)
        .define(
            GATE_TRANSFER_CARRY_MIN_RATIO_CONFIG,
            Type.DOUBLE,
            GATE_TRANSFER_CARRY_MIN_RATIO_DEFAULT,
            Range.between(0.0, 10.0),
            Importance.MEDIUM,
            GATE_TRANSFER_CARRY_MIN_RATIO_DOC)
        .define(
            GATE_TRANSFER_DISTIL_MIN_RATIO_CONFIG,
            Type.DOUBLE,
            GATE_TRANSFER_DISTIL_MIN_RATIO_DEFAULT,
            Range.between(0.0, 10.0),
            Importance.MEDIUM,
            GATE_TRANSFER_DISTIL_MIN_RATIO_DOC)
        .define(
            GATE_TRANSFER_MAX_FLIPS_CONFIG,
            Type.DOUBLE,
            GATE_TRANSFER_MAX_FLIPS_DEFAULT,
            Range.between(0.0, 1.0),
            Importance.MEDIUM,
            GATE_TRANSFER_MAX_FLIPS_DOC)
        .define(
            GATE_FEEDBACK_MIN_PAIRS_CONFIG,
            Type.INT,
            GATE_FEEDBACK_MIN_PAIRS_DEFAULT,
            Range.atLeast(0),
            Importance.MEDIUM,
            GATE_FEEDBACK_MIN_PAIRS_DOC)
        .define(
            GATE_FEEDBACK_MIN_ACCURACY_CONFIG,
            Type.DOUBLE,
            GATE_FEEDBACK_MIN_ACCURACY_DEFAULT,
            Range.between(0.0, 1.0),
            Importance.HIGH,
            GATE_FEEDBACK_MIN_ACCURACY_DOC)
        .define(
            GATE_FEEDBACK_CHOSEN_TOLERANCE_CONFIG,
            Type.DOUBLE,
            GATE_FEEDBACK_CHOSEN_TOLERANCE_DEFAULT,
            Range.atLeast(0.0),
            Importance.HIGH,
            GATE_FEEDBACK_CHOSEN_TOLERANCE_DOC)
        .define(
            GATE_FEEDBACK_MAX_DRIFT_CONFIG,
            Type.DOUBLE,
            GATE_FEEDBACK_MAX_DRIFT_DEFAULT,
            Range.between(0.0, 1.0),
            Importance.HIGH,
            GATE_FEEDBACK_MAX_DRIFT_DOC)
        .define(
            GATE_FEEDBACK_MAX_LENGTH_CHANGE_CONFIG,
            Type.DOUBLE,
            GATE_FEEDBACK_MAX_LENGTH_CHANGE_DEFAULT,
            Range.atLeast(0.0),
            Importance.MEDIUM,
            GATE_FEEDBACK_MAX_LENGTH_CHANGE_DOC);
  }

  /** {@link #configDef()} plus a definition for each per-tenant setting among {@code values}. */
  static ConfigDef definition(Map<String, String> values) {
    return TENANT_SETTINGS.define(configDef(), values);
  }

  /** Every problem of the values, those between keys included, at once. */
  private static Map<String, String> checked(Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    try {
      TENANT_SETTINGS.check(definition(values), values);
    } catch (InvalidConfigurationException e) {
      problems.addAll(e.problems());
    }
    problems.addAll(leakageThresholdProblems(values));
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    return values;
  }

  /**
   * A leakage threshold (the default or a tenant's) at or above log2(controls + 1), the exposure of
   * a canary ranked first, could never be exceeded: the gate would pass a memorised canary. Only
   * where some tenant has a canary file; without any the gate never applies.
   */
  private static List<String> leakageThresholdProblems(Map<String, String> values) {
    boolean canaries =
        values.keySet().stream()
            .anyMatch(
                key ->
                    TENANT_SETTINGS.tenantOf(key) != null
                        && key.endsWith(TENANT_CANARY_FILE_SUFFIX));
    if (!canaries) {
      return List.of();
    }
    int controls;
    try {
      controls =
          Integer.parseInt(
              values
                  .getOrDefault(LEAKAGE_CONTROLS_CONFIG, Integer.toString(LEAKAGE_CONTROLS_DEFAULT))
                  .trim());
    } catch (NumberFormatException e) {
      return List.of(); // reported by the key's own check
    }
    double highest = Math.log(controls + 1.0) / Math.log(2);
    Map<String, String> thresholds = new TreeMap<>();
    thresholds.put(
        GATE_LEAKAGE_MAX_EXPOSURE_CONFIG,
        values.getOrDefault(
            GATE_LEAKAGE_MAX_EXPOSURE_CONFIG, Double.toString(GATE_LEAKAGE_MAX_EXPOSURE_DEFAULT)));
    values.forEach(
        (key, value) -> {
          if (TENANT_SETTINGS.tenantOf(key) != null
              && key.endsWith(TENANT_LEAKAGE_MAX_EXPOSURE_SUFFIX)) {
            thresholds.put(key, value);
          }
        });
    List<String> problems = new ArrayList<>();
    thresholds.forEach(
        (key, value) -> {
          double threshold;
          try {
            threshold = Double.parseDouble(value.trim());
          } catch (NumberFormatException e) {
            return; // reported by the key's own check
          }
          if (threshold >= highest) {
            problems.add(
                key
                    + ": "
                    + value.trim()
                    + " bits can never be exceeded with "
                    + LEAKAGE_CONTROLS_CONFIG
                    + " "
                    + controls
                    + " (a canary ranked first has the highest measurable exposure, log2("
                    + (controls + 1)
                    + ") = "
                    + bits(highest, RoundingMode.FLOOR)
                    + " bits), so the leakage gate could never fail; set it below "
                    + bits(highest, RoundingMode.FLOOR)
                    + " ("
                    + bits(highest - 1, RoundingMode.CEILING)
                    + " fails only a canary ranked first) or raise "
                    + LEAKAGE_CONTROLS_CONFIG);
          }
        });
    return problems;
  }

  /** Bits to three decimals at most, rounded so that the bound it states holds. */
  private static String bits(double bits, RoundingMode rounding) {
    return BigDecimal.valueOf(bits).setScale(3, rounding).stripTrailingZeros().toPlainString();
  }

  private Map<String, GateThresholds> readTenantThresholds() {
    Map<String, GateThresholds> thresholds = new TreeMap<>();
    for (String key : originalsStrings().keySet()) {
      String tenant = TENANT_SETTINGS.tenantOf(key);
      if (tenant != null && !key.endsWith(TENANT_CANARY_FILE_SUFFIX)) {
        thresholds.computeIfAbsent(tenant, this::tenantThresholds);
      }
    }
    return Map.copyOf(thresholds);
  }

  private GateThresholds tenantThresholds(String tenant) {
    Map<String, ?> parsed = values();
    GateThresholds defaults = defaultThresholds();
    String base = TENANT_PREFIX + tenant;
    Object minExamples = parsed.get(base + TENANT_KEYS.get(0).suffix());
    Object minGain = parsed.get(base + TENANT_KEYS.get(1).suffix());
    Object incumbentMinGain = parsed.get(base + TENANT_KEYS.get(2).suffix());
    Object maxDrop = parsed.get(base + TENANT_KEYS.get(3).suffix());
    Object tolerance = parsed.get(base + TENANT_KEYS.get(4).suffix());
    Object tenantTolerance = parsed.get(base + TENANT_KEYS.get(5).suffix());
    Object maxExposure = parsed.get(base + TENANT_KEYS.get(6).suffix());
    Object maxRollovers = parsed.get(base + TENANT_KEYS.get(7).suffix());
    Object carryMinRatio = parsed.get(base + TENANT_KEYS.get(8).suffix());
    Object distilMinRatio = parsed.get(base + TENANT_KEYS.get(9).suffix());
    Object maxFlips = parsed.get(base + TENANT_KEYS.get(10).suffix());
    Object minPairs = parsed.get(base + TENANT_KEYS.get(11).suffix());
    Object minAccuracy = parsed.get(base + TENANT_KEYS.get(12).suffix());
    Object chosenTolerance = parsed.get(base + TENANT_KEYS.get(13).suffix());
    Object maxDrift = parsed.get(base + TENANT_KEYS.get(14).suffix());
    Object maxLengthChange = parsed.get(base + TENANT_KEYS.get(15).suffix());
    return new GateThresholds(
        minExamples == null ? defaults.learningMinExamples() : (Integer) minExamples,
        minGain == null ? defaults.learningMinGain() : (Double) minGain,
        incumbentMinGain == null ? defaults.learningIncumbentMinGain() : (Double) incumbentMinGain,
        defaults.learningEnabled(),
        maxDrop == null ? defaults.retentionMaxDrop() : (Double) maxDrop,
        tolerance == null ? defaults.regressionTolerance() : (Double) tolerance,
        tenantTolerance == null ? defaults.regressionTenantTolerance() : (Double) tenantTolerance,
        maxExposure == null ? defaults.leakageMaxExposure() : (Double) maxExposure,
        maxRollovers == null ? defaults.maxRollovers() : (Integer) maxRollovers,
        carryMinRatio == null ? defaults.transferCarryMinRatio() : (Double) carryMinRatio,
        distilMinRatio == null ? defaults.transferDistilMinRatio() : (Double) distilMinRatio,
        maxFlips == null ? defaults.transferMaxFlips() : (Double) maxFlips,
        new GateThresholds.Feedback(
            minPairs == null ? defaults.feedback().minPairs() : (Integer) minPairs,
            minAccuracy == null ? defaults.feedback().minAccuracy() : (Double) minAccuracy,
            chosenTolerance == null
                ? defaults.feedback().chosenTolerance()
                : (Double) chosenTolerance,
            maxDrift == null ? defaults.feedback().maxDrift() : (Double) maxDrift,
            maxLengthChange == null
                ? defaults.feedback().maxLengthChange()
                : (Double) maxLengthChange));
  }

  private Map<String, Path> readCanaryFiles() {
    Map<String, Path> files = new TreeMap<>();
    for (String key : new TreeSet<>(originalsStrings().keySet())) {
      String tenant = TENANT_SETTINGS.tenantOf(key);
      if (tenant != null && key.endsWith(TENANT_CANARY_FILE_SUFFIX)) {
        files.put(tenant, Path.of(getString(key)));
      }
    }
    return Map.copyOf(files);
  }

  /** The thresholds of tenants without overrides. */
  public GateThresholds defaultThresholds() {
    return new GateThresholds(
        getInt(GATE_LEARNING_MIN_EXAMPLES_CONFIG),
        getDouble(GATE_LEARNING_MIN_GAIN_CONFIG),
        getDouble(GATE_LEARNING_INCUMBENT_MIN_GAIN_CONFIG),
        getBoolean(GATE_LEARNING_ENABLED_CONFIG),
        getDouble(GATE_RETENTION_MAX_DROP_CONFIG),
        getDouble(GATE_REGRESSION_TOLERANCE_CONFIG),
        getDouble(GATE_REGRESSION_TENANT_TOLERANCE_CONFIG),
        getDouble(GATE_LEAKAGE_MAX_EXPOSURE_CONFIG),
        getInt(GATE_EVIDENCE_MAX_ROLLOVERS_CONFIG),
        getDouble(GATE_TRANSFER_CARRY_MIN_RATIO_CONFIG),
        getDouble(GATE_TRANSFER_DISTIL_MIN_RATIO_CONFIG),
        getDouble(GATE_TRANSFER_MAX_FLIPS_CONFIG),
        new GateThresholds.Feedback(
            getInt(GATE_FEEDBACK_MIN_PAIRS_CONFIG),
            getDouble(GATE_FEEDBACK_MIN_ACCURACY_CONFIG),
            getDouble(GATE_FEEDBACK_CHOSEN_TOLERANCE_CONFIG),
            getDouble(GATE_FEEDBACK_MAX_DRIFT_CONFIG),
            getDouble(GATE_FEEDBACK_MAX_LENGTH_CHANGE_CONFIG)));
  }

  /**
   * The statistical gates' bootstrap: the configured confidence, resamples and fewest items a gate
   * decides on.
   */
  public PairedBootstrap bootstrap() {
    return new PairedBootstrap(
        getDouble(GATE_CONFIDENCE_CONFIG),
        getInt(GATE_BOOTSTRAP_RESAMPLES_CONFIG),
        getInt(GATE_BOOTSTRAP_MIN_ITEMS_CONFIG));
  }

  /** The thresholds of {@code tenant}: its overrides, the defaults for the rest. */
  public GateThresholds thresholds(String tenant) {
    return tenantThresholds.getOrDefault(tenant, defaultThresholds());
  }

  /** Every tenant with at least one threshold override, and its thresholds. */
  public Map<String, GateThresholds> tenantThresholds() {
    return tenantThresholds;
  }

  /** Each tenant's canary file, by tenant. */
  public Map<String, Path> canaryFiles() {
    return canaryFiles;
  }

  /** The configured group id, else the topic prefix's ({@link GroupIds}). */
  public String groupId() {
    return GroupIds.of(topicPrefix(), StageAcls.Stage.EVALUATOR, getString(GROUP_ID_CONFIG));
  }

  /** This evaluator's stable name: the configured id, else the host name. */
  public String instanceId() {
    return nameOrHostName(INSTANCE_ID_CONFIG);
  }

  /** This evaluator's transactional id: its {@link #instanceId()} under the topic prefix. */
  public String transactionalId() {
    return TransactionalIds.of(topicPrefix(), StageAcls.Stage.EVALUATOR, instanceId());
  }

  /** auto, cpu or gpu, lower-case. */
  public String device() {
    return getString(DEVICE_CONFIG).toLowerCase(Locale.ROOT);
  }

  /**
   * How long one read of releases.v1 to its end may take ({@value #RELEASES_TIMEOUT_MS_CONFIG}).
   */
  public Duration releasesTimeout() {
    return Duration.ofMillis(getLong(RELEASES_TIMEOUT_MS_CONFIG));
  }

  /** The intra-op thread count to set, or empty to leave the engine's. */
  public Optional<Integer> threads() {
    int threads = getInt(THREADS_CONFIG);
    return threads == 0 ? Optional.empty() : Optional.of(threads);
  }

  /** The base model folder, or empty for the bundled perennial-tiny. */
  public Optional<Path> baseModelPath() {
    return optionalString(BASE_MODEL_PATH_CONFIG).map(Path::of);
  }

  /**
   * The evaluator's configuration: every value checked, and the base model folder and canary files
   * with them ({@link #requireFilesExist}), so that a base that is not there is reported at start
   * with every other problem, before anything starts. (While other values are invalid, the canary
   * files are checked once they are fixed: their keys are per-tenant ones.)
   *
   * @throws InvalidConfigurationException listing every problem, each with its key
   */
  public static EvaluatorConfig forEvaluator(Map<String, String> values) {
    EvaluatorConfig config;
    try {
      config = new EvaluatorConfig(values);
    } catch (InvalidConfigurationException e) {
      List<String> problems = new ArrayList<>(e.problems());
      configuredPath(values, BASE_MODEL_PATH_CONFIG)
          .flatMap(EvaluatorConfig::baseModelProblem)
          .ifPresent(problems::add);
      throw new InvalidConfigurationException(problems);
    }
    config.requireFilesExist();
    return config;
  }

  /**
   * Checks that the configured base model folder is there and holds a model (its {@value
   * HfCheckpoint#CONFIG}) and that every tenant's canary file is there, for the evaluator (and the
   * commands that open its base) to call before reading them.
   *
   * @throws InvalidConfigurationException naming the key and the path of each one that is not
   */
  public void requireFilesExist() {
    List<String> problems = new ArrayList<>();
    baseModelPath().flatMap(EvaluatorConfig::baseModelProblem).ifPresent(problems::add);
    canaryFiles.forEach(
        (tenant, file) ->
            fileProblem(TENANT_PREFIX + tenant + TENANT_CANARY_FILE_SUFFIX, file)
                .ifPresent(problems::add));
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
  }

  private static Optional<String> baseModelProblem(Path folder) {
    return folderProblem(BASE_MODEL_PATH_CONFIG, folder)
        .or(() -> HfCheckpoint.modelFolderProblem(BASE_MODEL_PATH_CONFIG, folder));
  }

  /** The base model's name, or empty for the folder's name. */
  public Optional<String> baseModelName() {
    return optionalString(BASE_MODEL_NAME_CONFIG);
  }

  public Path evaluationPath() {
    return Path.of(getString(EVALUATION_PATH_CONFIG));
  }

  public int batchMaxCandidates() {
    return getInt(BATCH_MAX_CANDIDATES_CONFIG);
  }

  public int batchSize() {
    return getInt(BATCH_SIZE_CONFIG);
  }

  public int batchMaxRowsPerAdapter() {
    return getInt(BATCH_MAX_ROWS_PER_ADAPTER_CONFIG);
  }

  public int batchGatheredMaxRowsPerAdapter() {
    return getInt(BATCH_GATHERED_MAX_ROWS_PER_ADAPTER_CONFIG);
  }

  public int batchOneByOneMinRowsPerAdapter() {
    return getInt(BATCH_ONE_BY_ONE_MIN_ROWS_PER_ADAPTER_CONFIG);
  }

  public long batchOneByOneMaxMergedBytes() {
    return getLong(BATCH_ONE_BY_ONE_MAX_MERGED_BYTES_CONFIG);
  }

  public int maxSequenceLength() {
    return getInt(MAX_SEQUENCE_LENGTH_CONFIG);
  }

  /** Questions of the general set to ask; 0 for all. */
  public int generalSize() {
    return getInt(GENERAL_SIZE_CONFIG);
  }

  public int leakageControls() {
    return getInt(LEAKAGE_CONTROLS_CONFIG);
  }

  /** Whether a candidate's own tenant's canaries are ranked too (reported, not gated). */
  public boolean rankOwnCanaries() {
    return getBoolean(LEAKAGE_RANK_OWN_CANARIES_CONFIG);
  }
}
