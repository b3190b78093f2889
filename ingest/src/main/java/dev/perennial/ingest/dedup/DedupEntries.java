package dev.perennial.ingest.dedup;

import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import java.util.List;

/**
 * The records of ingest's dedup store (a window store of String keys and values, each record at the
 * time ingest wrote it on its own clock), in one place for the processors that share the store:
 *
 * <ul>
 *   <li>an <b>admission</b>, keyed {@code topic|tenant|eventId}: the admitted record as {@code
 *       topic-partition@offset}, then {@code " under "} and the consent version the event was
 *       admitted under (the granting {@code consent.v1} record, {@code topic-partition@offset}).
 *       Versions before this one wrote the admitted record alone; such an admission has no consent
 *       version;
 *   <li>an <b>erasure</b>, keyed {@code erased:tenant/pseudonym} (never the raw subject id): the
 *       {@code consent.v1} record that revoked or deleted the subject's consent, as {@code
 *       topic-partition@offset}. A colon is no character of a topic name, so no admission's key can
 *       be an erasure's.
 * </ul>
 *
 * An admission is erased when an erasure of its subject within the window came after it: after the
 * grant it was admitted under (a later offset of the same {@code consent.v1} partition, which holds
 * every consent record of the subject and is read in offset order), or, for an admission without a
 * consent version or one from another partition, at the same time or after it on ingest's clock.
 */
final class DedupEntries {

  private static final String UNDER = " under ";
  private static final String ERASURE_PREFIX = "erased:";

  private DedupEntries() {}

  /** The key of the event an example was made from: source topic, tenant and event id. */
  static String admissionKey(TrainingExample example) {
    return example.getSource().getTopic() + "|" + example.getTenant() + "|" + example.getEventId();
  }

  /** The key of a subject's erasures. */
  static String erasureKey(String tenant, String pseudonym) {
    return ERASURE_PREFIX + tenant + "/" + pseudonym;
  }

  /** An admission's value: where the example came from and the consent it was admitted under. */
  static String admission(TrainingExample example) {
    return position(example.getSource()) + UNDER + example.getConsentVersion();
  }

  /** An erasure's value: the consent record that revoked or deleted the subject's consent. */
  static String erasure(SourceRef consentRecord) {
    return position(consentRecord);
  }

  /** The admitted record named in an admission's value, as {@code topic-partition@offset}. */
  static String admittedRecord(String admission) {
    int under = admission.indexOf(UNDER);
    return under < 0 ? admission : admission.substring(0, under);
  }

  /**
   * Whether any of a subject's {@code erasures} (their values and times) came after an admission
   * (its value and time).
   */
  static boolean erased(String admission, long admittedAt, List<Erasure> erasures) {
    int under = admission.indexOf(UNDER);
    Position grant = under < 0 ? null : Position.parse(admission.substring(under + UNDER.length()));
    for (Erasure erasure : erasures) {
      Position revoked = Position.parse(erasure.value());
      boolean after =
          grant != null
                  && revoked != null
                  && grant.topicPartition().equals(revoked.topicPartition())
              ? revoked.offset() > grant.offset()
              : erasure.time() >= admittedAt;
      if (after) {
        return true;
      }
    }
    return false;
  }

  /** An erasure record: its value and the time ingest wrote it. */
  record Erasure(String value, long time) {}

  private static String position(SourceRef source) {
    return source.getTopic() + "-" + source.getPartition() + "@" + source.getOffset();
  }

  /** A record's {@code topic-partition@offset}, split; null for anything else. */
  private record Position(String topicPartition, long offset) {

    static Position parse(String text) {
      int at = text.lastIndexOf('@');
      if (at <= 0) {
        return null;
      }
      try {
        return new Position(text.substring(0, at), Long.parseLong(text.substring(at + 1)));
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}
