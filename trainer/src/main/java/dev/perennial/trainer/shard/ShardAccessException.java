package dev.perennial.trainer.shard;

import dev.perennial.trainer.TrainerException;

/** A shard was refused: it belongs to another tenant or adapter key than the reader's. */
public class ShardAccessException extends TrainerException {

  private static final long serialVersionUID = 1L;

  public ShardAccessException(String message) {
    super(message);
  }
}
