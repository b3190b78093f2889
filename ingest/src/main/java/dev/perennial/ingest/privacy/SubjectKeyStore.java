package dev.perennial.ingest.privacy;

import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.schemas.privacy.SubjectKeyRecords;
import dev.perennial.schemas.v1.SubjectKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Ingest's copy of the subjects' data keys, {@code tenant/pseudonym} to the wrapped key, in the
 * task that handles the subject's events and consent. In memory (restored from its changelog), so
 * an erased key leaves no bytes in a state directory on disk; its changelog is compacted like the
 * key topic ({@link TopicCatalog#shreddingConfigs()}). About 200 bytes of heap per subject.
 */
public final class SubjectKeyStore {

  /** The store's name; its changelog is {@code <application.id>-ingest-key-store-changelog}. */
  public static final String NAME = "ingest-key-store";

  private final KeyValueStore<String, SubjectKey> store;

  SubjectKeyStore(KeyValueStore<String, SubjectKey> store) {
    this.store = store;
  }

  /** The store's builder: in memory, its changelog compacted with a bound. */
  public static StoreBuilder<KeyValueStore<String, SubjectKey>> builder(TopicCatalog catalog) {
    return Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(NAME), Serdes.String(), new SubjectKeySerde())
        .withLoggingEnabled(catalog.shreddingConfigs());
  }

  SubjectKey get(String recordKey) {
    return store.get(recordKey);
  }

  void put(SubjectKey key) {
    store.put(recordKey(key), key);
  }

  void delete(String recordKey) {
    store.delete(recordKey);
  }

  /** Up to {@code max} keys not wrapped by {@code currentMasterKeyId}. */
  List<SubjectKey> wrappedByOthers(String currentMasterKeyId, int max) {
    List<SubjectKey> found = new ArrayList<>();
    try (KeyValueIterator<String, SubjectKey> all = store.all()) {
      while (all.hasNext() && found.size() < max) {
        SubjectKey key = all.next().value;
        if (key != null && !key.getMasterKeyId().equals(currentMasterKeyId)) {
          found.add(key);
        }
      }
    }
    return found;
  }

  static String recordKey(SubjectKey key) {
    return SubjectKeyRecords.recordKey(key.getTenant(), key.getSubjectPseudonym());
  }
}
