package dev.perennial.trainer.config;

import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.config.ProducerRequestSize;
import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.config.TenantSettings;
import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.core.kafka.GroupIds;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.core.kafka.TransactionalIds;
import dev.perennial.model.checkpoint.HfCheckpoint;
import dev.perennial.schemas.key.AdapterKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The configuration of the trainer's two deployables, the accumulator ({@code perennial trainer
 * accumulator}) and the worker ({@code perennial trainer worker}), on top of {@link
 * PerennialConfig}'s shared keys.
 *
 * <p>Triggers have defaults ({@code perennial.trainer.trigger.*}) that a tenant can override:
 * {@code perennial.trainer.tenant.<tenant>.trigger.min.examples}, {@code ...min.tokens} and {@code
 * ...max.wait.ms}; a tenant can have its own peak learning rate ({@code
 * perennial.trainer.tenant.<tenant>.recipe.learning.rate}). Any other key under {@code
 * perennial.trainer.tenant.} is an error.
 */
public class TrainerConfig extends PerennialConfig {

  private static final String TRAINER = PREFIX + "trainer.";

  public static final String TRIGGER_MIN_EXAMPLES_CONFIG = TRAINER + "trigger.min.examples";
  public static final int TRIGGER_MIN_EXAMPLES_DEFAULT = 64;
  private static final String TRIGGER_MIN_EXAMPLES_DOC =
      "Seal an adapter key's pending training examples into a job (trigger MIN_EXAMPLES) once"
          + " this many are pending. Held-out examples ride along and are not counted.";

  public static final String TRIGGER_MIN_TOKENS_CONFIG = TRAINER + "trigger.min.tokens";
  public static final long TRIGGER_MIN_TOKENS_DEFAULT = 32_768;
  private static final String TRIGGER_MIN_TOKENS_DOC =
      "Seal once the pending training examples hold this many tokens (trigger MIN_TOKENS)."
          + " Tokens are counted as UTF-8 bytes of the trained text: exact for the bundled"
          + " byte-level base, an overestimate for subword tokenizers.";

  public static final String TRIGGER_MAX_WAIT_MS_CONFIG = TRAINER + "trigger.max.wait.ms";
  public static final long TRIGGER_MAX_WAIT_MS_DEFAULT = Duration.ofHours(1).toMillis();
  private static final String TRIGGER_MAX_WAIT_MS_DOC =
      "Seal whatever is pending this long after the first pending training example arrived"
          + " (trigger MAX_WAIT), however little it is.";

  /** Per-tenant trigger overrides: {@code perennial.trainer.tenant.<tenant>.<suffix>}. */
  public static final String TENANT_PREFIX = TRAINER + "tenant.";

  public static final String TENANT_MIN_EXAMPLES_SUFFIX = ".trigger.min.examples";
  public static final String TENANT_MIN_TOKENS_SUFFIX = ".trigger.min.tokens";
  public static final String TENANT_MAX_WAIT_MS_SUFFIX = ".trigger.max.wait.ms";

  /** A tenant's own peak learning rate: {@code perennial.trainer.tenant.<tenant>.recipe...}. */
  public static final String TENANT_LEARNING_RATE_SUFFIX = ".recipe.learning.rate";

  public static final String TRIGGER_CHECK_INTERVAL_MS_CONFIG =
      TRAINER + "trigger.check.interval.ms";
  public static final long TRIGGER_CHECK_INTERVAL_MS_DEFAULT = 1_000;
  private static final String TRIGGER_CHECK_INTERVAL_MS_DOC =
      "How often (wall-clock) the accumulator looks for adapter keys whose maximum wait is over.";

  public static final String HELD_OUT_FRACTION_CONFIG = TRAINER + "held.out.fraction";
  public static final double HELD_OUT_FRACTION_DEFAULT = 0.1;
  private static final String HELD_OUT_FRACTION_DOC =
      "Share of examples held out for evaluation, chosen by the SHA-256 of the example's split"
          + " key, a digest of its prompt (a TEXT's text) whatever its kind: every example about"
          + " one prompt is on the same side. Held-out examples go into held-out shards and are"
          + " never trained on.";

  public static final String REPLAY_MAX_SHARDS_CONFIG = TRAINER + "replay.max.shards";
  public static final int REPLAY_MAX_SHARDS_DEFAULT = 32;
  private static final String REPLAY_MAX_SHARDS_DOC =
      "How many of an adapter key's earlier training shards a job lists for replay, spread"
          + " evenly over the key's history (the first and the latest always among them).";

  public static final String REBASE_RETRY_GROWTH_CONFIG = TRAINER + "rebase.retry.growth";
  public static final double REBASE_RETRY_GROWTH_DEFAULT = 2.0;
  private static final String REBASE_RETRY_GROWTH_DOC =
      "An undecided REBASE job is planned again once its key's held-out pool holds at least this"
          + " many times the held-out shards the job was judged on (and one it was not): each try"
          + " has materially more evidence, and a key the gates cannot decide is re-based about"
          + " log(pool) times instead of after every job. 1: after any growth.";

  public static final String ACCUMULATOR_APPLICATION_ID_CONFIG =
      TRAINER + "accumulator.application.id";
  public static final String ACCUMULATOR_APPLICATION_ID_DEFAULT = "";
  private static final String ACCUMULATOR_APPLICATION_ID_DOC =
      "Kafka Streams application.id of the accumulator: its consumer group and the prefix of its"
          + " internal topics and transactional ids. Empty: <topic prefix>trainer-accumulator,"
          + " under the default prefix perennial. perennial-trainer-accumulator as in earlier"
          + " releases.";

  // worker

  public static final String WORKER_GROUP_ID_CONFIG = TRAINER + "worker.group.id";
  public static final String WORKER_GROUP_ID_DEFAULT = "";
  private static final String WORKER_GROUP_ID_DOC =
      "Consumer group of the workers: the training-jobs.v1 partitions are shared among them."
          + " Empty: <topic prefix>trainer-worker, under the default prefix perennial."
          + " perennial-trainer-worker as in earlier releases.";

  public static final String WORKER_ID_CONFIG = TRAINER + "worker.id";
  public static final String WORKER_ID_DEFAULT = "";
  private static final String WORKER_ID_DOC =
      "Stable, unique name of this worker (a StatefulSet pod name, say). Its transactional.id"
          + " and group.instance.id are <topic prefix>trainer-worker.<id>, under the default"
          + " prefix perennial. as in earlier releases perennial-trainer-worker-<id>: a restarted"
          + " worker fences its former self, aborts what that left open and takes its partitions"
          + " back at once. Two running workers of one topic prefix must not share an id. Empty:"
          + " the host name.";

  public static final String WORKER_WORK_DIR_CONFIG = TRAINER + "worker.work.dir";
  public static final String WORKER_WORK_DIR_DEFAULT = ".perennial/trainer-work";
  private static final String WORKER_WORK_DIR_DOC =
      "Scratch folder of the workers: a folder per worker id, in it a folder per job while the job"
          + " trains (weights trained on the key's data), deleted however the job ends; a starting"
          + " worker deletes its id's folder (what it left when killed). Nothing in it is needed"
          + " after a job.";

  public static final String WORKER_DEVICE_CONFIG = TRAINER + "worker.device";
  public static final String WORKER_DEVICE_DEFAULT = "auto";
  private static final String WORKER_DEVICE_DOC =
      "Where to train: auto (a GPU when the engine sees one), cpu or gpu.";

  public static final String WORKER_JOB_ATTEMPTS_CONFIG = TRAINER + "worker.job.attempts";
  public static final int WORKER_JOB_ATTEMPTS_DEFAULT = 3;
  private static final String WORKER_JOB_ATTEMPTS_DOC =
      "Attempts at a job whose training fails before it is skipped (logged as an error, counted"
          + " in perennial_trainer_worker_jobs_total{outcome=\"failed\"}).";

  public static final String WORKER_DECISION_WAIT_MS_CONFIG = TRAINER + "worker.decision.wait.ms";
  public static final long WORKER_DECISION_WAIT_MS_DEFAULT = 15 * 60 * 1000L;
  private static final String WORKER_DECISION_WAIT_MS_DOC =
      "How long a key's next job waits while the key's last candidate from this worker awaits its"
          + " decision (released on releases.v1, or refused on verdicts.v1), so that the next"
          + " candidate continues from that release and is compared with it. After this long it"
          + " trains from the stable release of its time, with a warning. 0: never wait (a key's"
          + " jobs train side by side from the same parent).";

  public static final String WORKER_RELEASES_TIMEOUT_MS_CONFIG =
      TRAINER + "worker.releases.timeout.ms";
  public static final long WORKER_RELEASES_TIMEOUT_MS_DEFAULT = 30_000;
  private static final String WORKER_RELEASES_TIMEOUT_MS_DOC =
      "How long one read of releases.v1 to its end (before each job) may take. A read that fails"
          + " (the topic gone, no ACL, the broker not answering) stops the worker with exit status"
          + " 1 and leaves the job uncommitted.";

  public static final String WORKER_PROGRESS_EVERY_STEPS_CONFIG =
      TRAINER + "worker.progress.every.steps";
  public static final int WORKER_PROGRESS_EVERY_STEPS_DEFAULT = 10;
  private static final String WORKER_PROGRESS_EVERY_STEPS_DOC =
      "How often (in optimizer steps) a job's progress is drawn on the console or logged.";

  public static final String BASE_MODEL_PATH_CONFIG = TRAINER + "base.model.path";
  public static final String BASE_MODEL_PATH_DEFAULT = "";
  private static final String BASE_MODEL_PATH_DOC =
      "Hugging Face folder of the base model (config.json, safetensors, tokenizer). Empty: the"
          + " bundled perennial-tiny.";

  public static final String BASE_MODEL_NAME_CONFIG = TRAINER + "base.model.name";
  public static final String BASE_MODEL_NAME_DEFAULT = "";
  private static final String BASE_MODEL_NAME_DOC =
      "Name adapters record as base_model_name_or_path. Empty: the folder's name.";

  public static final String BASE_TOKENIZER_REPLACES_CONFIG = TRAINER + "base.tokenizer.replaces";
  private static final Pattern TOKENIZER_DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final String BASE_TOKENIZER_REPLACES_DOC =
      "Only after changing the base's tokenizer files in place on purpose (a chat-template fix"
          + " under the same weights): the tokenizer digests (sha256:<64 hex>, as the worker's"
          + " TOKENIZER_CHANGED skip names them) of the files the current ones replace. A stable"
          + " release trained with one of them is continued under the current files; empty: such"
          + " a release is not continued.";

  // recipe

  public static final String RECIPE_SEED_CONFIG = TRAINER + "recipe.seed";
  public static final long RECIPE_SEED_DEFAULT = 42;
  private static final String RECIPE_SEED_DOC =
      "Seed of example order, replay picks, LoRA initialisation and dropout. With the same seed"
          + " and thread count a job trains to the same bytes on CPU.";

  public static final String RECIPE_EPOCHS_CONFIG = TRAINER + "recipe.epochs";
  public static final int RECIPE_EPOCHS_DEFAULT = 8;
  private static final String RECIPE_EPOCHS_DOC =
      "Passes over a job's training examples; steps = epochs x ceil(examples / new examples per"
          + " step), capped by max.steps. Early stopping usually ends a job before.";

  public static final String RECIPE_MAX_STEPS_CONFIG = TRAINER + "recipe.max.steps";
  public static final int RECIPE_MAX_STEPS_DEFAULT = 1000;
  private static final String RECIPE_MAX_STEPS_DOC =
      "At most this many optimizer steps per job: a guard against runaway jobs, high enough that"
          + " the step budget (epochs) and early stopping decide.";

  public static final String RECIPE_BATCH_SIZE_CONFIG = TRAINER + "recipe.batch.size";
  public static final int RECIPE_BATCH_SIZE_DEFAULT = 16;
  private static final String RECIPE_BATCH_SIZE_DOC =
      "Examples per micro-batch, replayed ones included.";

  public static final String RECIPE_GRADIENT_ACCUMULATION_CONFIG =
      TRAINER + "recipe.gradient.accumulation";
  public static final int RECIPE_GRADIENT_ACCUMULATION_DEFAULT = 1;
  private static final String RECIPE_GRADIENT_ACCUMULATION_DOC =
      "Micro-batches per optimizer step.";

  public static final String RECIPE_LEARNING_RATE_CONFIG = TRAINER + "recipe.learning.rate";
  public static final double RECIPE_LEARNING_RATE_DEFAULT = 2e-3;
  private static final String RECIPE_LEARNING_RATE_DOC =
      "Peak learning rate of AdamW (linear warm-up, then cosine decay).";

  public static final String RECIPE_WARMUP_STEPS_CONFIG = TRAINER + "recipe.warmup.steps";
  public static final int RECIPE_WARMUP_STEPS_DEFAULT = 10;
  private static final String RECIPE_WARMUP_STEPS_DOC =
      "Linear warm-up steps (at most the job's steps).";

  public static final String RECIPE_MIN_LEARNING_RATE_RATIO_CONFIG =
      TRAINER + "recipe.min.learning.rate.ratio";
  public static final double RECIPE_MIN_LEARNING_RATE_RATIO_DEFAULT = 0.1;
  private static final String RECIPE_MIN_LEARNING_RATE_RATIO_DOC =
      "The cosine decays to this share of the peak learning rate.";

  public static final String RECIPE_WEIGHT_DECAY_CONFIG = TRAINER + "recipe.weight.decay";
  public static final double RECIPE_WEIGHT_DECAY_DEFAULT = 0.0;
  private static final String RECIPE_WEIGHT_DECAY_DOC = "Decoupled weight decay of AdamW.";

  public static final String RECIPE_MAX_GRAD_NORM_CONFIG = TRAINER + "recipe.max.grad.norm";
  public static final double RECIPE_MAX_GRAD_NORM_DEFAULT = 1.0;
  private static final String RECIPE_MAX_GRAD_NORM_DOC =
      "Clip the global gradient norm to this; 0 disables clipping.";

  public static final String RECIPE_MAX_SEQUENCE_LENGTH_CONFIG =
      TRAINER + "recipe.max.sequence.length";
  public static final int RECIPE_MAX_SEQUENCE_LENGTH_DEFAULT = 256;
  private static final String RECIPE_MAX_SEQUENCE_LENGTH_DOC =
      "Tokens per example; longer ones are cut (and counted in the log).";

  public static final String RECIPE_THREADS_CONFIG = TRAINER + "recipe.threads";
  public static final int RECIPE_THREADS_DEFAULT = 2;
  private static final String RECIPE_THREADS_DOC =
      "PyTorch intra-op threads on CPU; part of the recipe because CPU results depend on it.";

  public static final String RECIPE_CHECKPOINT_LAYERS_CONFIG = TRAINER + "recipe.checkpoint.layers";
  public static final boolean RECIPE_CHECKPOINT_LAYERS_DEFAULT = false;
  private static final String RECIPE_CHECKPOINT_LAYERS_DOC =
      "Per-layer activation checkpointing in LoRA training: keep only each decoder layer's input"
          + " and recompute the layer's forward pass during the backward pass. The same"
          + " gradients, much less memory on real-sized bases (model README, Memory), one more"
          + " forward pass of compute per step. Language-modeling passes only: feedback"
          + " objectives' passes keep their activations.";

  public static final String RECIPE_VALIDATION_FRACTION_CONFIG =
      TRAINER + "recipe.validation.fraction";
  public static final double RECIPE_VALIDATION_FRACTION_DEFAULT = 0.1;
  private static final String RECIPE_VALIDATION_FRACTION_DOC =
      "Share of a job's training examples set aside (by split key, every example about one"
          + " prompt on the same side) to decide early stopping; they are never trained on. The evaluator's held-out shards stay unread. Fewer than 4"
          + " set aside, a step budget that ends before the job could stop early (patience + 1"
          + " epochs), or 0: none, and the job trains its whole step budget on all its examples.";

  public static final String RECIPE_EARLY_STOPPING_PATIENCE_CONFIG =
      TRAINER + "recipe.early.stopping.patience";
  public static final int RECIPE_EARLY_STOPPING_PATIENCE_DEFAULT = 3;
  private static final String RECIPE_EARLY_STOPPING_PATIENCE_DOC =
      "Epochs without improvement of the validation loss (measured after every epoch of the job's"
          + " examples) after which a job winds its learning rate down over one more epoch and"
          + " stops. Validation examples are phrasings the job never trains on; their loss levels"
          + " off while the trained phrasings are still being learnt, so a short patience ends"
          + " jobs early (README, Continual learning).";

  public static final String RECIPE_EARLY_STOPPING_MIN_IMPROVEMENT_CONFIG =
      TRAINER + "recipe.early.stopping.min.improvement";
  public static final double RECIPE_EARLY_STOPPING_MIN_IMPROVEMENT_DEFAULT = 0.01;
  private static final String RECIPE_EARLY_STOPPING_MIN_IMPROVEMENT_DOC =
      "Least relative fall of the validation loss below its best that counts as improvement.";

  public static final String RECIPE_FEEDBACK_OBJECTIVE_CONFIG =
      TRAINER + "recipe.feedback.objective";
  public static final String RECIPE_FEEDBACK_OBJECTIVE_DEFAULT = "preference";
  private static final String RECIPE_FEEDBACK_OBJECTIVE_DOC =
      "How PREFERENCE, RATING and CORRECTION examples train: preference (their objectives:"
          + " recipe.preference.loss for pairs and corrections, KTO for ratings) or sft (the"
          + " language-model loss on the good answer alone: a pair's chosen answer, a correction,"
          + " a desirable rating's answer; undesirable ratings are left out), the baseline the"
          + " objectives are measured against.";

  public static final String RECIPE_PREFERENCE_LOSS_CONFIG = TRAINER + "recipe.preference.loss";
  public static final String RECIPE_PREFERENCE_LOSS_DEFAULT = "dpo";
  private static final String RECIPE_PREFERENCE_LOSS_DOC =
      "Objective of PREFERENCE pairs, and the pair term of CORRECTIONs: dpo (-log sigmoid of beta"
          + " times the margin over the reference), ipo (the margin pulled to 1/(2 beta)),"
          + " conservative (dpo with label smoothing) or robust (dpo unbiased under label noise).";

  public static final String RECIPE_PREFERENCE_BETA_CONFIG = TRAINER + "recipe.preference.beta";
  public static final double RECIPE_PREFERENCE_BETA_DEFAULT = 0.5;
  private static final String RECIPE_PREFERENCE_BETA_DOC =
      "Temperature beta of the pair objective: how far the adapter may move from the reference"
          + " (larger: less). 0.5 by default: on the continual stream it forgot a quarter of what"
          + " 0.1 did and lost fewer general answers (README, How the recipe was chosen). Jobs of"
          + " feedback alone take recipe.feedback.only.preference.beta instead.";

  public static final String RECIPE_PREFERENCE_LABEL_SMOOTHING_CONFIG =
      TRAINER + "recipe.preference.label.smoothing";
  public static final double RECIPE_PREFERENCE_LABEL_SMOOTHING_DEFAULT = 0.1;
  private static final String RECIPE_PREFERENCE_LABEL_SMOOTHING_DOC =
      "Share of pair labels assumed flipped (a user preferring the wrong answer), in [0, 0.5):"
          + " used by conservative and robust, ignored by dpo and ipo.";

  public static final String RECIPE_KTO_BETA_CONFIG = TRAINER + "recipe.kto.beta";
  public static final double RECIPE_KTO_BETA_DEFAULT = 0.1;
  private static final String RECIPE_KTO_BETA_DOC = "Temperature beta of KTO on RATING examples.";

  public static final String RECIPE_KTO_DESIRABLE_WEIGHT_CONFIG =
      TRAINER + "recipe.kto.desirable.weight";
  private static final String RECIPE_KTO_DESIRABLE_WEIGHT_DOC =
      "KTO's weight of desirable ratings (raise it when they are rarer than undesirable ones).";

  public static final String RECIPE_KTO_UNDESIRABLE_WEIGHT_CONFIG =
      TRAINER + "recipe.kto.undesirable.weight";
  private static final String RECIPE_KTO_UNDESIRABLE_WEIGHT_DOC =
      "KTO's weight of undesirable ratings.";

  public static final String RECIPE_PREFERENCE_SFT_WEIGHT_CONFIG =
      TRAINER + "recipe.preference.sft.weight";
  public static final double RECIPE_PREFERENCE_SFT_WEIGHT_DEFAULT = 0.0;
  private static final String RECIPE_PREFERENCE_SFT_WEIGHT_DOC =
      "Weight of the chosen answer's mean token loss added to a PREFERENCE pair's loss (RPO, as"
          + " recipe.correction.sft.weight does for corrections); 0 by default: on the sample"
          + " feedback it cost general retention and added no learning (trainer README).";

  public static final String RECIPE_PREFERENCE_DROP_SHARE_CONFIG =
      TRAINER + "recipe.preference.drop.share";
  public static final double RECIPE_PREFERENCE_DROP_SHARE_DEFAULT = 0.0;
  private static final String RECIPE_PREFERENCE_DROP_SHARE_DOC =
      "Share of a job's PREFERENCE pairs left out of each step: once every pair was trained,"
          + " those whose latest loss is among the highest this share (the small-loss trick"
          + " against flipped labels, as ROPO does). 0: every pair trains (README, Learning from"
          + " feedback alone).";

  public static final String RECIPE_CORRECTION_SFT_WEIGHT_CONFIG =
      TRAINER + "recipe.correction.sft.weight";
  private static final String RECIPE_CORRECTION_SFT_WEIGHT_DOC =
      "Weight of the correction's mean token loss added to its pair loss (RPO): keeps the"
          + " corrected answer's likelihood from falling with the original's.";

  public static final String RECIPE_WEIGHT_PREFIX = TRAINER + "recipe.weight.";
  public static final String RECIPE_WEIGHT_LANGUAGE_MODEL_CONFIG = RECIPE_WEIGHT_PREFIX + "lm";
  public static final String RECIPE_WEIGHT_PREFERENCE_CONFIG = RECIPE_WEIGHT_PREFIX + "preference";
  public static final String RECIPE_WEIGHT_RATING_CONFIG = RECIPE_WEIGHT_PREFIX + "rating";
  public static final String RECIPE_WEIGHT_CORRECTION_CONFIG = RECIPE_WEIGHT_PREFIX + "correction";

  /** The default of every weight of the feedback objectives (KTO's, RPO's, each kind's). */
  public static final double RECIPE_WEIGHT_DEFAULT = 1.0;

  private static final String RECIPE_WEIGHT_DOC =
      "Weight of this kind's rows in a step's loss, where every row counts by its share of the"
          + " step's rows (lm: TEXT and SFT examples and replay, by their mean token loss;"
          + " preference, rating, correction: by their objective).";

  public static final String LORA_RANK_CONFIG = TRAINER + "lora.rank";
  public static final int LORA_RANK_DEFAULT = 8;

  /** The largest rank vLLM loads: its largest --max-lora-rank (vllm/config/lora.py). */
  public static final int LORA_RANK_MAX = 512;

  private static final String LORA_RANK_DOC =
      "Rank r of a fresh adapter, at most 512: vLLM loads an adapter only up to its"
          + " --max-lora-rank (default 16), which can be 1, 8, 16, 32, 64, 128, 256, 320 or 512.";

  public static final String LORA_ALPHA_CONFIG = TRAINER + "lora.alpha";
  public static final double LORA_ALPHA_DEFAULT = 16;
  private static final String LORA_ALPHA_DOC = "lora_alpha of a fresh adapter (scaling alpha/r).";

  public static final String LORA_DROPOUT_CONFIG = TRAINER + "lora.dropout";
  public static final double LORA_DROPOUT_DEFAULT = 0.0;
  private static final String LORA_DROPOUT_DOC = "Dropout on the adapter's input while training.";

  public static final String LORA_TARGET_MODULES_CONFIG = TRAINER + "lora.target.modules";
  public static final String LORA_TARGET_MODULES_DEFAULT =
      "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj";
  private static final String LORA_TARGET_MODULES_DOC =
      "Projections a fresh adapter wraps (PEFT names or q, k, v, o, gate, up, down). A job that"
          + " continues a release keeps the release's shape.";

  public static final String REPLAY_FRACTION_CONFIG = TRAINER + "replay.fraction";
  public static final double REPLAY_FRACTION_DEFAULT = 0.8125;
  private static final String REPLAY_FRACTION_DOC =
      "Share of each micro-batch drawn from replay examples rather than the job's own (0.8125:"
          + " 13 of a batch of 16). More replay keeps more of what the key and the base knew"
          + " (README, Continual learning: a quarter forgot most of both, three quarters kept less"
          + " than 13 of 16); the step budget grows with it, since fewer of the job's own examples"
          + " come per step.";

  public static final String REPLAY_TENANT_SHARE_CONFIG = TRAINER + "replay.tenant.share";
  public static final double REPLAY_TENANT_SHARE_DEFAULT = 0.5;
  private static final String REPLAY_TENANT_SHARE_DOC =
      "Share of the replay pool taken from the adapter key's earlier shards (the job's"
          + " replayShards); the rest comes from the base model's general replay set.";

  public static final String REPLAY_POOL_SIZE_CONFIG = TRAINER + "replay.pool.size";
  public static final int REPLAY_POOL_SIZE_DEFAULT = 1024;
  private static final String REPLAY_POOL_SIZE_DOC =
      "Replay examples sampled per job (seeded by the recipe seed and the job id). Large enough"
          + " that the general side holds the bundled bases' whole general replay set (327"
          + " examples, one per general fact), so every job rehearses every general fact.";

  public static final String RECIPE_SEARCH_CONFIG = TRAINER + "recipe.search";
  public static final boolean RECIPE_SEARCH_DEFAULT = false;
  private static final String RECIPE_SEARCH_DOC =
      "Whether a job searches its recipe before training its candidate: successive halving over"
          + " the key's last winner (the centre) and one step down and up along one searched"
          + " setting (recipe.search.dimensions, one per update of the key in turn), within"
          + " recipe.search.budget; the winner trains the candidate, every trial is recorded in"
          + " the candidate, the manifest and audit.v1, and the winner's settings in the lineage,"
          + " where the key's next search starts (a new key's from other keys' winners).";

  public static final String RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_CONFIG =
      TRAINER + "recipe.search.min.validation.examples";
  public static final int RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_DEFAULT = 8;
  private static final String RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_DOC =
      "Fewest examples a job ranks its search's trials on: its validation examples when it set"
          + " aside at least this many, else its own training examples (the learning gain the"
          + " plasticity monitor measures); with fewer of both it does not search (keys with"
          + " little data).";

  public static final String RECIPE_SEARCH_BUDGET_CONFIG = TRAINER + "recipe.search.budget";
  public static final double RECIPE_SEARCH_BUDGET_DEFAULT = 2.75;
  private static final String RECIPE_SEARCH_BUDGET_DOC =
      "Compute of a job that searches, in step budgets of the configured recipe: the trials and"
          + " the winner's training together take at most this many. From 1.5 up the winner"
          + " trains its full step budget and the trials take the rest (2.75: 3 variants starting"
          + " at a quarter of the budget each); below, the winner gets two thirds of it and the"
          + " trials one third (1: equal compute with a job that does not search).";

  public static final String RECIPE_SEARCH_DIMENSIONS_CONFIG = TRAINER + "recipe.search.dimensions";
  public static final String RECIPE_SEARCH_DIMENSIONS_DEFAULT = "rank,learning-rate";
  private static final String RECIPE_SEARCH_DIMENSIONS_DOC =
      "The settings the search moves, one per job in turn (update u of a key searches the"
          + " ((u - 1) mod n)-th of those that apply to it): rank (x0.5, x2; only a key's first"
          + " adapter, since a continued adapter keeps its rank), learning-rate (x0.5, x2),"
          + " replay (one batch row less or more) and feedback-weight (the preference, rating"
          + " and correction rows' weights x0.5, x2; only jobs with feedback). Replay and"
          + " feedback-weight are off by default: their trials win on the job's own loss by"
          + " giving up the rehearsal and the preference anchor that keep what the key knew,"
          + " which a trial's replay sample does not see.";

  public static final String RECIPE_SEARCH_REACH_CONFIG = TRAINER + "recipe.search.reach";
  public static final int RECIPE_SEARCH_REACH_DEFAULT = 1;
  private static final String RECIPE_SEARCH_REACH_DOC =
      "The most steps (of recipe.search.dimensions' moves) a search's centre lies from the"
          + " configured recipe along each searched setting: a key's last winner or a prior"
          + " further away is drawn back, and a setting not searched is the configured one, so"
          + " that short-run wins do not compound across updates (0: every search centres on the"
          + " configured recipe).";

  public static final String PLASTICITY_CONTROL_EVERY_CONFIG = TRAINER + "plasticity.control.every";
  public static final int PLASTICITY_CONTROL_EVERY_DEFAULT = 5;
  private static final String PLASTICITY_CONTROL_EVERY_DOC =
      "Every this many updates of a key (update = parent release version + 1), a job that"
          + " continues the key's release also trains a fresh-adapter control on the same"
          + " examples, replay and feedback for the same number of steps, and compares the two"
          + " learning gains (one more training run on those jobs). 0: never.";

  public static final String PLASTICITY_REFRESH_BELOW_CONFIG = TRAINER + "plasticity.refresh.below";
  public static final double PLASTICITY_REFRESH_BELOW_DEFAULT = 0.5;
  private static final String PLASTICITY_REFRESH_BELOW_DOC =
      "When a candidate's learning gain falls below this share of its fresh-adapter control's,"
          + " the key's next job that continues it refreshes the adapter first (AdapterRefresh)."
          + " 0: never refresh (not even a release found due under an earlier setting).";

  public static final String PLASTICITY_REFRESH_ENERGY_CONFIG =
      TRAINER + "plasticity.refresh.energy";
  public static final double PLASTICITY_REFRESH_ENERGY_DEFAULT = 0.99;
  private static final String PLASTICITY_REFRESH_ENERGY_DOC =
      "Share of each module's squared change (scaling*B*A) a refresh keeps.";

  public static final String PLASTICITY_REFRESH_FREE_RANK_CONFIG =
      TRAINER + "plasticity.refresh.free.rank";
  public static final int PLASTICITY_REFRESH_FREE_RANK_DEFAULT = 1;
  private static final String PLASTICITY_REFRESH_FREE_RANK_DOC =
      "Rank a refresh frees in every module at least, for a fresh trainable pair; 0: half the"
          + " adapter's rank. Never more than all but one rank (an adapter of rank 1 is not"
          + " refreshed). 1 by default: freeing half of rank 8 kept as little as 71 % of a"
          + " module's change and forgot more over 30 updates; freeing 1 kept at least 95.6 %"
          + " (README, Thirty updates).";

  public static final String PLASTICITY_GAIN_EXAMPLES_CONFIG = TRAINER + "plasticity.gain.examples";
  public static final int PLASTICITY_GAIN_EXAMPLES_DEFAULT = 64;
  private static final String PLASTICITY_GAIN_EXAMPLES_DOC =
      "Most of a job's own language-model examples the learning gain is measured on (loss before"
          + " training minus after, scored once per adapter).";

  private static final TenantSettings TENANT_SETTINGS =
      new TenantSettings(
              TENANT_PREFIX,
              List.of(
                  new TenantSettings.Setting(
                      TENANT_MIN_EXAMPLES_SUFFIX,
                      Type.INT,
                      Range.atLeast(1),
                      TRIGGER_MIN_EXAMPLES_DOC),
                  new TenantSettings.Setting(
                      TENANT_MIN_TOKENS_SUFFIX,
                      Type.LONG,
                      Range.atLeast(1),
                      TRIGGER_MIN_TOKENS_DOC),
                  new TenantSettings.Setting(
                      TENANT_MAX_WAIT_MS_SUFFIX,
                      Type.LONG,
                      Range.atLeast(1),
                      TRIGGER_MAX_WAIT_MS_DOC),
                  new TenantSettings.Setting(
                      TENANT_LEARNING_RATE_SUFFIX,
                      Type.DOUBLE,
                      Range.between(1e-9, 1.0),
                      RECIPE_LEARNING_RATE_DOC)))
          .requireTenants(AdapterKey::isValidName, AdapterKey.NAME_RULE);

  private final Map<String, TriggerSettings> tenantTriggers;

  public TrainerConfig(Map<String, String> values) {
    super(definition(values), checked(values));
    this.tenantTriggers = readTenantTriggers();
  }

  /** The trainer's keys on top of the shared ones (without per-tenant overrides). */
  public static ConfigDef configDef() {
    return defineFeedbackObjectives(
        StreamsSettings.define(MasterKeySettings.define(PerennialConfig.configDef()))
            .define(
                TRIGGER_MIN_EXAMPLES_CONFIG,
                Type.INT,
                TRIGGER_MIN_EXAMPLES_DEFAULT,
                Range.atLeast(1),
                Importance.HIGH,
                TRIGGER_MIN_EXAMPLES_DOC)
            .define(
                TRIGGER_MIN_TOKENS_CONFIG,
                Type.LONG,
                TRIGGER_MIN_TOKENS_DEFAULT,
                Range.atLeast(1),
                Importance.HIGH,
                TRIGGER_MIN_TOKENS_DOC)
            .define(
                TRIGGER_MAX_WAIT_MS_CONFIG,
                Type.LONG,
                TRIGGER_MAX_WAIT_MS_DEFAULT,
                Range.atLeast(1),
                Importance.HIGH,
                TRIGGER_MAX_WAIT_MS_DOC)
            .define(
                TRIGGER_CHECK_INTERVAL_MS_CONFIG,
                Type.LONG,
                TRIGGER_CHECK_INTERVAL_MS_DEFAULT,
                Range.atLeast(10),
                Importance.LOW,
                TRIGGER_CHECK_INTERVAL_MS_DOC)
            .define(
                HELD_OUT_FRACTION_CONFIG,
                Type.DOUBLE,
                HELD_OUT_FRACTION_DEFAULT,
                Range.between(0.0, 0.5),
                Importance.MEDIUM,
                HELD_OUT_FRACTION_DOC)
            .define(
                REPLAY_MAX_SHARDS_CONFIG,
                Type.INT,
                REPLAY_MAX_SHARDS_DEFAULT,
                Range.atLeast(0),
                Importance.LOW,
                REPLAY_MAX_SHARDS_DOC)
            .define(
                REBASE_RETRY_GROWTH_CONFIG,
                Type.DOUBLE,
                REBASE_RETRY_GROWTH_DEFAULT,
                Range.atLeast(1.0),
                Importance.LOW,
                REBASE_RETRY_GROWTH_DOC)
            .define(
                ACCUMULATOR_APPLICATION_ID_CONFIG,
                Type.STRING,
                ACCUMULATOR_APPLICATION_ID_DEFAULT,
                Importance.MEDIUM,
                ACCUMULATOR_APPLICATION_ID_DOC)
            .define(
                WORKER_GROUP_ID_CONFIG,
                Type.STRING,
                WORKER_GROUP_ID_DEFAULT,
                Importance.MEDIUM,
                WORKER_GROUP_ID_DOC)
            .define(
                WORKER_ID_CONFIG, Type.STRING, WORKER_ID_DEFAULT, Importance.MEDIUM, WORKER_ID_DOC)
            .define(
                WORKER_WORK_DIR_CONFIG,
                Type.STRING,
                WORKER_WORK_DIR_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.LOW,
                WORKER_WORK_DIR_DOC)
            .define(
                WORKER_DEVICE_CONFIG,
                Type.STRING,
                WORKER_DEVICE_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("auto", "cpu", "gpu"),
                Importance.MEDIUM,
                WORKER_DEVICE_DOC)
            .define(
                WORKER_JOB_ATTEMPTS_CONFIG,
                Type.INT,
                WORKER_JOB_ATTEMPTS_DEFAULT,
                Range.atLeast(1),
                Importance.LOW,
                WORKER_JOB_ATTEMPTS_DOC)
            .define(
                WORKER_DECISION_WAIT_MS_CONFIG,
                Type.LONG,
                WORKER_DECISION_WAIT_MS_DEFAULT,
                Range.atLeast(0),
                Importance.MEDIUM,
                WORKER_DECISION_WAIT_MS_DOC)
            .define(
                WORKER_PROGRESS_EVERY_STEPS_CONFIG,
                Type.INT,
                WORKER_PROGRESS_EVERY_STEPS_DEFAULT,
                Range.atLeast(1),
                Importance.LOW,
                WORKER_PROGRESS_EVERY_STEPS_DOC)
            .define(
                WORKER_RELEASES_TIMEOUT_MS_CONFIG,
                Type.LONG,
                WORKER_RELEASES_TIMEOUT_MS_DEFAULT,
                Range.atLeast(1),
                Importance.LOW,
                WORKER_RELEASES_TIMEOUT_MS_DOC)
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
                BASE_TOKENIZER_REPLACES_CONFIG,
                Type.LIST,
                "",
                TrainerConfig::checkTokenizerDigests,
                Importance.LOW,
                BASE_TOKENIZER_REPLACES_DOC)
            .define(
                RECIPE_SEED_CONFIG,
                Type.LONG,
                RECIPE_SEED_DEFAULT,
                Importance.MEDIUM,
                RECIPE_SEED_DOC)
            .define(
                RECIPE_EPOCHS_CONFIG,
                Type.INT,
                RECIPE_EPOCHS_DEFAULT,
                Range.atLeast(1),
                Importance.MEDIUM,
                RECIPE_EPOCHS_DOC)
            .define(
                RECIPE_MAX_STEPS_CONFIG,
                Type.INT,
                RECIPE_MAX_STEPS_DEFAULT,
                Range.atLeast(1),
                Importance.MEDIUM,
                RECIPE_MAX_STEPS_DOC)
            .define(
                RECIPE_BATCH_SIZE_CONFIG,
                Type.INT,
                RECIPE_BATCH_SIZE_DEFAULT,
                Range.atLeast(1),
                Importance.MEDIUM,
                RECIPE_BATCH_SIZE_DOC)
            .define(
                RECIPE_GRADIENT_ACCUMULATION_CONFIG,
                Type.INT,
                RECIPE_GRADIENT_ACCUMULATION_DEFAULT,
                Range.atLeast(1),
                Importance.LOW,
                RECIPE_GRADIENT_ACCUMULATION_DOC)
            .define(
                RECIPE_LEARNING_RATE_CONFIG,
                Type.DOUBLE,
                RECIPE_LEARNING_RATE_DEFAULT,
                Range.between(1e-9, 1.0),
                Importance.MEDIUM,
                RECIPE_LEARNING_RATE_DOC)
            .define(
                RECIPE_WARMUP_STEPS_CONFIG,
                Type.INT,
                RECIPE_WARMUP_STEPS_DEFAULT,
                Range.atLeast(0),
                Importance.LOW,
                RECIPE_WARMUP_STEPS_DOC)
            .define(
                RECIPE_MIN_LEARNING_RATE_RATIO_CONFIG,
                Type.DOUBLE,
                RECIPE_MIN_LEARNING_RATE_RATIO_DEFAULT,
                Range.between(0.0, 1.0),
                Importance.LOW,
                RECIPE_MIN_LEARNING_RATE_RATIO_DOC)
            .define(
                RECIPE_WEIGHT_DECAY_CONFIG,
                Type.DOUBLE,
                RECIPE_WEIGHT_DECAY_DEFAULT,
                Range.atLeast(0.0),
                Importance.LOW,
                RECIPE_WEIGHT_DECAY_DOC)
            .define(
                RECIPE_MAX_GRAD_NORM_CONFIG,
                Type.DOUBLE,
                RECIPE_MAX_GRAD_NORM_DEFAULT,
                Range.atLeast(0.0),
                Importance.LOW,
                RECIPE_MAX_GRAD_NORM_DOC)
            .define(
                RECIPE_MAX_SEQUENCE_LENGTH_CONFIG,
                Type.INT,
                RECIPE_MAX_SEQUENCE_LENGTH_DEFAULT,
                Range.atLeast(2),
                Importance.MEDIUM,
                RECIPE_MAX_SEQUENCE_LENGTH_DOC)
            .define(
                RECIPE_THREADS_CONFIG,
                Type.INT,
                RECIPE_THREADS_DEFAULT,
                Range.atLeast(1),
                Importance.MEDIUM,
                RECIPE_THREADS_DOC)
            .define(
                RECIPE_CHECKPOINT_LAYERS_CONFIG,
                Type.BOOLEAN,
                RECIPE_CHECKPOINT_LAYERS_DEFAULT,
                Importance.LOW,
                RECIPE_CHECKPOINT_LAYERS_DOC)
            .define(
                RECIPE_VALIDATION_FRACTION_CONFIG,
                Type.DOUBLE,
                RECIPE_VALIDATION_FRACTION_DEFAULT,
                Range.between(0.0, 0.5),
                Importance.MEDIUM,
                RECIPE_VALIDATION_FRACTION_DOC)
            .define(
                RECIPE_EARLY_STOPPING_PATIENCE_CONFIG,
                Type.INT,
                RECIPE_EARLY_STOPPING_PATIENCE_DEFAULT,
                Range.atLeast(1),
                Importance.LOW,
                RECIPE_EARLY_STOPPING_PATIENCE_DOC)
            .define(
                RECIPE_EARLY_STOPPING_MIN_IMPROVEMENT_CONFIG,
                Type.DOUBLE,
                RECIPE_EARLY_STOPPING_MIN_IMPROVEMENT_DEFAULT,
                Range.between(0.0, 0.99),
                Importance.LOW,
                RECIPE_EARLY_STOPPING_MIN_IMPROVEMENT_DOC)
            .define(
                LORA_RANK_CONFIG,
                Type.INT,
                LORA_RANK_DEFAULT,
                Range.between(1, LORA_RANK_MAX),
                Importance.MEDIUM,
                LORA_RANK_DOC)
            .define(
                LORA_ALPHA_CONFIG,
                Type.DOUBLE,
                LORA_ALPHA_DEFAULT,
                Range.atLeast(1e-9),
                Importance.LOW,
                LORA_ALPHA_DOC)
            .define(
                LORA_DROPOUT_CONFIG,
                Type.DOUBLE,
                LORA_DROPOUT_DEFAULT,
                Range.between(0.0, 0.99),
                Importance.LOW,
                LORA_DROPOUT_DOC)
            .define(
                LORA_TARGET_MODULES_CONFIG,
                Type.LIST,
                LORA_TARGET_MODULES_DEFAULT,
                // not empty: an adapter must adapt some projection (LoraConfig)
                ConfigDef.ValidList.in(
                    false,
                    "q",
                    "k",
                    "v",
                    "o",
                    "gate",
                    "up",
                    "down",
                    "q_proj",
                    "k_proj",
                    "v_proj",
                    "o_proj",
                    "gate_proj",
                    "up_proj",
                    "down_proj"),
                Importance.LOW,
                LORA_TARGET_MODULES_DOC)
            .define(
                REPLAY_FRACTION_CONFIG,
                Type.DOUBLE,
                REPLAY_FRACTION_DEFAULT,
                Range.between(0.0, 0.9),
                Importance.MEDIUM,
                REPLAY_FRACTION_DOC)
            .define(
                REPLAY_TENANT_SHARE_CONFIG,
                Type.DOUBLE,
                REPLAY_TENANT_SHARE_DEFAULT,
                Range.between(0.0, 1.0),
                Importance.MEDIUM,
                REPLAY_TENANT_SHARE_DOC)
            .define(
                REPLAY_POOL_SIZE_CONFIG,
                Type.INT,
                REPLAY_POOL_SIZE_DEFAULT,
                Range.atLeast(1),
                Importance.LOW,
                REPLAY_POOL_SIZE_DOC)
            .define(
                RECIPE_SEARCH_CONFIG,
                Type.BOOLEAN,
                RECIPE_SEARCH_DEFAULT,
                Importance.LOW,
                RECIPE_SEARCH_DOC)
            .define(
                RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_CONFIG,
                Type.INT,
                RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_DEFAULT,
                Range.atLeast(1),
                Importance.LOW,
                RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_DOC)
            .define(
                RECIPE_SEARCH_BUDGET_CONFIG,
                Type.DOUBLE,
                RECIPE_SEARCH_BUDGET_DEFAULT,
                Range.between(0.5, 10.0),
                Importance.LOW,
                RECIPE_SEARCH_BUDGET_DOC)
            .define(
                RECIPE_SEARCH_DIMENSIONS_CONFIG,
                Type.LIST,
                RECIPE_SEARCH_DIMENSIONS_DEFAULT,
                ConfigDef.ValidList.in("rank", "learning-rate", "replay", "feedback-weight"),
                Importance.LOW,
                RECIPE_SEARCH_DIMENSIONS_DOC)
            .define(
                RECIPE_SEARCH_REACH_CONFIG,
                Type.INT,
                RECIPE_SEARCH_REACH_DEFAULT,
                Range.atLeast(0),
                Importance.LOW,
                RECIPE_SEARCH_REACH_DOC)
            .define(
                PLASTICITY_CONTROL_EVERY_CONFIG,
                Type.INT,
                PLASTICITY_CONTROL_EVERY_DEFAULT,
                Range.atLeast(0),
                Importance.LOW,
                PLASTICITY_CONTROL_EVERY_DOC)
            .define(
                PLASTICITY_REFRESH_BELOW_CONFIG,
                Type.DOUBLE,
                PLASTICITY_REFRESH_BELOW_DEFAULT,
                Range.between(0.0, 1.0),
                Importance.LOW,
                PLASTICITY_REFRESH_BELOW_DOC)
            .define(
                PLASTICITY_REFRESH_ENERGY_CONFIG,
                Type.DOUBLE,
                PLASTICITY_REFRESH_ENERGY_DEFAULT,
                Range.between(1e-6, 1.0),
                Importance.LOW,
                PLASTICITY_REFRESH_ENERGY_DOC)
            .define(
                PLASTICITY_REFRESH_FREE_RANK_CONFIG,
                Type.INT,
                PLASTICITY_REFRESH_FREE_RANK_DEFAULT,
                Range.atLeast(0),
                Importance.LOW,
                PLASTICITY_REFRESH_FREE_RANK_DOC)
            .define(
                PLASTICITY_GAIN_EXAMPLES_CONFIG,
                Type.INT,
                PLASTICITY_GAIN_EXAMPLES_DEFAULT,
                Range.atLeast(1),
                Importance.LOW,
                PLASTICITY_GAIN_EXAMPLES_DOC));
  }

  /**
   * The feedback objectives' keys: the pair loss, the temperatures, the label smoothing, and the
   * weights (all non-negative, all 1 by default).
   */
  public static final String RECIPE_REPLAY_KL_WEIGHT_CONFIG = TRAINER + "recipe.replay.kl.weight";

  public static final double RECIPE_REPLAY_KL_WEIGHT_DEFAULT = 0.0;
  private static final String RECIPE_REPLAY_KL_WEIGHT_DOC =
      "Weight of the replay rows' token-level KL divergence from the frozen reference (the"
          + " job's starting adapter) in jobs with feedback trained by its objectives: a"
          + " general-retention anchor, counted like the replay rows' mean token loss for their"
          + " share of the step's rows. Each micro-batch runs one more forward pass of the"
          + " reference on its replay rows. 0: none (README, Learning from feedback alone).";

  /**
   * The feedback-only profile: a job whose own examples are all feedback (no TEXT or SFT document)
   * trains its pairs and replay with these instead of recipe.preference.beta,
   * recipe.preference.sft.weight and recipe.replay.kl.weight (JobRecipe#forJob).
   */
  public static final String RECIPE_FEEDBACK_ONLY_PREFIX = TRAINER + "recipe.feedback.only.";

  public static final String RECIPE_FEEDBACK_ONLY_BETA_CONFIG =
      RECIPE_FEEDBACK_ONLY_PREFIX + "preference.beta";
  public static final double RECIPE_FEEDBACK_ONLY_BETA_DEFAULT = 0.1;
  private static final String RECIPE_FEEDBACK_ONLY_BETA_DOC =
      "recipe.preference.beta of jobs whose examples are all feedback (PREFERENCE, RATING,"
          + " CORRECTION; no TEXT or SFT). 0.1 by default: with the two keys below it met issue"
          + " 14's goals on feedback alone on both seeds, where the mixed jobs' 0.5 taught too few"
          + " preferred answers (README, Learning from feedback alone).";

  public static final String RECIPE_FEEDBACK_ONLY_SFT_WEIGHT_CONFIG =
      RECIPE_FEEDBACK_ONLY_PREFIX + "preference.sft.weight";
  public static final double RECIPE_FEEDBACK_ONLY_SFT_WEIGHT_DEFAULT = 1.0;
  private static final String RECIPE_FEEDBACK_ONLY_SFT_WEIGHT_DOC =
      "recipe.preference.sft.weight (RPO) of jobs whose examples are all feedback.";

  public static final String RECIPE_FEEDBACK_ONLY_REPLAY_KL_WEIGHT_CONFIG =
      RECIPE_FEEDBACK_ONLY_PREFIX + "replay.kl.weight";
  public static final double RECIPE_FEEDBACK_ONLY_REPLAY_KL_WEIGHT_DEFAULT = 12.0;
  private static final String RECIPE_FEEDBACK_ONLY_REPLAY_KL_WEIGHT_DOC =
      "recipe.replay.kl.weight (the replay rows' KL anchor to the reference) of jobs whose"
          + " examples are all feedback.";

  /**
   * The rater guard: before a job's feedback trains, each subject's labels are compared with other
   * subjects' on the same items, and a subject who disagrees significantly more often than agrees
   * has all their feedback examples set aside (RaterGuard).
   */
  public static final String RECIPE_RATER_GUARD_PREFIX = TRAINER + "recipe.feedback.rater.guard.";

  public static final String RECIPE_RATER_GUARD_ENABLED_CONFIG =
      RECIPE_RATER_GUARD_PREFIX + "enabled";
  public static final boolean RECIPE_RATER_GUARD_ENABLED_DEFAULT = true;
  private static final String RECIPE_RATER_GUARD_ENABLED_DOC =
      "Set aside the feedback of subjects (pseudonyms) who consistently disagree with other"
          + " subjects on the same items. It does nothing where no item has more than one subject's"
          + " vote.";

  public static final String RECIPE_RATER_GUARD_ALPHA_CONFIG = RECIPE_RATER_GUARD_PREFIX + "alpha";
  public static final double RECIPE_RATER_GUARD_ALPHA_DEFAULT = 0.01;
  private static final String RECIPE_RATER_GUARD_ALPHA_DOC =
      "Level of the one-sided binomial test (disagreements against 1/2) that sets a subject aside:"
          + " a test, not a rate threshold, so that users who are right about as often as the"
          + " others (symmetric noise) are practically never set aside.";

  public static final String RECIPE_RATER_GUARD_MIN_ITEMS_CONFIG =
      RECIPE_RATER_GUARD_PREFIX + "min.items";
  public static final int RECIPE_RATER_GUARD_MIN_ITEMS_DEFAULT = 8;
  private static final String RECIPE_RATER_GUARD_MIN_ITEMS_DOC =
      "Least number of compared items (see min.others) before a subject can be set aside.";

  public static final String RECIPE_RATER_GUARD_MIN_OTHERS_CONFIG =
      RECIPE_RATER_GUARD_PREFIX + "min.others";
  public static final int RECIPE_RATER_GUARD_MIN_OTHERS_DEFAULT = 2;
  private static final String RECIPE_RATER_GUARD_MIN_OTHERS_DOC =
      "An item counts for a subject when at least this many other subjects voted on it and their"
          + " majority is not a tie.";

  public static final String RECIPE_RATER_GUARD_MAJORITY_VOTE_CONFIG =
      RECIPE_RATER_GUARD_PREFIX + "majority.vote";
  public static final boolean RECIPE_RATER_GUARD_MAJORITY_VOTE_DEFAULT = false;
  private static final String RECIPE_RATER_GUARD_MAJORITY_VOTE_DOC =
      "With the guard on, also set aside every feedback label its item's majority of subjects"
          + " votes against (one vote a subject), and every label of an item whose majority is a"
          + " tie. It catches noise spread over all records, which no subject's test does.";

  private static ConfigDef defineRaterGuard(ConfigDef definition) {
    return definition
        .define(
            RECIPE_RATER_GUARD_ENABLED_CONFIG,
            Type.BOOLEAN,
            RECIPE_RATER_GUARD_ENABLED_DEFAULT,
            Importance.LOW,
            RECIPE_RATER_GUARD_ENABLED_DOC)
        .define(
            RECIPE_RATER_GUARD_ALPHA_CONFIG,
            Type.DOUBLE,
            RECIPE_RATER_GUARD_ALPHA_DEFAULT,
            Range.between(1e-12, 0.5),
            Importance.LOW,
            RECIPE_RATER_GUARD_ALPHA_DOC)
        .define(
            RECIPE_RATER_GUARD_MIN_ITEMS_CONFIG,
            Type.INT,
            RECIPE_RATER_GUARD_MIN_ITEMS_DEFAULT,
            Range.atLeast(1),
            Importance.LOW,
            RECIPE_RATER_GUARD_MIN_ITEMS_DOC)
        .define(
            RECIPE_RATER_GUARD_MIN_OTHERS_CONFIG,
            Type.INT,
            RECIPE_RATER_GUARD_MIN_OTHERS_DEFAULT,
            Range.atLeast(1),
            Importance.LOW,
            RECIPE_RATER_GUARD_MIN_OTHERS_DOC)
        .define(
            RECIPE_RATER_GUARD_MAJORITY_VOTE_CONFIG,
            Type.BOOLEAN,
            RECIPE_RATER_GUARD_MAJORITY_VOTE_DEFAULT,
            Importance.LOW,
            RECIPE_RATER_GUARD_MAJORITY_VOTE_DOC);
  }

  private static ConfigDef defineFeedbackOnlyProfile(ConfigDef definition) {
    return definition
        .define(
            RECIPE_FEEDBACK_ONLY_BETA_CONFIG,
            Type.DOUBLE,
            RECIPE_FEEDBACK_ONLY_BETA_DEFAULT,
            Range.between(1e-6, 1e6),
            Importance.LOW,
            RECIPE_FEEDBACK_ONLY_BETA_DOC)
        .define(
            RECIPE_FEEDBACK_ONLY_SFT_WEIGHT_CONFIG,
            Type.DOUBLE,
            RECIPE_FEEDBACK_ONLY_SFT_WEIGHT_DEFAULT,
            Range.between(0.0, 1e6),
            Importance.LOW,
            RECIPE_FEEDBACK_ONLY_SFT_WEIGHT_DOC)
        .define(
            RECIPE_FEEDBACK_ONLY_REPLAY_KL_WEIGHT_CONFIG,
            Type.DOUBLE,
            RECIPE_FEEDBACK_ONLY_REPLAY_KL_WEIGHT_DEFAULT,
            Range.between(0.0, 1e6),
            Importance.LOW,
            RECIPE_FEEDBACK_ONLY_REPLAY_KL_WEIGHT_DOC);
  }

  private static ConfigDef defineFeedbackObjectives(ConfigDef definition) {
    defineFeedbackOnlyProfile(defineRaterGuard(definition))
        .define(
            RECIPE_FEEDBACK_OBJECTIVE_CONFIG,
            Type.STRING,
            RECIPE_FEEDBACK_OBJECTIVE_DEFAULT,
            ConfigDef.CaseInsensitiveValidString.in("preference", "sft"),
            Importance.LOW,
            RECIPE_FEEDBACK_OBJECTIVE_DOC)
        .define(
            RECIPE_PREFERENCE_LOSS_CONFIG,
            Type.STRING,
            RECIPE_PREFERENCE_LOSS_DEFAULT,
            ConfigDef.CaseInsensitiveValidString.in("dpo", "ipo", "conservative", "robust"),
            Importance.MEDIUM,
            RECIPE_PREFERENCE_LOSS_DOC)
        .define(
            RECIPE_PREFERENCE_BETA_CONFIG,
            Type.DOUBLE,
            RECIPE_PREFERENCE_BETA_DEFAULT,
            Range.between(1e-6, 1e6),
            Importance.MEDIUM,
            RECIPE_PREFERENCE_BETA_DOC)
        .define(
            RECIPE_PREFERENCE_LABEL_SMOOTHING_CONFIG,
            Type.DOUBLE,
            RECIPE_PREFERENCE_LABEL_SMOOTHING_DEFAULT,
            Range.between(0.0, 0.49),
            Importance.LOW,
            RECIPE_PREFERENCE_LABEL_SMOOTHING_DOC)
        .define(
            RECIPE_PREFERENCE_SFT_WEIGHT_CONFIG,
            Type.DOUBLE,
            RECIPE_PREFERENCE_SFT_WEIGHT_DEFAULT,
            Range.between(0.0, 1e6),
            Importance.LOW,
            RECIPE_PREFERENCE_SFT_WEIGHT_DOC)
        .define(
            RECIPE_PREFERENCE_DROP_SHARE_CONFIG,
            Type.DOUBLE,
            RECIPE_PREFERENCE_DROP_SHARE_DEFAULT,
            Range.between(0.0, 0.49),
            Importance.LOW,
            RECIPE_PREFERENCE_DROP_SHARE_DOC)
        .define(
            RECIPE_REPLAY_KL_WEIGHT_CONFIG,
            Type.DOUBLE,
            RECIPE_REPLAY_KL_WEIGHT_DEFAULT,
            Range.between(0.0, 1e6),
            Importance.LOW,
            RECIPE_REPLAY_KL_WEIGHT_DOC)
        .define(
            RECIPE_KTO_BETA_CONFIG,
            Type.DOUBLE,
            RECIPE_KTO_BETA_DEFAULT,
            Range.between(1e-6, 1e6),
            Importance.LOW,
            RECIPE_KTO_BETA_DOC);
    Map<String, String> weights = new LinkedHashMap<>();
    weights.put(RECIPE_KTO_DESIRABLE_WEIGHT_CONFIG, RECIPE_KTO_DESIRABLE_WEIGHT_DOC);
    weights.put(RECIPE_KTO_UNDESIRABLE_WEIGHT_CONFIG, RECIPE_KTO_UNDESIRABLE_WEIGHT_DOC);
    weights.put(RECIPE_CORRECTION_SFT_WEIGHT_CONFIG, RECIPE_CORRECTION_SFT_WEIGHT_DOC);
    for (String key :
        List.of(
            RECIPE_WEIGHT_LANGUAGE_MODEL_CONFIG,
            RECIPE_WEIGHT_PREFERENCE_CONFIG,
            RECIPE_WEIGHT_RATING_CONFIG,
            RECIPE_WEIGHT_CORRECTION_CONFIG)) {
      weights.put(key, RECIPE_WEIGHT_DOC);
    }
    weights.forEach(
        (key, doc) ->
            definition.define(
                key,
                Type.DOUBLE,
                RECIPE_WEIGHT_DEFAULT,
                Range.between(0.0, 1e6),
                Importance.LOW,
                doc));
    return definition;
  }

  /** Every problem of the values, those between keys included, at once. */
  private static Map<String, String> checked(Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    try {
      TENANT_SETTINGS.check(definition(values), values);
    } catch (InvalidConfigurationException e) {
      problems.addAll(e.problems());
    }
    MasterKeySettings.problem(values, false).ifPresent(problems::add);
    // both stages size their records from it (RecordBudget)
    problems.addAll(ProducerRequestSize.problems(values));
    RecordBudget.problem(values).ifPresent(problems::add);
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    return values;
  }

  /** {@link #configDef()} plus a definition for each per-tenant override among {@code values}. */
  static ConfigDef definition(Map<String, String> values) {
    return TENANT_SETTINGS.define(configDef(), values);
  }

  private Map<String, TriggerSettings> readTenantTriggers() {
    Map<String, TriggerSettings> triggers = new TreeMap<>();
    TriggerSettings defaults = defaultTriggers();
    for (String key : originalsStrings().keySet()) {
      String tenant = TENANT_SETTINGS.tenantOf(key);
      if (tenant != null
          && !key.endsWith(TENANT_LEARNING_RATE_SUFFIX)
          && !triggers.containsKey(tenant)) {
        triggers.put(tenant, tenantTriggers(tenant, defaults));
      }
    }
    return Map.copyOf(triggers);
  }

  private TriggerSettings tenantTriggers(String tenant, TriggerSettings defaults) {
    String base = TENANT_PREFIX + tenant;
    Map<String, ?> parsed = values();
    Object minExamples = parsed.get(base + TENANT_MIN_EXAMPLES_SUFFIX);
    Object minTokens = parsed.get(base + TENANT_MIN_TOKENS_SUFFIX);
    Object maxWaitMs = parsed.get(base + TENANT_MAX_WAIT_MS_SUFFIX);
    return new TriggerSettings(
        minExamples == null ? defaults.minExamples() : (Integer) minExamples,
        minTokens == null ? defaults.minTokens() : (Long) minTokens,
        maxWaitMs == null ? defaults.maxWait() : Duration.ofMillis((Long) maxWaitMs));
  }

  /** The triggers of tenants without overrides. */
  public TriggerSettings defaultTriggers() {
    return new TriggerSettings(
        getInt(TRIGGER_MIN_EXAMPLES_CONFIG),
        getLong(TRIGGER_MIN_TOKENS_CONFIG),
        Duration.ofMillis(getLong(TRIGGER_MAX_WAIT_MS_CONFIG)));
  }

  /** The triggers of {@code tenant}: its overrides, the defaults for the rest. */
  public TriggerSettings triggers(String tenant) {
    return tenantTriggers.getOrDefault(tenant, defaultTriggers());
  }

  /** Every tenant with at least one override, and its triggers. */
  public Map<String, TriggerSettings> tenantTriggers() {
    return tenantTriggers;
  }

  /** Every tenant with its own peak learning rate, and that rate. */
  public Map<String, Double> tenantLearningRates() {
    Map<String, Double> rates = new TreeMap<>();
    for (String key : originalsStrings().keySet()) {
      String tenant = TENANT_SETTINGS.tenantOf(key);
      if (tenant != null && key.endsWith(TENANT_LEARNING_RATE_SUFFIX)) {
        rates.put(tenant, (Double) values().get(key));
      }
    }
    return Map.copyOf(rates);
  }

  public Duration triggerCheckInterval() {
    return Duration.ofMillis(getLong(TRIGGER_CHECK_INTERVAL_MS_CONFIG));
  }

  public double heldOutFraction() {
    return getDouble(HELD_OUT_FRACTION_CONFIG);
  }

  public int replayMaxShards() {
    return getInt(REPLAY_MAX_SHARDS_CONFIG);
  }

  public double rebaseRetryGrowth() {
    return getDouble(REBASE_RETRY_GROWTH_CONFIG);
  }

  /**
   * The master keys that unwrap subjects' data keys, which the accumulator needs to decrypt the
   * examples it seals into shards (the worker needs none).
   */
  public Optional<MasterKeys> masterKeys() {
    return MasterKeySettings.masterKeys(this);
  }

  /** The accumulator's configured application.id, else the topic prefix's ({@link GroupIds}). */
  public String accumulatorApplicationId() {
    return GroupIds.of(
        topicPrefix(),
        StageAcls.Stage.TRAINER_ACCUMULATOR,
        getString(ACCUMULATOR_APPLICATION_ID_CONFIG));
  }

  /** The workers' configured group id, else the topic prefix's ({@link GroupIds}). */
  public String workerGroupId() {
    return GroupIds.of(
        topicPrefix(), StageAcls.Stage.TRAINER_WORKER, getString(WORKER_GROUP_ID_CONFIG));
  }

  /** This worker's stable name: the configured id, else the host name. */
  public String workerId() {
    return nameOrHostName(WORKER_ID_CONFIG);
  }

  /**
   * This worker's transactional id and static group member id: its {@link #workerId()} under the
   * topic prefix ({@link TransactionalIds}).
   */
  public String workerTransactionalId() {
    return TransactionalIds.of(topicPrefix(), StageAcls.Stage.TRAINER_WORKER, workerId());
  }

  public Path workerWorkDir() {
    return Path.of(getString(WORKER_WORK_DIR_CONFIG));
  }

  /** auto, cpu or gpu, lower-case. */
  public String workerDevice() {
    return getString(WORKER_DEVICE_CONFIG).toLowerCase(Locale.ROOT);
  }

  public int workerJobAttempts() {
    return getInt(WORKER_JOB_ATTEMPTS_CONFIG);
  }

  public Duration workerDecisionWait() {
    return Duration.ofMillis(getLong(WORKER_DECISION_WAIT_MS_CONFIG));
  }

  public int workerProgressEverySteps() {
    return getInt(WORKER_PROGRESS_EVERY_STEPS_CONFIG);
  }

  /** The base model folder, or empty for the bundled perennial-tiny. */
  public Optional<Path> baseModelPath() {
    return optionalString(BASE_MODEL_PATH_CONFIG).map(Path::of);
  }

  /**
   * A worker's configuration: every value checked, and the base model folder with them ({@link
   * #requireFilesExist}), so that a base that is not there is reported at start with every other
   * problem, before anything starts.
   *
   * @throws InvalidConfigurationException listing every problem, each with its key
   */
  public static TrainerConfig forWorker(Map<String, String> values) {
    TrainerConfig config;
    try {
      config = new TrainerConfig(values);
    } catch (InvalidConfigurationException e) {
      List<String> problems = new ArrayList<>(e.problems());
      configuredPath(values, BASE_MODEL_PATH_CONFIG)
          .flatMap(TrainerConfig::baseModelProblem)
          .ifPresent(problems::add);
      throw new InvalidConfigurationException(problems);
    }
    config.requireFilesExist();
    return config;
  }

  /**
   * Checks that the configured base model folder is there and holds a model (its {@value
   * HfCheckpoint#CONFIG}), for the worker (and the commands that open the base) to call before
   * opening it.
   *
   * @throws InvalidConfigurationException naming {@value #BASE_MODEL_PATH_CONFIG} and the path when
   *     it is set to no folder, or to one that holds no model
   */
  public void requireFilesExist() {
    List<String> problems = new ArrayList<>();
    baseModelPath().flatMap(TrainerConfig::baseModelProblem).ifPresent(problems::add);
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
  }

  private static Optional<String> baseModelProblem(Path folder) {
    return folderProblem(BASE_MODEL_PATH_CONFIG, folder)
        .or(() -> HfCheckpoint.modelFolderProblem(BASE_MODEL_PATH_CONFIG, folder));
  }

  /**
   * The tokenizer digests ({@code sha256:<hex>}) that the base's current tokenizer files replace on
   * purpose: a stable release trained with one of them is continued.
   */
  public Set<String> baseTokenizerReplaces() {
    return Set.copyOf(getList(BASE_TOKENIZER_REPLACES_CONFIG));
  }

  private static void checkTokenizerDigests(String name, Object value) {
    for (Object entry : (List<?>) value) {
      if (!TOKENIZER_DIGEST.matcher(entry.toString()).matches()) {
        throw new ConfigException(
            name,
            entry,
            "not a tokenizer digest: sha256: and 64 lower-case hex digits, as the worker's"
                + " TOKENIZER_CHANGED skip names it");
      }
    }
  }

  /**
   * How long one read of releases.v1 to its end may take ({@value
   * #WORKER_RELEASES_TIMEOUT_MS_CONFIG}).
   */
  public Duration workerReleasesTimeout() {
    return Duration.ofMillis(getLong(WORKER_RELEASES_TIMEOUT_MS_CONFIG));
  }

  /** The base model's name, or empty for the folder's name. */
  public Optional<String> baseModelName() {
    return optionalString(BASE_MODEL_NAME_CONFIG);
  }
}
