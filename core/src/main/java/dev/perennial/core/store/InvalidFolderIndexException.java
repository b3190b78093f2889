package dev.perennial.core.store;

import dev.perennial.core.PerennialException;

/** A location names no folder the artifact store can give back ({@link FolderIndex}). */
public class InvalidFolderIndexException extends PerennialException {

  private static final long serialVersionUID = 1L;

  public InvalidFolderIndexException(String message) {
    super(message);
  }

  public InvalidFolderIndexException(String message, Throwable cause) {
    super(message, cause);
  }
}
