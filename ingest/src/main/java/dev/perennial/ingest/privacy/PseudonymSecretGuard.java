package dev.perennial.ingest.privacy;

import dev.perennial.core.PerennialException;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.core.kafka.TopicSpec;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.redact.Pseudonymizer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest's check at start that its pseudonym secret is the one that pseudonymised the data already
 * written ({@link SecretFingerprintRule}). The secret's {@linkplain Pseudonymizer#fingerprint
 * fingerprint}, never the secret, is kept in {@code <application.id>-pseudonym-secret}: compacted,
 * one partition, keyed by the secret's configuration key, under ingest's own prefix like its state
 * store changelogs (the same ACLs cover it), and no changelog or repartition topic, so resetting
 * the Streams application leaves it. Ingest creates it when missing. The first start records the
 * fingerprint; a declared change records the new one after the old. Instances that start together
 * with the same secret record the same fingerprint and all start; with different secrets, every one
 * that sees another's fingerprint refuses.
 */
public final class PseudonymSecretGuard {

  private static final Logger log = LoggerFactory.getLogger(PseudonymSecretGuard.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The key of the record: the secret's configuration key (per-tenant secrets would add keys). */
  static final String RECORD_KEY = IngestConfig.PSEUDONYM_SECRET_CONFIG;

  private PseudonymSecretGuard() {}

  /** The topic of the fingerprints of one ingest application. */
  public static String topicName(String applicationId) {
    return applicationId + "-pseudonym-secret";
  }

  /**
   * Starts nothing unless the configured secret is the recorded one (recording it on the first
   * start, or on a change {@value IngestConfig#PSEUDONYM_SECRET_REPLACES_CONFIG} declares).
   *
   * @throws PseudonymSecretChangedException naming the key to set and how to go on
   * @throws PerennialException when the topic cannot be made, read or written
   */
  public static void check(IngestConfig config) {
    String topic = topicName(config.applicationId());
    String configured = new Pseudonymizer(config.pseudonymSecret().value()).fingerprint();
    SecretFingerprintRule rule = new SecretFingerprintRule(config.pseudonymSecretKey(), topic);
    try (Admin admin =
        Admin.create(KafkaClients.admin(config, config.applicationId() + "-secret-admin"))) {
      new TopicProvisioner(admin, TIMEOUT).provision(List.of(spec(topic, config)));
    }
    List<ConsumerRecord<String, String>> before = read(config, topic);
    // the latest record holds the fingerprint in force; a tombstone (an operator's reset) none
    Optional<String> recorded =
        before.isEmpty()
            ? Optional.empty()
            : Optional.ofNullable(before.get(before.size() - 1).value());
    SecretFingerprintRule.Decision decision =
        rule.decide(recorded, configured, config.pseudonymSecretReplaces());
    if (decision instanceof SecretFingerprintRule.Refuse refuse) {
      throw new PseudonymSecretChangedException(refuse.reason());
    }
    if (decision instanceof SecretFingerprintRule.RecordFingerprint record) {
      long lastRead = before.isEmpty() ? -1 : before.get(before.size() - 1).offset();
      write(config, topic, record.fingerprint());
      List<String> since =
          read(config, topic).stream()
              .filter(r -> r.offset() > lastRead && r.value() != null)
              .map(ConsumerRecord::value)
              .toList();
      Optional<String> race = rule.race(since, configured);
      if (race.isPresent()) {
        throw new PseudonymSecretChangedException(race.get());
      }
      logRecorded(config, topic, configured, record.replacing());
    } else {
      log.info("Pseudonym secret: fingerprint {}, as recorded in {}", configured, topic);
    }
  }

  private static void logRecorded(
      IngestConfig config, String topic, String configured, Optional<String> replacing) {
    if (replacing.isPresent()) {
      log.warn(
          "Pseudonym secret changed as declared by {}: fingerprint {} replaces {} in {}; data"
              + " written before keeps its old pseudonyms",
          IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG,
          configured,
          replacing.get(),
          topic);
      return;
    }
    config
        .pseudonymSecretReplaces()
        .ifPresent(
            replaces ->
                log.warn(
                    "{}={} replaces nothing: no secret was recorded before",
                    IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG,
                    replaces));
    log.info("Pseudonym secret: fingerprint {} recorded in {}", configured, topic);
  }

  /**
   * Compacted (the latest fingerprint stays for good), one partition (one order), the catalog's
   * replication and {@code min.insync.replicas}.
   */
  static TopicSpec spec(String topic, IngestConfig config) {
    short replicationFactor = TopicCatalog.from(config).replicationFactor();
    Map<String, String> configs = new HashMap<>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    TopicCatalog.minInsyncReplicas(replicationFactor)
        .ifPresent(value -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, value));
    return new TopicSpec(topic, 1, replicationFactor, configs);
  }

  /** The records of the secret's key, in order; other keys (none today) are not its. */
  private static List<ConsumerRecord<String, String>> read(IngestConfig config, String topic) {
    return TopicReader.readRecords(
            config.clientProperties(),
            topic,
            new StringDeserializer(),
            new StringDeserializer(),
            TIMEOUT)
        .stream()
        .filter(r -> RECORD_KEY.equals(r.key()))
        .toList();
  }

  private static void write(IngestConfig config, String topic, String fingerprint) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            KafkaClients.producer(config, config.applicationId() + "-secret-recorder"),
            new StringSerializer(),
            new StringSerializer())) {
      producer
          .send(new ProducerRecord<>(topic, RECORD_KEY, fingerprint))
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PerennialException("Interrupted recording the pseudonym secret in " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new PerennialException(
          "Cannot record the pseudonym secret's fingerprint in " + topic, e);
    }
  }
}
