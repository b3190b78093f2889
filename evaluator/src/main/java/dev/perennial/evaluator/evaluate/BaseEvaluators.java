package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.UnusableCandidateException;
import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageRelease;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link CandidateEvaluator} per base: the configured one, and one for each base a REBASE
 * candidate names (opened from the candidate's {@code baseModelLocation} once, and used only when
 * the model there has the digest the candidate names). Every other candidate goes to the configured
 * base's evaluator, which refuses one of another base ({@value GateNames#BASE_MODEL}). The
 * evaluators answer REBASE candidates' old releases through each other: a release is answered by
 * the evaluator of the base it was trained on.
 */
public final class BaseEvaluators implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BaseEvaluators.class);

  private final CandidateEvaluator configured;
  private final int generalSize;
  private final Function<EvaluationBase, CandidateEvaluator> factory;
  private final Map<String, CandidateEvaluator> others = new HashMap<>();

  /**
   * @param generalSize general questions each other base's retention suite asks (0: all)
   * @param factory an evaluator for another base, sharing the configured one's store, history and
   *     settings
   */
  public BaseEvaluators(
      CandidateEvaluator configured,
      int generalSize,
      Function<EvaluationBase, CandidateEvaluator> factory) {
    this.configured = configured;
    this.generalSize = generalSize;
    this.factory = factory;
    configured.answerOldReleasesWith(this::answers);
  }

  public CandidateEvaluator configured() {
    return configured;
  }

  /** Evaluates every request on its base's evaluator; the evaluations in the requests' order. */
  public List<Evaluation> evaluate(List<CandidateRequest> requests, EvaluationListener listener) {
    Map<CandidateEvaluator, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      groups
          .computeIfAbsent(evaluatorFor(requests.get(i).candidate()), e -> new ArrayList<>())
          .add(i);
    }
    Map<Integer, Evaluation> done = new TreeMap<>();
    for (Map.Entry<CandidateEvaluator, List<Integer>> group : groups.entrySet()) {
      List<Evaluation> evaluations =
          group.getKey().evaluate(group.getValue().stream().map(requests::get).toList(), listener);
      for (int j = 0; j < evaluations.size(); j++) {
        done.put(group.getValue().get(j), evaluations.get(j));
      }
    }
    return new ArrayList<>(done.values());
  }

  /** The evaluator of the candidate's base: another base's only for a REBASE candidate. */
  CandidateEvaluator evaluatorFor(AdapterCandidate candidate) {
    String digest = StableRelease.normalized(candidate.getBaseModelDigest());
    if (isConfigured(digest)
        || candidate.getTrigger() != JobTrigger.REBASE
        || candidate.getBaseModelLocation() == null) {
      return configured;
    }
    try {
      return evaluatorOf(candidate.getBaseModelName(), digest, candidate.getBaseModelLocation());
    } catch (RuntimeException e) {
      log.warn(
          "Cannot evaluate candidate {} on its base {} at {}: {}",
          candidate.getCandidateId(),
          candidate.getBaseModelName(),
          candidate.getBaseModelLocation(),
          e.getMessage());
      return configured;
    }
  }

  /** The old release's answers, by the evaluator of the base it was trained on. */
  ReleaseAnswers.Answered answers(
      LineageRelease release,
      Optional<String> tokenizerDigest,
      Set<String> declaredReplaced,
      List<EvalExample> questions,
      Path work) {
    String digest = StableRelease.normalized(release.getBaseModelDigest());
    CandidateEvaluator evaluator;
    if (isConfigured(digest)) {
      evaluator = configured;
    } else if (release.getBaseModelLocation() == null) {
      throw new UnusableCandidateException(
          GateNames.TRANSFER_TENANT,
          "Release v"
              + release.getVersion()
              + " of base "
              + release.getBaseModelName()
              + " names no location to load that base from");
    } else {
      try {
        evaluator = evaluatorOf(release.getBaseModelName(), digest, release.getBaseModelLocation());
      } catch (RuntimeException e) {
        throw new UnusableCandidateException(
            GateNames.TRANSFER_TENANT,
            "Cannot open base " + release.getBaseModelName() + ": " + e.getMessage(),
            e);
      }
    }
    return evaluator.answer(release, tokenizerDigest, declaredReplaced, questions, work);
  }

  private boolean isConfigured(String digest) {
    return StableRelease.normalized(configured.base().base().digest()).equals(digest);
  }

  private synchronized CandidateEvaluator evaluatorOf(String name, String digest, String location) {
    CandidateEvaluator known = others.get(digest);
    if (known != null) {
      return known;
    }
    EvaluationBase base = configured.base().other(name, location, generalSize);
    String opened = StableRelease.normalized(base.base().digest());
    if (!opened.equals(digest)) {
      throw new UnusableCandidateException(
          GateNames.BASE_MODEL,
          "the model at " + location + " has digest " + opened + ", not " + digest);
    }
    log.info("Evaluating candidates of base {} ({}) from {}", name, digest, location);
    CandidateEvaluator evaluator = factory.apply(base);
    evaluator.answerOldReleasesWith(this::answers);
    others.put(digest, evaluator);
    return evaluator;
  }

  @Override
  public synchronized void close() {
    others.values().forEach(evaluator -> evaluator.scorer().close());
    configured.scorer().close();
  }
}
