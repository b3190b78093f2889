package dev.perennial.ingest.event;

import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.SourceRef;

/**
 * An app event on its way through ingest, with the Kafka record it was read from: a {@link
 * Document}, a {@link Feedback}, or a record without a value (a tombstone, which an event topic
 * should never carry and which is rejected). Never put into a topic or a store.
 */
public sealed interface AppEvent {

  /** The record this event was read from. */
  SourceRef source();

  /** The tenant the value names, or null for a tombstone. */
  String tenant();

  /** The subject (raw user id) the value names, or null for a tombstone. */
  String subject();

  /** The app's id of the event, or null for a tombstone. */
  String eventId();

  /** The adapter the value names; null means the tenant's default adapter (or a tombstone). */
  String adapter();

  /** A short name of the event type for dedup keys and messages: document, feedback. */
  String type();

  record DocumentEvent(Document document, SourceRef source) implements AppEvent {
    @Override
    public String tenant() {
      return document.getTenant();
    }

    @Override
    public String subject() {
      return document.getSubject();
    }

    @Override
    public String eventId() {
      return document.getEventId();
    }

    @Override
    public String adapter() {
      return document.getAdapter();
    }

    @Override
    public String type() {
      return "document";
    }
  }

  record FeedbackEvent(Feedback feedback, SourceRef source) implements AppEvent {
    @Override
    public String tenant() {
      return feedback.getTenant();
    }

    @Override
    public String subject() {
      return feedback.getSubject();
    }

    @Override
    public String eventId() {
      return feedback.getEventId();
    }

    @Override
    public String adapter() {
      return feedback.getAdapter();
    }

    @Override
    public String type() {
      return "feedback";
    }
  }

  record Tombstone(SourceRef source) implements AppEvent {
    @Override
    public String tenant() {
      return null;
    }

    @Override
    public String subject() {
      return null;
    }

    @Override
    public String eventId() {
      return null;
    }

    @Override
    public String adapter() {
      return null;
    }

    @Override
    public String type() {
      return "tombstone";
    }
  }
}
