package dev.perennial.ingest.deadletter;

import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.ingest.validate.EventIds;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.privacy.SubjectKeyRecords;
import dev.perennial.schemas.v1.RejectedRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Re-keys rejections for {@code rejected.v1}, which never keeps the source record's key: that key
 * is the app's raw {@code tenant/subject} (a user id, often an e-mail address, that an erased
 * subject's later events would keep writing) or whatever an app sent. A valid {@code
 * tenant/subject} key becomes {@code tenant/pseudonym}, the key of the subject's erasure requests
 * and data keys, so an operator can match a rejection with them; any other key becomes the tenant
 * it names, if it names a valid one, else null.
 *
 * <p>One per stream task: a {@link Pseudonymizer} is not thread-safe.
 */
public final class RejectionKeyer
    implements Processor<String, RejectedRecord, String, RejectedRecord> {

  private final Pseudonymizer pseudonymizer;
  private ProcessorContext<String, RejectedRecord> context;

  public RejectionKeyer(Pseudonymizer pseudonymizer) {
    this.pseudonymizer = pseudonymizer;
  }

  @Override
  public void init(ProcessorContext<String, RejectedRecord> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, RejectedRecord> record) {
    context.forward(record.withKey(key(record.key(), pseudonymizer)));
  }

  /**
   * The {@code rejected.v1} key of a rejection of a record keyed {@code sourceKey}: {@code
   * tenant/pseudonym}, the tenant alone, or null; never {@code sourceKey} itself.
   */
  public static String key(String sourceKey, Pseudonymizer pseudonymizer) {
    if (EventIds.isSubjectKey(sourceKey)) {
      String tenant = EventIds.tenantOfKey(sourceKey).orElseThrow();
      String subject = EventIds.subjectOfKey(sourceKey);
      return SubjectKeyRecords.recordKey(tenant, pseudonymizer.pseudonym(tenant, subject));
    }
    int slash = sourceKey == null ? -1 : sourceKey.indexOf('/');
    String tenant = slash < 0 ? null : sourceKey.substring(0, slash);
    return AdapterKey.isValidName(tenant) ? tenant : null;
  }
}
