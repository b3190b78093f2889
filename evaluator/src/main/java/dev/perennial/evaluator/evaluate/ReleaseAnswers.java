package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.schemas.v1.LineageRelease;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Answers questions greedily with a release on the base it was trained on: what a REBASE candidate
 * is judged against (the old release on the old base).
 */
@FunctionalInterface
public interface ReleaseAnswers {

  /**
   * @param tokenizerDigest the tokenizer files the release was trained with, as {@code releases.v1}
   *     records them; empty when it records none
   * @param declaredReplaced the tokenizer digests the candidate's trainer was told are replaced on
   *     purpose: a release trained with one is answered under its base's files, with a note
   * @param work a scratch folder for the release's files
   * @throws dev.perennial.evaluator.UnusableCandidateException when the release or its base cannot
   *     be loaded
   * @throws dev.perennial.evaluator.UndecidableCandidateException when the release was trained with
   *     other tokenizer files than its base has now
   */
  Answered answers(
      LineageRelease release,
      Optional<String> tokenizerDigest,
      Set<String> declaredReplaced,
      List<EvalExample> questions,
      Path work);

  /**
   * The release's answers, and what the verdict says the evaluator could not check of the tokenizer
   * files it answered under (empty when it checked them).
   */
  record Answered(List<String> answers, Optional<String> unchecked) {

    public Answered {
      answers = List.copyOf(answers);
    }
  }
}
