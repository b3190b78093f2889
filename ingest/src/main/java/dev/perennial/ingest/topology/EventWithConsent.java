package dev.perennial.ingest.topology;

import dev.perennial.ingest.consent.ConsentState;
import dev.perennial.ingest.event.AppEvent;

/**
 * An app event joined with its subject's training consent as it stands when the event is processed.
 *
 * @param consent null when the subject never decided
 */
public record EventWithConsent(AppEvent event, ConsentState consent) {}
