package dev.perennial.model.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * User feedback with known truth on a set of questions (issue 14): for each question, a preference
 * pair (the right answer chosen over a wrong one), two ratings (the right answer rated desirable, a
 * wrong one undesirable) and a correction (the wrong answer corrected to the right one). A wrong
 * answer is the fact's stale value where the fact changed (what a model that missed the update
 * says), else an invented value of the same attribute.
 *
 * <p>A share of the labels is noisy, as from a user who prefers the wrong answer: exactly {@code
 * round(noise * n)} of each kind's items, chosen at random, have their label flipped (the pair
 * swapped, the rating inverted, the correction reversed), and say so, so that robustness can be
 * measured against the truth. The same world, questions, noise and seed give the same feedback.
 */
public final class SyntheticFeedback {

  /**
   * @param flipped whether the label is noise: then {@code chosen} is the wrong answer
   */
  public record Preference(
      String prompt, String chosen, String rejected, Fact fact, boolean flipped) {}

  /**
   * @param right whether the answer is the fact's value
   * @param desirable the user's label (differs from {@code right} where flipped)
   */
  public record Rating(String prompt, String answer, boolean right, boolean desirable, Fact fact) {

    public boolean flipped() {
      return right != desirable;
    }
  }

  /**
   * @param flipped whether the label is noise: then {@code corrected} is the wrong answer
   */
  public record Correction(
      String prompt, String original, String corrected, Fact fact, boolean flipped) {}

  private final List<Preference> preferences;
  private final List<Rating> ratings;
  private final List<Correction> corrections;

  private SyntheticFeedback(
      List<Preference> preferences, List<Rating> ratings, List<Correction> corrections) {
    this.preferences = List.copyOf(preferences);
    this.ratings = List.copyOf(ratings);
    this.corrections = List.copyOf(corrections);
  }

  /**
   * Feedback on {@code questions} (each with its fact).
   *
   * @param noise the share of flipped labels in each kind, in [0, 0.5)
   */
  public static SyntheticFeedback on(World world, List<QaPair> questions, double noise, long seed) {
    if (!(noise >= 0 && noise < 0.5)) {
      throw new IllegalArgumentException("the noise share must be in [0, 0.5), not " + noise);
    }
    Random random = new Random(world.derivedSeed("feedback/" + seed));
    List<String> wrong = new ArrayList<>();
    for (QaPair question : questions) {
      Fact fact = question.fact();
      wrong.add(
          " "
              + (fact.isChange()
                  ? fact.previousValue()
                  : Values.drawOther(fact.attribute(), random, world.places(), fact.value())));
    }
    int n = questions.size();
    Set<Integer> flippedPairs = flipped(n, noise, random);
    Set<Integer> flippedRatings = flipped(2 * n, noise, random);
    Set<Integer> flippedCorrections = flipped(n, noise, random);
    List<Preference> preferences = new ArrayList<>();
    List<Rating> ratings = new ArrayList<>();
    List<Correction> corrections = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      QaPair question = questions.get(i);
      String right = question.completion();
      String prompt = question.prompt();
      Fact fact = question.fact();
      boolean pairFlipped = flippedPairs.contains(i);
      preferences.add(
          new Preference(
              prompt,
              pairFlipped ? wrong.get(i) : right,
              pairFlipped ? right : wrong.get(i),
              fact,
              pairFlipped));
      ratings.add(new Rating(prompt, right, true, !flippedRatings.contains(2 * i), fact));
      ratings.add(
          new Rating(prompt, wrong.get(i), false, flippedRatings.contains(2 * i + 1), fact));
      boolean correctionFlipped = flippedCorrections.contains(i);
      corrections.add(
          new Correction(
              prompt,
              correctionFlipped ? right : wrong.get(i),
              correctionFlipped ? wrong.get(i) : right,
              fact,
              correctionFlipped));
    }
    return new SyntheticFeedback(preferences, ratings, corrections);
  }

  public List<Preference> preferences() {
    return preferences;
  }

  public List<Rating> ratings() {
    return ratings;
  }

  public List<Correction> corrections() {
    return corrections;
  }

  /** Exactly {@code round(noise * count)} of the indices {@code 0..count-1}, drawn at random. */
  private static Set<Integer> flipped(int count, double noise, Random random) {
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      indices.add(i);
    }
    Collections.shuffle(indices, random);
    return new HashSet<>(indices.subList(0, (int) Math.round(noise * count)));
  }
}
