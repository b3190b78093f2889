package dev.perennial.trainer.erasure;

import dev.perennial.core.ids.RecordIds;
import dev.perennial.schemas.v1.ErasureRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an erasure request's ids are ids: its request id names the erasure in log lines, the
 * accumulator's state, ERASURE jobs (and so the publisher's retractions and manifests) and audit
 * events; its subject pseudonym is matched against pending examples, shards and keys. Ingest makes
 * a request id of {@code erasure-} and the consent record's {@code topic-partition@offset}, and a
 * pseudonym of hex digits; anything else on {@code erasures.v1} (a line break, an unbounded string)
 * was not written by ingest, and is skipped before it reaches any of those.
 */
public final class ErasureRequestIds {

  private static final Logger log = LoggerFactory.getLogger(ErasureRequestIds.class);

  public static final int MAX_PSEUDONYM_LENGTH = 128;

  private static final Pattern PSEUDONYM = Pattern.compile("[A-Za-z0-9._-]+");

  private ErasureRequestIds() {}

  /** What is wrong with the request's ids, in words that do not repeat them; empty when valid. */
  public static List<String> problems(ErasureRequest request) {
    List<String> problems = new ArrayList<>();
    RecordIds.problem("request id", request.getRequestId()).ifPresent(problems::add);
    problem(
            "subject pseudonym",
            request.getSubjectPseudonym(),
            PSEUDONYM,
            "._-",
            MAX_PSEUDONYM_LENGTH)
        .ifPresent(problems::add);
    return problems;
  }

  /** Whether {@code pseudonym} is a subject pseudonym (as ingest makes them: hex digits). */
  public static boolean isPseudonym(String pseudonym) {
    return problem("subject pseudonym", pseudonym, PSEUDONYM, "._-", MAX_PSEUDONYM_LENGTH)
        .isEmpty();
  }

  /**
   * Whether the request's ids are valid; when not, the request is counted by {@code countSkipped}
   * (the accumulator's {@code perennial.trainer.erasures{outcome=skipped}}) and logged without its
   * ids (the request id only when it is valid).
   */
  public static boolean accept(ErasureRequest request, Runnable countSkipped) {
    List<String> problems = problems(request);
    if (problems.isEmpty()) {
      return true;
    }
    countSkipped.run();
    log.warn(
        "Skipping erasure request {}: {}",
        RecordIds.shown(request.getRequestId()),
        String.join("; ", problems));
    return false;
  }

  private static Optional<String> problem(
      String what, String value, Pattern allowed, String punctuation, int maxLength) {
    if (value == null || value.isEmpty()) {
      return Optional.of("its " + what + " is missing or empty");
    }
    if (value.length() > maxLength) {
      return Optional.of(
          "its " + what + " has " + value.length() + " characters, more than " + maxLength);
    }
    if (!allowed.matcher(value).matches()) {
      return Optional.of(
          "its " + what + " holds characters other than letters, digits and " + punctuation);
    }
    return Optional.empty();
  }
}
