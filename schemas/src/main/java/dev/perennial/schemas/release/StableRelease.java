package dev.perennial.schemas.release;

import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.BaseAliases;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ReleaseRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The release an adapter key's {@value #ALIAS} alias points at on one base model, as the latest
 * {@code releases.v1} record tells it: its version and where its adapter folder lies. Aliases are
 * per key and base: a worker or evaluator on one base reads that base's stable release.
 *
 * @param baseTokenizerDigest the tokenizer files it was trained with ({@code sha256:<hex>}), which
 *     the base digest does not cover; null for a release whose record does not say (published
 *     before releases recorded it)
 */
public record StableRelease(
    int version,
    String location,
    String manifestDigest,
    String baseModelDigest,
    String baseTokenizerDigest) {

  public static final String ALIAS = "stable";

  /**
   * The extra of a candidate's recipe ({@code TrainingRecipe.extras}, kept in the release's
   * manifest) that records the digest of the tokenizer files it was trained with.
   */
  public static final String RECIPE_TOKENIZER_DIGEST = "baseTokenizerDigest";

  /**
   * The extra of a candidate's recipe that records the tokenizer digests the trainer was told its
   * base's files replace on purpose ({@code perennial.trainer.base.tokenizer.replaces}; comma
   * separated, absent when none): a release trained with one of them is continued, and compared
   * with, under the base's files.
   */
  public static final String RECIPE_TOKENIZER_REPLACES = "baseTokenizerReplaces";

  /** The digests a recipe's {@value #RECIPE_TOKENIZER_REPLACES} extra names, normalized. */
  public static Set<String> declaredReplaced(Map<String, String> extras) {
    String declared = extras.get(RECIPE_TOKENIZER_REPLACES);
    if (declared == null || declared.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(declared.split(","))
        .map(StableRelease::normalized)
        .filter(digest -> !digest.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static final String DIGEST_PREFIX = "sha256:";

  /**
   * Whether the release was trained on the base with the given digest. Digests compare as SHA-256
   * values: {@code releases.v1} carries them as bare hex, candidates as {@code sha256:<hex>}.
   */
  public boolean trainedOn(String baseDigest) {
    return baseDigest != null && normalized(baseModelDigest).equals(normalized(baseDigest));
  }

  /** The tokenizer files it was trained with, when its record says. */
  public Optional<String> tokenizerDigest() {
    return Optional.ofNullable(baseTokenizerDigest);
  }

  /**
   * Whether it was trained with tokenizer files other than those with the given digest: empty when
   * its record does not say which it was trained with.
   */
  public Optional<Boolean> trainedWithOtherTokenizer(String tokenizerDigest) {
    return tokenizerDigest()
        .map(recorded -> !normalized(recorded).equals(normalized(tokenizerDigest)));
  }

  /**
   * Whether a job of this trigger continues its key's stable release on the worker's base (a fresh
   * adapter where there is none): every update does. An ERASURE job retrains from scratch, a REBASE
   * job starts from the release it moves, an IMPORT job from the imported adapter.
   */
  public static boolean isContinuedBy(JobTrigger trigger) {
    return switch (trigger) {
      case ERASURE, REBASE, IMPORT -> false;
      default -> true;
    };
  }

  /**
   * Digests as bare lower-case hex, whether written {@code sha256:<hex>} or as hex. Model's {@code
   * Digests.normalized}, behind {@code BaseModel.tokenizerMatch}, applies the same rule (model
   * depends on neither schemas nor core).
   */
  public static String normalized(String digest) {
    String lower = digest == null ? "" : digest.trim().toLowerCase(java.util.Locale.ROOT);
    return lower.startsWith(DIGEST_PREFIX) ? lower.substring(DIGEST_PREFIX.length()) : lower;
  }

  /**
   * The stable release on the key's newest base (the record's {@code aliases}), if the alias points
   * anywhere.
   */
  public static Optional<StableRelease> of(AdapterRelease latest) {
    return resolve(latest, latest.getAliases().get(ALIAS));
  }

  /** The stable release on the base with the given digest, if that base has one. */
  public static Optional<StableRelease> of(AdapterRelease latest, String baseDigest) {
    String wanted = normalized(baseDigest);
    if (latest.getBaseAliases().isEmpty()) {
      // written before aliases were per base: its aliases were all on one base
      return of(latest).filter(stable -> stable.trainedOn(wanted));
    }
    for (BaseAliases base : latest.getBaseAliases()) {
      if (normalized(base.getBaseModelDigest()).equals(wanted)) {
        return resolve(latest, base.getAliases().get(ALIAS));
      }
    }
    return Optional.empty();
  }

  /**
   * The stable releases on every base other than the one with the given digest: where a key that
   * has none on that base still lives.
   */
  public static List<StableRelease> onOtherBases(AdapterRelease latest, String baseDigest) {
    String excluded = normalized(baseDigest);
    if (latest.getBaseAliases().isEmpty()) {
      return of(latest).filter(stable -> !stable.trainedOn(excluded)).stream().toList();
    }
    List<StableRelease> elsewhere = new ArrayList<>();
    for (BaseAliases base : latest.getBaseAliases()) {
      if (!normalized(base.getBaseModelDigest()).equals(excluded)) {
        resolve(latest, base.getAliases().get(ALIAS)).ifPresent(elsewhere::add);
      }
    }
    return elsewhere;
  }

  private static Optional<StableRelease> resolve(AdapterRelease latest, Integer version) {
    if (version == null || latest.getRetractedVersions().contains(version)) {
      return Optional.empty();
    }
    for (ReleaseRef target : latest.getAliasTargets()) {
      if (target.getVersion() == version) {
        return Optional.of(
            new StableRelease(
                version,
                target.getLocation(),
                target.getManifestDigest(),
                target.getBaseModelDigest(),
                target.getBaseTokenizerDigest()));
      }
    }
    if (latest.getVersion() == version) {
      return Optional.of(
          new StableRelease(
              version,
              latest.getLocation(),
              latest.getManifestDigest(),
              latest.getBaseModelDigest(),
              latest.getBaseTokenizerDigest()));
    }
    return Optional.empty();
  }
}
