package dev.perennial.cli.sample;

/**
 * The phases of a sample stream, sent in this order with a barrier after each (ingest must have
 * read everything before the next phase starts): a revocation only counts for events that are
 * processed after it, and an event only finds a consent that was processed before it.
 */
public enum SamplePhase {
  /** Users grant the training purpose (and one a different purpose only). */
  CONSENT,
  /** Documents and feedback of every kind, malformed events and duplicates among them. */
  EVENTS,
  /** One user revokes. */
  REVOCATION,
  /** That user's events after the revocation: a new one, and a late re-send of an earlier one. */
  AFTER_REVOCATION
}
