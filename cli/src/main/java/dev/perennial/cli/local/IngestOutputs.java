package dev.perennial.cli.local;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.TrainingExample;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Everything ingest has written: examples (with their adapter-key record keys), rejections and
 * erasure requests, with the tallies a summary or a test needs.
 */
public record IngestOutputs(
    List<ConsumerRecord<String, TrainingExample>> examples,
    List<RejectedRecord> rejections,
    List<ErasureRequest> erasures,
    TopicCatalog catalog) {

  /** Reads the three output topics to their current ends. */
  public static IngestOutputs read(
      Map<String, Object> clientProperties, Topics topics, TopicCatalog catalog) {
    return new IngestOutputs(
        TopicRecords.readAll(clientProperties, topics.examples()),
        TopicRecords.readAll(clientProperties, topics.rejected()).stream()
            .map(ConsumerRecord::value)
            .toList(),
        TopicRecords.readAll(clientProperties, topics.erasures()).stream()
            .map(ConsumerRecord::value)
            .toList(),
        catalog);
  }

  public Map<String, Long> examplesByAdapterKey() {
    return examples.stream()
        .collect(Collectors.groupingBy(ConsumerRecord::key, TreeMap::new, Collectors.counting()));
  }

  public Map<String, Map<ExampleKind, Long>> examplesByAdapterKeyAndKind() {
    return examples.stream()
        .collect(
            Collectors.groupingBy(
                ConsumerRecord::key,
                TreeMap::new,
                Collectors.groupingBy(
                    record -> record.value().getKind(),
                    () -> new EnumMap<>(ExampleKind.class),
                    Collectors.counting())));
  }

  public Map<ExampleKind, Long> examplesByKind() {
    return examples.stream()
        .collect(
            Collectors.groupingBy(
                record -> record.value().getKind(),
                () -> new EnumMap<>(ExampleKind.class),
                Collectors.counting()));
  }

  /** Spans of personal data redacted in the examples, by type ({@code EMAIL}, ...). */
  public Map<String, Integer> redactionsByType() {
    Map<String, Integer> total = new TreeMap<>();
    examples.forEach(
        record ->
            record
                .value()
                .getRedactions()
                .forEach((type, n) -> total.merge(type, n, Integer::sum)));
    return total;
  }

  /** Rejections of app events (documents and feedback), by reason. */
  public Map<RejectReason, Long> eventRejectionsByReason() {
    return rejections.stream()
        .filter(rejection -> !fromConsent(rejection))
        .collect(
            Collectors.groupingBy(
                RejectedRecord::getReason,
                () -> new EnumMap<>(RejectReason.class),
                Collectors.counting()));
  }

  public long eventRejections() {
    return rejections.stream().filter(rejection -> !fromConsent(rejection)).count();
  }

  /** Rejected records of {@code consent.v1} (a key naming another subject, bad ids). */
  public long consentRejections() {
    return rejections.stream().filter(this::fromConsent).count();
  }

  private boolean fromConsent(RejectedRecord rejection) {
    return rejection.getSource().getTopic().equals(catalog.name(PerennialTopic.CONSENT));
  }
}
