package dev.perennial.cli.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.cli.local.ConsumerGroupProgress;
import dev.perennial.cli.local.IngestOutputs;
import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.ingest.app.IngestService;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.model.world.World;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyTopic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.TrainingExample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten thousand mixed app events, 5 % of them malformed in every way the sample generator knows,
 * through the ingest service on the real broker and registry: every input is accounted for exactly
 * once, as an example or a rejection, with the expected reason.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IngestAccountingIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String SECRET = "accounting-test-pseudonym-secret-0123456789";
  private static final Duration CATCH_UP = Duration.ofMinutes(2);
  private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");

  @TempDir Path stateDir;

  @Test
  void tenThousandMixedEventsAreEachAccountedForOnceAndIngestKeepsRunning() throws Exception {
    TopicCatalog catalog = KAFKA.provisionCatalog();
    Map<String, String> values = TestConfig.values(KAFKA, REGISTRY);
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    values.put(
        PerennialConfig.TOPIC_PARTITIONS_CONFIG,
        Integer.toString(catalog.spec(PerennialTopic.SUBJECT_KEYS).partitions()));
    values.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, SECRET);
    values.put(MasterKeySettings.MASTER_KEYS_CONFIG, TestConfig.MASTER_KEYS);
    values.put(IngestConfig.APPLICATION_ID_CONFIG, KAFKA.uniqueName("ingest-accounting"));
    values.put(PerennialConfig.HTTP_PORT_CONFIG, "0");
    values.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    IngestConfig config = new IngestConfig(values);
    Topics topics = Topics.create(catalog, config.clientProperties());
    SampleEvents events = SampleEvents.generate(World.standard(), SamplePlan.ofEvents(10_000));

    IngestOutputs outputs;
    List<TrainingExample> decrypted = new ArrayList<>();
    Set<String> unreadable = new HashSet<>();
    try (ServiceProcess<IngestService> ingest =
            ServiceProcess.start(
                "ingest", config, metrics -> IngestService.start(config, metrics));
        Admin admin = Admin.create(KafkaClients.admin(config, "accounting-test"));
        SampleEventProducer producer =
            new SampleEventProducer(KafkaClients.producer(config, "accounting-test"), topics)) {
      assertThat(ingest.service().awaitRunning(Duration.ofSeconds(60))).isTrue();
      ConsumerGroupProgress progress =
          new ConsumerGroupProgress(
              admin,
              config.clientProperties(),
              config.applicationId(),
              Stream.of(PerennialTopic.DOCUMENTS, PerennialTopic.FEEDBACK, PerennialTopic.CONSENT)
                  .map(catalog::name)
                  .toList());

      producer.send(events, phase -> progress.awaitCaughtUp(CATCH_UP));

      outputs = IngestOutputs.read(config.clientProperties(), topics, catalog);
      assertThat(ingest.service().state()).isEqualTo(KafkaStreams.State.RUNNING);
      try (SubjectKeyTopic keys =
          new SubjectKeyTopic(
              config.clientProperties(),
              topics.subjectKeys(),
              TestConfig.masterKeys(),
              Duration.ofSeconds(60))) {
        ExampleDecryptor decryptor = new ExampleDecryptor(keys);
        for (ConsumerRecord<String, TrainingExample> record : outputs.examples()) {
          TrainingExample example = record.value();
          decryptor
              .decrypt(example, example.getTenant())
              .ifPresentOrElse(decrypted::add, () -> unreadable.add(example.getSubjectPseudonym()));
        }
      }
    }

    // Every input once: as many outputs as inputs, and each expected output as often as expected.
    assertThat(events.eventRecords()).isEqualTo(10_000 + 100 + 2);
    assertThat(outputs.examples().size() + outputs.eventRejections())
        .isEqualTo(events.eventRecords());
    assertThat(outputs.examplesByAdapterKey()).isEqualTo(events.expectedExamplesByAdapterKey());
    assertThat(outputs.examplesByKind()).isEqualTo(events.expectedExamplesByKind());
    assertThat(outputs.eventRejectionsByReason()).isEqualTo(events.expectedRejectionsByReason());
    assertThat(outputs.consentRejections()).isZero();
    assertThat(events.malformed().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(500);
    assertThat(events.malformed()).hasSize(Malformation.values().length);
    assertThat(outputs.rejections())
        .as("rejections keep no content")
        .allSatisfy(
            rejection -> {
              assertThat(rejection.getValue()).isNull();
              assertThat(rejection.getKey()).isNull();
            });
    assertThat(outputs.erasures()).hasSize(1);

    // No example of a user without consent, and none of the revoked user after the revocation.
    Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);
    Set<String> consenting = pseudonyms(events.consentingSubjects(), pseudonymizer);
    Set<String> never = pseudonyms(events.neverConsentingSubjects(), pseudonymizer);
    assertThat(outputs.examples())
        .extracting(record -> record.value().getSubjectPseudonym())
        .allMatch(consenting::contains)
        .noneMatch(never::contains);
    Set<String> afterRevocation =
        events.records(SamplePhase.AFTER_REVOCATION).stream()
            .map(SampleRecord::eventId)
            .collect(Collectors.toSet());
    assertThat(outputs.rejections())
        .filteredOn(rejection -> rejection.getReason() == RejectReason.ERASED_SUBJECT)
        .extracting(RejectedRecord::getEventId)
        .containsExactlyInAnyOrderElementsOf(afterRevocation);

    // Only the revoked subject's examples cannot be read: its key is erased.
    Set<String> revoked =
        pseudonyms(
            events.records(SamplePhase.REVOCATION).stream()
                .map(r -> r.key())
                .collect(Collectors.toSet()),
            pseudonymizer);
    assertThat(unreadable).isNotEmpty().isEqualTo(revoked);
    assertThat(
            decrypted.size()
                + outputs.examples().stream()
                    .filter(r -> revoked.contains(r.value().getSubjectPseudonym()))
                    .count())
        .isEqualTo(outputs.examples().size());

    // No raw personal data in any example, decrypted or not, no raw user id either.
    assertThat(events.injectedPii()).isNotEmpty();
    List<String> everyExample = new ArrayList<>();
    outputs.examples().forEach(record -> everyExample.add(record.value().toString()));
    decrypted.forEach(example -> everyExample.add(example.toString()));
    for (String example : everyExample) {
      for (String pii : events.injectedPii()) {
        assertThat(example).doesNotContain(pii);
      }
      assertThat(example).doesNotContain("-user-");
    }
    // The e-mail pattern only on clear text: random ciphertext bytes can spell "a@b.c".
    decrypted.forEach(
        example ->
            assertThat(EMAIL.matcher(example.toString()).find()).as(example.toString()).isFalse());
    assertThat(decrypted).anySatisfy(example -> assertThat(example.getRedactions()).isNotEmpty());
    assertThat(decrypted)
        .allSatisfy(
            example ->
                assertThat(example.getText() != null || example.getPrompt() != null).isTrue());
  }

  private static Set<String> pseudonyms(Set<String> keys, Pseudonymizer pseudonymizer) {
    return keys.stream()
        .map(
            key ->
                pseudonymizer.pseudonym(
                    key.substring(0, key.indexOf('/')), key.substring(key.indexOf('/') + 1)))
        .collect(Collectors.toSet());
  }
}
