package dev.perennial.ingest.app;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TenantTopics;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.ingest.metrics.IngestMetrics;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes from the documents and feedback topics (shared or per tenant) every record ingest has
 * committed past, at a fixed interval (Kafka's DeleteRecords up to the group's committed offsets),
 * so an app's raw content does not outlive its processing; under exactly-once a committed offset
 * means the record's outcome is written. Consent records hold no content and stay (a compacted
 * topic refuses DeleteRecords anyway). A failed purge is logged, counted ({@code
 * perennial_ingest_input_purge_failures_total}) and tried again next time.
 */
final class InputPurger implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InputPurger.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Admin admin;
  private final String groupId;
  private final Predicate<String> isContentTopic;
  private final Counter failures;
  private final ScheduledExecutorService scheduler;

  InputPurger(
      Admin admin, String groupId, Predicate<String> isContentTopic, IngestMetrics metrics) {
    this.admin = admin;
    this.groupId = groupId;
    this.isContentTopic = isContentTopic;
    this.failures = metrics.inputPurgeFailures();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "ingest-input-purger");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Purges every {@code interval}, with its own admin client (closed with it). */
  static InputPurger start(
      Map<String, Object> adminProperties,
      String groupId,
      TopicCatalog catalog,
      boolean perTenant,
      Duration interval,
      IngestMetrics metrics) {
    InputPurger purger =
        new InputPurger(
            Admin.create(adminProperties), groupId, contentTopics(catalog, perTenant), metrics);
    purger.scheduler.scheduleWithFixedDelay(
        purger::purgeQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return purger;
  }

  /** The topics whose records carry an app's content: documents and feedback. */
  static Predicate<String> contentTopics(TopicCatalog catalog, boolean perTenant) {
    List<PerennialTopic> kinds = List.of(PerennialTopic.DOCUMENTS, PerennialTopic.FEEDBACK);
    if (!perTenant) {
      List<String> names = kinds.stream().map(catalog::name).toList();
      return names::contains;
    }
    List<Pattern> patterns =
        kinds.stream().map(kind -> TenantTopics.pattern(catalog.topicPrefix(), kind)).toList();
    return topic -> patterns.stream().anyMatch(pattern -> pattern.matcher(topic).matches());
  }

  /** Deletes what the group has committed past; returns how many partitions it purged. */
  int purge() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(groupId)
            .partitionsToOffsetAndMetadata()
            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, RecordsToDelete> deletions =
        committed.entrySet().stream()
            .filter(entry -> entry.getValue() != null && entry.getValue().offset() > 0)
            .filter(entry -> isContentTopic.test(entry.getKey().topic()))
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    entry -> RecordsToDelete.beforeOffset(entry.getValue().offset())));
    if (deletions.isEmpty()) {
      return 0;
    }
    admin.deleteRecords(deletions).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    log.debug("Purged consumed app events from {} partitions", deletions.size());
    return deletions.size();
  }

  void purgeQuietly() {
    try {
      purge();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failures.increment();
      log.warn("Could not delete consumed app events (will try again): {}", e.toString());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    admin.close(CALL_TIMEOUT);
  }
}
