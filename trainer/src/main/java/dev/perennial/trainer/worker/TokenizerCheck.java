package dev.perennial.trainer.worker;

import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tokenizer.Tokenizers;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.TrainerConfig;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a stable release may be continued under the tokenizer files of the worker's base. The
 * base digest covers config and weights only: an operator may change the tokenizer files in place
 * (a chat-template fix, a new special token, another {@code tokenizer.json}) under the same
 * weights, and continuing a release trained with the old files would train it on other tokens.
 * Releases record the tokenizer digest their recipe recorded ({@code releases.v1}'s {@code
 * baseTokenizerDigest}); one published before releases recorded it cannot be checked and is
 * continued as before, with one warning per release and worker; so is one that recorded its digest
 * before {@code generation_config.json} was part of it, when every other tokenizer file is the
 * same.
 */
final class TokenizerCheck {

  private static final Logger log = LoggerFactory.getLogger(TokenizerCheck.class);

  private final Set<String> unchecked = ConcurrentHashMap.newKeySet();
  private final Set<String> replaced;

  /**
   * @param replaced tokenizer digests the base's current files replace on purpose ({@value
   *     TrainerConfig#BASE_TOKENIZER_REPLACES_CONFIG}): a release trained with one is continued
   */
  TokenizerCheck(Set<String> replaced) {
    this.replaced =
        replaced.stream().map(StableRelease::normalized).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * The replaced digests as a candidate's recipe records them ({@value
   * StableRelease#RECIPE_TOKENIZER_REPLACES}: sorted, comma separated), so that the evaluator
   * compares a release trained with one of them as the worker continued it; empty when none.
   */
  String declared() {
    return replaced.stream().sorted().collect(Collectors.joining(","));
  }

  /**
   * @throws JobSkippedException ({@link JobSkippedException.Reason#TOKENIZER_CHANGED}) when {@code
   *     release} was trained with other tokenizer files than {@code base} has
   */
  void check(TrainingJob job, StableRelease release, BaseModel base) {
    check(job, release, base, message(job.getAdapterKey(), release, base));
  }

  /**
   * As {@link #check(TrainingJob, StableRelease, BaseModel)} for a REBASE job's source: {@code
   * release} on its old base {@code from}, which teaches or is carried over under that base's
   * tokenizer files. A skip gives the job up, which settles it (the accumulator re-bases the key
   * again when the new base is announced again).
   */
  void checkRebaseSource(TrainingJob job, StableRelease release, BaseModel from) {
    check(job, release, from, rebaseMessage(job.getAdapterKey(), release, from));
  }

  private void check(TrainingJob job, StableRelease release, BaseModel base, String refusal) {
    String current = base.tokenizerDigest();
    if (release.tokenizerDigest().isEmpty()) {
      if (unchecked.add(job.getAdapterKey() + " v" + release.version())) {
        log.warn(
            "v{} of {} records no tokenizer digest (released before releases recorded it): whether"
                + " {}'s tokenizer files {} are those it was trained with cannot be checked, so it"
                + " is continued as before",
            release.version(),
            job.getAdapterKey(),
            base.name(),
            current);
      }
      return;
    }
    switch (base.tokenizerMatch(release.baseTokenizerDigest())) {
      case SAME -> {}
      case SAME_BEFORE_GENERATION_CONFIG -> {
        if (unchecked.add(job.getAdapterKey() + " v" + release.version())) {
          log.warn(
              "v{} of {} recorded its tokenizer digest before {} was part of it: {}'s other"
                  + " tokenizer files are those it was trained with, its {} cannot be checked, so"
                  + " it is continued",
              release.version(),
              job.getAdapterKey(),
              Tokenizers.GENERATION_CONFIG,
              base.name(),
              Tokenizers.GENERATION_CONFIG);
        }
      }
      case OTHER -> {
        if (!replaced.contains(StableRelease.normalized(release.baseTokenizerDigest()))) {
          throw new JobSkippedException(
              JobSkippedException.Reason.TOKENIZER_CHANGED, refusal, null);
        }
        if (unchecked.add(job.getAdapterKey() + " v" + release.version())) {
          log.info(
              "v{} of {} was trained with tokenizer files {}, which {}'s files {} replace as {}"
                  + " declares: it is continued under them",
              release.version(),
              job.getAdapterKey(),
              release.baseTokenizerDigest(),
              base.name(),
              current,
              TrainerConfig.BASE_TOKENIZER_REPLACES_CONFIG);
        }
      }
    }
  }

  /** Why a REBASE job whose source release was trained with other tokenizer files is given up. */
  static String rebaseMessage(String adapterKey, StableRelease release, BaseModel from) {
    return adapterKey
        + " v"
        + release.version()
        + " was trained with tokenizer files "
        + release.baseTokenizerDigest()
        + ", but its base "
        + from.name()
        + " ("
        + from.digest()
        + ") now has tokenizer files "
        + from.tokenizerDigest()
        + ": as teacher or carried over it would read other tokens than it learnt, so the REBASE"
        + " job is given up. Restore the tokenizer files v"
        + release.version()
        + " was trained with in "
        + from.checkpoint().folder()
        + " (or, if the change was meant, set "
        + TrainerConfig.BASE_TOKENIZER_REPLACES_CONFIG
        + "="
        + release.baseTokenizerDigest()
        + "), then announce the new base again to re-base the key";
  }

  /** Why a key whose stable release was trained with other tokenizer files waits. */
  static String message(String adapterKey, StableRelease release, BaseModel base) {
    return adapterKey
        + " v"
        + release.version()
        + " was trained with tokenizer files "
        + release.baseTokenizerDigest()
        + ", but this worker's base "
        + base.name()
        + " ("
        + base.digest()
        + ", the same config and weights) now has tokenizer files "
        + base.tokenizerDigest()
        + ": continuing v"
        + release.version()
        + " would train it on other tokens, so the job is skipped and its data stays in the"
        + " key's shards. To continue v"
        + release.version()
        + ", restore the tokenizer files it was trained with in "
        + base.checkpoint().folder()
        + ", or, if the change was meant, set "
        + TrainerConfig.BASE_TOKENIZER_REPLACES_CONFIG
        + "="
        + release.baseTokenizerDigest()
        + " to continue it under the new files. A re-base cannot move it yet: bases are told apart by their config and weights"
        + " digest alone, so perennial bases announce refuses a successor with the same weights";
  }
}
