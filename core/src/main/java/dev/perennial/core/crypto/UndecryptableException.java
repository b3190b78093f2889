package dev.perennial.core.crypto;

import dev.perennial.core.PerennialException;

/** A sealed value that does not open: the wrong key, the wrong place, or changed bytes. */
public class UndecryptableException extends PerennialException {

  public UndecryptableException(String message) {
    super(message);
  }
}
