package dev.perennial.evaluator;

/**
 * A candidate that can never be evaluated as it is (its adapter files are corrupt or do not fit the
 * base, its data belongs to someone else, ...): it gets a failed verdict naming the gate, never a
 * retry.
 */
public class UnusableCandidateException extends EvaluatorException {

  private static final long serialVersionUID = 1L;

  private final String gate;
  private final double value;

  /**
   * @param gate the gate the candidate fails
   * @param value the gate's value (its threshold is 1: the check passed)
   */
  public UnusableCandidateException(String gate, double value, String message, Throwable cause) {
    super(message, cause);
    this.gate = gate;
    this.value = value;
  }

  public UnusableCandidateException(String gate, String message, Throwable cause) {
    this(gate, 0, message, cause);
  }

  public UnusableCandidateException(String gate, String message) {
    this(gate, 0, message, null);
  }

  /** The failing gate's value. */
  public double value() {
    return value;
  }

  /** The gate the candidate fails. */
  public String gate() {
    return gate;
  }
}
