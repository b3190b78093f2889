package dev.perennial.model;

/**
 * The model layer's one unchecked exception: bad checkpoints, mismatched adapters, invalid recipes
 * and engine failures all surface as this, with a message that names the bad thing.
 */
public class ModelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
