package dev.perennial.evaluator;

/**
 * A candidate that cannot be judged as it is although nothing in its data is at fault (it continued
 * a release that is no longer its key's stable one; a release it is compared with was trained with
 * other tokenizer files than its base has now): it gets an insufficient-evidence verdict naming the
 * gate, so its job's data rolls into the key's next job (within the rollover limit), never a retry.
 */
public class UndecidableCandidateException extends EvaluatorException {

  private static final long serialVersionUID = 1L;

  private final String gate;

  public UndecidableCandidateException(String gate, String message) {
    super(message);
    this.gate = gate;
  }

  /** The gate that leaves the candidate undecided. */
  public String gate() {
    return gate;
  }
}
