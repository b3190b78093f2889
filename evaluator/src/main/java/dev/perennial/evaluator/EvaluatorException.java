package dev.perennial.evaluator;

import dev.perennial.core.PerennialException;

/** Base of every error the evaluator raises itself. */
public class EvaluatorException extends PerennialException {

  private static final long serialVersionUID = 1L;

  public EvaluatorException(String message) {
    super(message);
  }

  public EvaluatorException(String message, Throwable cause) {
    super(message, cause);
  }
}
