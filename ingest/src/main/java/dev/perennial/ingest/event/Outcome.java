package dev.perennial.ingest.event;

import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.TrainingExample;

/** What became of one app event: an example or a rejection, exactly one of them. */
public record Outcome(TrainingExample example, RejectedRecord rejection) {

  public static Outcome admitted(TrainingExample example) {
    return new Outcome(example, null);
  }

  public static Outcome rejected(RejectedRecord rejection) {
    return new Outcome(null, rejection);
  }

  public boolean isExample() {
    return example != null;
  }
}
