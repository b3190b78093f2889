package dev.perennial.ingest.bench;

import dev.perennial.ingest.redact.BaselineRedactor;
import dev.perennial.ingest.redact.PiiRedactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Recall and precision of {@link PiiRedactor} on the {@link PiiCorpus}: a value counts as found
 * when detections of its own type cover all of it (a redaction then leaves nothing of it); a
 * detection counts as right when it overlaps a value of its type, and wrong otherwise (on a
 * look-alike, or on a value of another type). Also, per look-alike class, the share of look-alikes
 * left untouched. {@link #compare} measures the {@link BaselineRedactor} (ingest's redaction before
 * it read the spellings people use) on the same corpus, side by side.
 */
public final class PiiBenchmark {

  /** Found and missed values and right and wrong detections of one type (or one spelling). */
  public record Tally(int found, int missed, int right, int wrong) {

    public double recall() {
      return found + missed == 0 ? Double.NaN : found / (double) (found + missed);
    }

    public double precision() {
      return right + wrong == 0 ? 1.0 : right / (double) (right + wrong);
    }

    Tally plus(Tally other) {
      return new Tally(
          found + other.found, missed + other.missed, right + other.right, wrong + other.wrong);
    }
  }

  /**
   * What one run measured.
   *
   * @param byType per type of personal data
   * @param bySpelling per spelling class (recall) and look-alike class (untouched share: {@code
   *     found} is untouched samples, {@code missed} touched ones)
   * @param misses a few samples per spelling class whose value was not found (for whoever tunes)
   * @param falseAlarms a few look-alikes that were touched, with what was detected
   */
  public record Report(
      int samples,
      Map<String, Tally> byType,
      Map<String, Tally> bySpelling,
      Map<String, Tally> byLookalike,
      List<String> misses,
      List<String> falseAlarms) {

    /** The share of all look-alike samples left untouched. */
    public double lookalikesUntouched() {
      Tally all = byLookalike.values().stream().reduce(new Tally(0, 0, 0, 0), Tally::plus);
      return all.recall();
    }

    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      lines.add(
          String.format(
              Locale.ROOT,
              "%,d samples (%d spellings of personal data, %d kinds of look-alikes)",
              samples,
              bySpelling.size(),
              byLookalike.size()));
      lines.add(
          String.format(
              Locale.ROOT,
              "%-8s %9s %9s %9s %9s %8s %9s",
              "type",
              "values",
              "found",
              "recall",
              "detected",
              "wrong",
              "precision"));
      byType.forEach(
          (type, tally) ->
              lines.add(
                  String.format(
                      Locale.ROOT,
                      "%-8s %9d %9d %9.4f %9d %8d %9.4f",
                      type,
                      tally.found() + tally.missed(),
                      tally.found(),
                      tally.recall(),
                      tally.right() + tally.wrong(),
                      tally.wrong(),
                      tally.precision())));
      lines.add(
          String.format(
              Locale.ROOT,
              "look-alikes left untouched: %.4f (%d kinds)",
              lookalikesUntouched(),
              byLookalike.size()));
      bySpelling.forEach(
          (spelling, tally) -> {
            if (tally.missed() > 0) {
              lines.add(String.format(Locale.ROOT, "  recall %.3f  %s", tally.recall(), spelling));
            }
          });
      byLookalike.forEach(
          (kind, tally) -> {
            if (tally.missed() > 0) {
              lines.add(
                  String.format(
                      Locale.ROOT, "  untouched %.3f  look-alike %s", tally.recall(), kind));
            }
          });
      misses.forEach(miss -> lines.add("  missed: " + miss));
      falseAlarms.forEach(alarm -> lines.add("  false alarm: " + alarm));
      return lines;
    }
  }

  /** The baseline and the current redaction on one corpus. */
  public record Comparison(Report baseline, Report current) {

    /** Both side by side per type, then the current's details. */
    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      lines.add(current.lines().get(0));
      lines.add(String.format(Locale.ROOT, "%-8s %9s %19s %19s", "", "", "recall", "precision"));
      lines.add(
          String.format(
              Locale.ROOT,
              "%-8s %9s %9s %9s %9s %9s",
              "type",
              "values",
              "baseline",
              "now",
              "baseline",
              "now"));
      current
          .byType()
          .forEach(
              (type, now) -> {
                Tally before = baseline.byType().getOrDefault(type, new Tally(0, 0, 0, 0));
                lines.add(
                    String.format(
                        Locale.ROOT,
                        "%-8s %9d %9.4f %9.4f %9.4f %9.4f",
                        type,
                        now.found() + now.missed(),
                        before.recall(),
                        now.recall(),
                        before.precision(),
                        now.precision()));
              });
      lines.add(
          String.format(
              Locale.ROOT,
              "look-alikes left untouched: baseline %.4f, now %.4f",
              baseline.lookalikesUntouched(),
              current.lookalikesUntouched()));
      lines.add("Now, in detail:");
      lines.addAll(current.lines().subList(1, current.lines().size()));
      return lines;
    }
  }

  private static final int EXAMPLES_PER_CLASS = 2;

  private PiiBenchmark() {}

  /** Runs the redactor over {@code perSpelling} samples of every class, from {@code seed}. */
  public static Report run(int perSpelling, long seed) {
    return run(new PiiRedactor()::detections, PiiCorpus.generate(perSpelling, seed));
  }

  /** The baseline and the current redaction over the same corpus. */
  public static Comparison compare(int perSpelling, long seed) {
    List<PiiCorpus.Sample> samples = PiiCorpus.generate(perSpelling, seed);
    return new Comparison(
        run(new BaselineRedactor()::detections, samples),
        run(new PiiRedactor()::detections, samples));
  }

  static Report run(
      Function<String, List<PiiRedactor.Detection>> redactor, List<PiiCorpus.Sample> samples) {
    Map<String, Tally> byType = new TreeMap<>();
    Map<String, Tally> bySpelling = new TreeMap<>();
    Map<String, Tally> byLookalike = new TreeMap<>();
    Map<String, Integer> shownMisses = new TreeMap<>();
    Map<String, Integer> shownAlarms = new TreeMap<>();
    List<String> misses = new ArrayList<>();
    List<String> falseAlarms = new ArrayList<>();
    for (PiiCorpus.Sample sample : samples) {
      List<PiiRedactor.Detection> detections = redactor.apply(sample.text());
      for (PiiRedactor.Detection detection : detections) {
        boolean right =
            sample.isPersonalData()
                && detection.type().equals(sample.type())
                && detection.start() < sample.end()
                && detection.end() > sample.start();
        byType.merge(detection.type(), new Tally(0, 0, right ? 1 : 0, right ? 0 : 1), Tally::plus);
      }
      if (sample.isPersonalData()) {
        boolean found = covered(sample, detections);
        Tally tally = new Tally(found ? 1 : 0, found ? 0 : 1, 0, 0);
        byType.merge(sample.type(), tally, Tally::plus);
        bySpelling.merge(sample.spelling(), tally, Tally::plus);
        if (!found && shownMisses.merge(sample.spelling(), 1, Integer::sum) <= EXAMPLES_PER_CLASS) {
          misses.add(sample.spelling() + ": " + sample.text() + " -> " + detections);
        }
      } else {
        boolean untouched = detections.isEmpty();
        byLookalike.merge(
            sample.spelling(), new Tally(untouched ? 1 : 0, untouched ? 0 : 1, 0, 0), Tally::plus);
        if (!untouched
            && shownAlarms.merge(sample.spelling(), 1, Integer::sum) <= EXAMPLES_PER_CLASS) {
          falseAlarms.add(sample.spelling() + ": " + sample.text() + " -> " + detections);
        }
      }
    }
    return new Report(samples.size(), byType, bySpelling, byLookalike, misses, falseAlarms);
  }

  /** Whether detections of the sample's type cover every character of its value. */
  private static boolean covered(PiiCorpus.Sample sample, List<PiiRedactor.Detection> detections) {
    int at = sample.start();
    for (PiiRedactor.Detection detection : detections) {
      if (detection.type().equals(sample.type())
          && detection.start() <= at
          && detection.end() > at) {
        at = detection.end();
      }
    }
    return at >= sample.end();
  }
}
