package dev.perennial.core.kafka;

import dev.perennial.core.PerennialException;

/**
 * A Kafka client can never work again in this instance ({@link TransactionalCommitter#isFatal}, or
 * a transaction whose end keeps timing out): its loop stops and its service reports itself dead, so
 * it is restarted.
 */
public class FatalKafkaException extends PerennialException {

  private static final long serialVersionUID = 1L;

  public FatalKafkaException(Throwable cause) {
    super(
        "Kafka refuses this instance for good (fenced by a newer one with the same id, or not"
            + " allowed): "
            + cause,
        cause);
  }

  /** This instance must stop for {@code why}; a new one resolves what it left. */
  public FatalKafkaException(String why, Throwable cause) {
    super("Kafka client cannot go on in this instance: " + why + ": " + cause, cause);
  }
}
