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
 * wrong one undesirable) and a correction (the wrong answer corrected to the right one), each from
 * {@code records} users asking the same question. A fact has one wrong answer, in every phrasing
 * and record: its stale value where the fact changed (what a model that missed the update says),
 * else a value of the same attribute invented once per fact and seed ({@link #wrongAnswer}), as
 * users who are wrong about a fact tend to repeat the same wrong value.
 *
 * <p>A share of the labels is noisy, as from a user who prefers the wrong answer: exactly {@code
 * round(noise * n)} of each kind's n records, chosen at random, have their label flipped (the pair
 * swapped, the rating inverted, the correction reversed), and say so, so that robustness can be
 * measured against the truth. The same world, questions, records, noise and seed give the same
 * feedback.
 *
 * <p>{@link #byUsers} models the noise by user instead: a pool of users of whom exactly {@code
 * round(noise * users)} always prefer the wrong answer, each question's records from distinct users
 * drawn at random. Every record carries its user: in the per-record model the k-th record of its
 * question ({@code k < records}), in the user model the user's index in the pool.
 */
public final class SyntheticFeedback {

  /**
   * @param flipped whether the label is noise: then {@code chosen} is the wrong answer
   * @param user who gave it
   */
  public record Preference(
      String prompt, String chosen, String rejected, Fact fact, boolean flipped, int user) {}

  /**
   * @param right whether the answer is the fact's value
   * @param desirable the user's label (differs from {@code right} where flipped)
   * @param user who gave it
   */
  public record Rating(
      String prompt, String answer, boolean right, boolean desirable, Fact fact, int user) {

    public boolean flipped() {
      return right != desirable;
    }
  }

  /**
   * @param flipped whether the label is noise: then {@code corrected} is the wrong answer
   * @param user who gave it
   */
  public record Correction(
      String prompt, String original, String corrected, Fact fact, boolean flipped, int user) {}

  private final List<Preference> preferences;
  private final List<Rating> ratings;
  private final List<Correction> corrections;
  private final Set<Integer> noisyUsers;

  private SyntheticFeedback(
      List<Preference> preferences,
      List<Rating> ratings,
      List<Correction> corrections,
      Set<Integer> noisyUsers) {
    this.preferences = List.copyOf(preferences);
    this.ratings = List.copyOf(ratings);
    this.corrections = List.copyOf(corrections);
    this.noisyUsers = Set.copyOf(noisyUsers);
  }

  /** Feedback on {@code questions} (each with its fact), one record of each kind a question. */
  public static SyntheticFeedback on(World world, List<QaPair> questions, double noise, long seed) {
    return on(world, questions, 1, noise, seed);
  }

  /**
   * Feedback on {@code questions} (each with its fact) from {@code records} users each: question
   * {@code i}'s records are the pairs and corrections {@code i * records} to {@code (i + 1) *
   * records - 1}, each record with its two ratings (right answer, then wrong) at {@code 2 *} its
   * index.
   *
   * @param noise the share of flipped labels in each kind, in [0, 0.5)
   */
  public static SyntheticFeedback on(
      World world, List<QaPair> questions, int records, double noise, long seed) {
    check(records, noise);
    Random random = new Random(world.derivedSeed("feedback/" + seed));
    int n = questions.size() * records;
    Set<Integer> flippedPairs = flipped(n, noise, random);
    Set<Integer> flippedRatings = flipped(2 * n, noise, random);
    Set<Integer> flippedCorrections = flipped(n, noise, random);
    Builder feedback = new Builder(world, seed);
    for (int i = 0; i < n; i++) {
      feedback.add(
          questions.get(i / records),
          i % records,
          flippedPairs.contains(i),
          flippedRatings.contains(2 * i),
          flippedRatings.contains(2 * i + 1),
          flippedCorrections.contains(i));
    }
    return feedback.build(Set.of());
  }

  /**
   * Feedback on {@code questions} from a pool of {@code users} users, {@code records} distinct ones
   * a question, drawn at random; exactly {@code round(noise * users)} of the users, drawn at
   * random, always prefer the wrong answer (every pair, rating and correction they give is
   * flipped). Records are laid out as in {@link #on(World, List, int, double, long)}.
   *
   * @param noise the share of noisy users, in [0, 0.5)
   */
  public static SyntheticFeedback byUsers(
      World world, List<QaPair> questions, int records, int users, double noise, long seed) {
    check(records, noise);
    if (users < records) {
      throw new IllegalArgumentException(
          "a question's " + records + " records need as many users, not " + users);
    }
    Random random = new Random(world.derivedSeed("feedback/" + seed + "/users"));
    Set<Integer> noisy = flipped(users, noise, random);
    List<Integer> pool = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      pool.add(u);
    }
    Builder feedback = new Builder(world, seed);
    for (QaPair question : questions) {
      Collections.shuffle(pool, random);
      for (int user : pool.subList(0, records)) {
        boolean wrong = noisy.contains(user);
        feedback.add(question, user, wrong, wrong, wrong, wrong);
      }
    }
    return feedback.build(noisy);
  }

  private static void check(int records, double noise) {
    if (!(noise >= 0 && noise < 0.5)) {
      throw new IllegalArgumentException("the noise share must be in [0, 0.5), not " + noise);
    }
    if (records < 1) {
      throw new IllegalArgumentException("at least one record a question, not " + records);
    }
  }

  /** Records appended in order, each a pair, its two ratings and a correction. */
  private static final class Builder {
    private final World world;
    private final long seed;
    private final List<Preference> preferences = new ArrayList<>();
    private final List<Rating> ratings = new ArrayList<>();
    private final List<Correction> corrections = new ArrayList<>();

    Builder(World world, long seed) {
      this.world = world;
      this.seed = seed;
    }

    void add(
        QaPair question,
        int user,
        boolean pairFlipped,
        boolean rightRatingFlipped,
        boolean wrongRatingFlipped,
        boolean correctionFlipped) {
      String right = question.completion();
      String prompt = question.prompt();
      Fact fact = question.fact();
      String wrong = wrongAnswer(world, fact, seed);
      preferences.add(
          new Preference(
              prompt,
              pairFlipped ? wrong : right,
              pairFlipped ? right : wrong,
              fact,
              pairFlipped,
              user));
      ratings.add(new Rating(prompt, right, true, !rightRatingFlipped, fact, user));
      ratings.add(new Rating(prompt, wrong, false, wrongRatingFlipped, fact, user));
      corrections.add(
          new Correction(
              prompt,
              correctionFlipped ? right : wrong,
              correctionFlipped ? wrong : right,
              fact,
              correctionFlipped,
              user));
    }

    SyntheticFeedback build(Set<Integer> noisyUsers) {
      return new SyntheticFeedback(preferences, ratings, corrections, noisyUsers);
    }
  }

  /**
   * The wrong answer of {@code fact} in feedback of {@code seed} (with its leading space): the
   * stale value of a changed fact, else a value of its attribute drawn from the fact and the seed
   * alone, so every phrasing, record, noise share and question list agree on it.
   */
  public static String wrongAnswer(World world, Fact fact, long seed) {
    if (fact.isChange()) {
      return " " + fact.previousValue();
    }
    Random random = new Random(world.derivedSeed("feedback/" + seed + "/wrong/" + fact.key()));
    return " " + Values.drawOther(fact.attribute(), random, world.places(), fact.value());
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

  /** The users who always prefer the wrong answer ({@link #byUsers}); none per record. */
  public Set<Integer> noisyUsers() {
    return noisyUsers;
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
