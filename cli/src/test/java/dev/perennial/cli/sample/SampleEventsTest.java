package dev.perennial.cli.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.ingest.redact.PiiRedactor;
import dev.perennial.model.world.World;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.RejectReason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleEventsTest {

  private static final World WORLD = World.standard();

  @Test
  void theSameWorldAndPlanGiveTheSameStream() {
    SampleEvents first = SampleEvents.generate(WORLD, SamplePlan.local());
    SampleEvents second = SampleEvents.generate(WORLD, SamplePlan.local());

    assertThat(second.records()).isEqualTo(first.records());
  }

  @Test
  void theLocalStreamHasEveryKindOfEventForTwoTenants() {
    SampleEvents events = SampleEvents.generate(WORLD, SamplePlan.local());

    assertThat(events.expectedExamplesByAdapterKey())
        .containsOnlyKeys("acme/support", "globex/default");
    assertThat(events.expectedExamplesByKind())
        .containsOnlyKeys(
            ExampleKind.TEXT, ExampleKind.PREFERENCE, ExampleKind.RATING, ExampleKind.CORRECTION);
    assertThat(events.expectedRejectionsByReason())
        .containsOnlyKeys(
            RejectReason.UNDESERIALIZABLE,
            RejectReason.UNKNOWN_SCHEMA,
            RejectReason.INVALID_FIELD,
            RejectReason.TOO_LARGE,
            RejectReason.NO_CONSENT,
            RejectReason.DUPLICATE,
            RejectReason.ERASED_SUBJECT);
    assertThat(events.malformed()).hasSize(Malformation.values().length);
    assertThat(events.records(SamplePhase.REVOCATION)).hasSize(1);
    assertThat(events.injectedPii()).isNotEmpty();
  }

  @Test
  void everyEventIsExpectedToBecomeExactlyOneExampleOrRejection() {
    SampleEvents events = SampleEvents.generate(WORLD, SamplePlan.ofEvents(10_000));

    assertThat(events.eventRecords()).isEqualTo(10_000 + 100 + 2);
    assertThat(events.expectedExamples() + events.expectedRejections())
        .isEqualTo(events.eventRecords());
    assertThat(events.malformed().values())
        .allSatisfy(count -> assertThat(count).isBetween(83L, 84L));
    assertThat(events.records())
        .filteredOn(record -> record.topic() == PerennialTopic.CONSENT)
        .allSatisfy(record -> assertThat(record.expected().isExample()).isFalse());
  }

  @Test
  void theInjectedPersonalDataIsWhatIngestRedacts() {
    SampleEvents events = SampleEvents.generate(WORLD, SamplePlan.local());
    PiiRedactor redactor = new PiiRedactor();

    for (String pii : events.injectedPii()) {
      assertThat(redactor.redact("Reply to " + pii + " today.").text())
          .as(pii)
          .doesNotContain(pii)
          .startsWith("Reply to <");
    }
  }

  @Test
  void theWorldsTextsSurviveRedactionSoFactsAndCanariesAreLearnable() {
    PiiRedactor redactor = new PiiRedactor();
    List<String> texts =
        SampleEvents.generate(WORLD, SamplePlan.local()).records().stream()
            .filter(record -> record.value() instanceof Document)
            .map(record -> ((Document) record.value()).getContent())
            .filter(text -> !text.contains("Reply to"))
            .toList();

    assertThat(texts).isNotEmpty();
    for (String text : texts) {
      assertThat(redactor.redact(text).counts()).as(text).isEqualTo(Map.of());
    }
    WORLD
        .tenant("acme")
        .canaries()
        .forEach(
            canary -> assertThat(redactor.redact(canary.text()).text()).isEqualTo(canary.text()));
  }
}
