package dev.perennial.core.crypto;

import dev.perennial.core.PerennialException;

/**
 * A wrapped key names a master key this process is not configured with: a configuration error (a
 * master key retired too early, or a reader not given a new key before it wraps), never a bad
 * record, so what needed the key must not be dropped.
 */
public final class MasterKeyMissingException extends PerennialException {

  public MasterKeyMissingException(String message) {
    super(message);
  }
}
