package dev.perennial.publisher;

import dev.perennial.core.PerennialException;

/** Base of every error the publisher raises itself. */
public class PublisherException extends PerennialException {

  private static final long serialVersionUID = 1L;

  public PublisherException(String message) {
    super(message);
  }

  public PublisherException(String message, Throwable cause) {
    super(message, cause);
  }
}
