package dev.perennial.core;

/** The one unchecked base exception of Perennial; every module's own exceptions extend it. */
public class PerennialException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PerennialException(String message) {
    super(message);
  }

  public PerennialException(String message, Throwable cause) {
    super(message, cause);
  }
}
