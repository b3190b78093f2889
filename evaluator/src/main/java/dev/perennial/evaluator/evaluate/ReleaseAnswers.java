package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.schemas.v1.LineageRelease;
import java.nio.file.Path;
import java.util.List;

/**
 * Answers questions greedily with a release on the base it was trained on: what a REBASE candidate
 * is judged against (the old release on the old base).
 */
@FunctionalInterface
public interface ReleaseAnswers {

  /**
   * @param work a scratch folder for the release's files
   * @throws dev.perennial.evaluator.UnusableCandidateException when the release or its base cannot
   *     be loaded
   */
  List<String> answers(LineageRelease release, List<EvalExample> questions, Path work);
}
