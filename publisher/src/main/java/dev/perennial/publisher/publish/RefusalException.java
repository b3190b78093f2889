package dev.perennial.publisher.publish;

import dev.perennial.publisher.PublisherException;

/** A verdict the publisher will not release, for a reason that doing it again would not change. */
class RefusalException extends PublisherException {

  private static final long serialVersionUID = 1L;

  RefusalException(String message) {
    super(message);
  }

  RefusalException(String message, Throwable cause) {
    super(message, cause);
  }
}
