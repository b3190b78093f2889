package dev.perennial.cli.sample;

import dev.perennial.cli.sample.SampleRecord.Corruption;
import dev.perennial.cli.sample.SampleRecord.Expected;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.SampleDocument;
import dev.perennial.model.world.TenantKnowledge;
import dev.perennial.model.world.World;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.FeedbackKind;
import dev.perennial.schemas.v1.RejectReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A realistic, deterministic stream of app events for ingest, made from the synthetic world's
 * tenant knowledge: consent grants (and one grant for another purpose only), the tenants' documents
 * and feedback of every kind (corrections, good and bad ratings, preferences), some personal data
 * to redact, malformed records of every {@link Malformation}, duplicates, one revocation and the
 * revoked user's later events. Each record carries what ingest must make of it, so a run can be
 * checked exactly.
 *
 * <pre>{@code
 * SampleEvents events = SampleEvents.generate(World.standard(), SamplePlan.local());
 * events.expectedExamplesByAdapterKey();   // {acme/support=..., globex/default=...}
 * events.expectedRejectionsByReason();     // {NO_CONSENT=..., UNDESERIALIZABLE=..., ...}
 * }</pre>
 *
 * The first tenant's events name the adapter {@code support}; the others name none (their default
 * adapter).
 */
public final class SampleEvents {

  /** The consent purpose that admits events into training (ingest's default). */
  public static final String TRAINING_PURPOSE = "adapter-training";

  /** A purpose one user consents to instead; it must not admit anything. */
  public static final String OTHER_PURPOSE = "marketing";

  /** The adapter the first tenant's events name. */
  public static final String FIRST_TENANT_ADAPTER = "support";

  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
  private static final int DUPLICATES_PER_HUNDRED = 1;

  /** The repeating order of valid event types: mostly documents and useful feedback. */
  private static final List<EventType> CYCLE =
      List.of(
          EventType.DOCUMENT,
          EventType.CORRECTION,
          EventType.GOOD_RATING,
          EventType.PREFERENCE,
          EventType.DOCUMENT,
          EventType.CORRECTED_BAD_RATING,
          EventType.CORRECTION,
          EventType.GOOD_RATING,
          EventType.DOCUMENT,
          EventType.PREFERENCE,
          EventType.CORRECTION,
          EventType.BAD_RATING);

  private enum EventType {
    DOCUMENT,
    CORRECTION,
    GOOD_RATING,
    CORRECTED_BAD_RATING,
    BAD_RATING,
    PREFERENCE
  }

  private final List<SampleRecord> records;
  private final Set<String> injectedPii;
  private final Set<String> consentingSubjects;
  private final Set<String> neverConsentingSubjects;
  private final String revokedSubject;
  private final Map<Malformation, Long> malformed;

  private SampleEvents(
      List<SampleRecord> records,
      Map<Malformation, Long> malformed,
      Set<String> injectedPii,
      Set<String> consentingSubjects,
      Set<String> neverConsentingSubjects,
      String revokedSubject) {
    this.records = List.copyOf(records);
    this.malformed = Collections.unmodifiableMap(new EnumMap<>(malformed));
    this.injectedPii = Collections.unmodifiableSet(injectedPii);
    this.consentingSubjects = Collections.unmodifiableSet(consentingSubjects);
    this.neverConsentingSubjects = Collections.unmodifiableSet(neverConsentingSubjects);
    this.revokedSubject = revokedSubject;
  }

  /** The stream of {@code plan} with content from {@code world}. */
  public static SampleEvents generate(World world, SamplePlan plan) {
    return new Generator(world, plan).generate();
  }

  /** Every record, in sending order. */
  public List<SampleRecord> records() {
    return records;
  }

  public List<SampleRecord> records(SamplePhase phase) {
    return records.stream().filter(record -> record.phase() == phase).toList();
  }

  /** Records of the event topics (documents and feedback): each becomes one output. */
  public long eventRecords() {
    return records.stream().filter(record -> record.topic() != PerennialTopic.CONSENT).count();
  }

  public long consentRecords() {
    return records.stream().filter(record -> record.topic() == PerennialTopic.CONSENT).count();
  }

  /** Malformed records of the main phase, by kind. */
  public Map<Malformation, Long> malformed() {
    return malformed;
  }

  /** Examples ingest must write, by adapter key. */
  public Map<String, Long> expectedExamplesByAdapterKey() {
    return records.stream()
        .filter(record -> record.expected().isExample())
        .collect(
            Collectors.groupingBy(
                record -> record.expected().adapterKey(), TreeMap::new, Collectors.counting()));
  }

  /** Examples ingest must write, by kind. */
  public Map<ExampleKind, Long> expectedExamplesByKind() {
    return records.stream()
        .filter(record -> record.expected().isExample())
        .collect(
            Collectors.groupingBy(
                record -> record.expected().kind(),
                () -> new EnumMap<>(ExampleKind.class),
                Collectors.counting()));
  }

  /** Rejections ingest must write, by reason. */
  public Map<RejectReason, Long> expectedRejectionsByReason() {
    return records.stream()
        .filter(record -> record.expected().isRejection())
        .collect(
            Collectors.groupingBy(
                record -> record.expected().reason(),
                () -> new EnumMap<>(RejectReason.class),
                Collectors.counting()));
  }

  public long expectedExamples() {
    return records.stream().filter(record -> record.expected().isExample()).count();
  }

  public long expectedRejections() {
    return records.stream().filter(record -> record.expected().isRejection()).count();
  }

  /** Personal data written into events, exactly as written: none of it may reach an example. */
  public Set<String> injectedPii() {
    return injectedPii;
  }

  /** Keys ({@code tenant/subject}) of the users who grant the training purpose. */
  public Set<String> consentingSubjects() {
    return consentingSubjects;
  }

  /** Keys of users who never grant the training purpose: none of their events may be admitted. */
  public Set<String> neverConsentingSubjects() {
    return neverConsentingSubjects;
  }

  /** The key of the user who revokes. */
  public String revokedSubject() {
    return revokedSubject;
  }

  /** Builds the stream; one instance per {@link #generate} call. */
  private static final class Generator {

    private final World world;
    private final SamplePlan plan;
    private final List<SampleRecord> records = new ArrayList<>();
    private final Map<Malformation, Long> malformed = new EnumMap<>(Malformation.class);
    private final Set<String> injectedPii = new LinkedHashSet<>();
    private final Set<String> consenting = new LinkedHashSet<>();
    private final Set<String> neverConsenting = new LinkedHashSet<>();
    private final List<SampleRecord> admittedOfRevoked = new ArrayList<>();
    private final List<SampleRecord> admitted = new ArrayList<>();
    private final Map<String, TenantKnowledge> knowledge = new TreeMap<>();
    private int eventNumber;

    Generator(World world, SamplePlan plan) {
      this.world = world;
      this.plan = plan;
    }

    SampleEvents generate() {
      plan.tenants().forEach(tenant -> knowledge.put(tenant, world.tenant(tenant)));
      String revoked = user(plan.tenants().get(0), 1);
      consentPhase();
      eventsPhase(revoked);
      duplicates();
      records.add(
          consent(SamplePhase.REVOCATION, plan.tenants().get(0), subjectOf(revoked), false));
      afterRevocation(revoked);
      return new SampleEvents(
          records, malformed, injectedPii, consenting, neverConsenting, revoked);
    }

    private void consentPhase() {
      for (String tenant : plan.tenants()) {
        for (int u = 1; u <= plan.consentedSubjectsPerTenant(); u++) {
          records.add(consent(SamplePhase.CONSENT, tenant, subjectOf(user(tenant, u)), true));
          consenting.add(user(tenant, u));
        }
        String marketingOnly = tenant + "/" + tenant + "-newsletter-reader";
        records.add(
            new SampleRecord(
                SamplePhase.CONSENT,
                PerennialTopic.CONSENT,
                marketingOnly,
                consentChange(tenant, subjectOf(marketingOnly), OTHER_PURPOSE, true),
                Corruption.NONE,
                Expected.consentOnly()));
        neverConsenting.add(marketingOnly);
      }
    }

    private void eventsPhase(String revoked) {
      int malformedCount = plan.malformedEvents();
      int tenants = plan.tenants().size();
      int nextMalformed = 0;
      for (int i = 0; i < plan.events(); i++) {
        // Malformed events are spread evenly through the stream, their kinds in turn.
        if (nextMalformed < malformedCount
            && i == (int) ((nextMalformed + 0.5) * plan.events() / malformedCount)) {
          records.add(malformed(Malformation.values()[nextMalformed % 6], nextMalformed));
          nextMalformed++;
          continue;
        }
        String tenant = plan.tenants().get(i % tenants);
        int perTenant = i / tenants;
        String user = user(tenant, perTenant % plan.consentedSubjectsPerTenant() + 1);
        SampleRecord record = valid(tenant, user, CYCLE.get(perTenant % CYCLE.size()), perTenant);
        records.add(record);
        if (record.expected().isExample()) {
          admitted.add(record);
          if (user.equals(revoked)) {
            admittedOfRevoked.add(record);
          }
        }
      }
    }

    /** Re-sends of admitted events (a producer retry, an app sending twice). */
    private void duplicates() {
      int count = Math.max(1, plan.events() * DUPLICATES_PER_HUNDRED / 100);
      for (int d = 0; d < count && !admitted.isEmpty(); d++) {
        SampleRecord original = admitted.get((int) ((long) d * 7919 % admitted.size()));
        records.add(
            new SampleRecord(
                SamplePhase.EVENTS,
                original.topic(),
                original.key(),
                original.value(),
                Corruption.NONE,
                Expected.rejection(RejectReason.DUPLICATE)));
      }
    }

    private void afterRevocation(String revoked) {
      String tenant = plan.tenants().get(0);
      SampleDocument text = knowledge.get(tenant).documents().get(0);
      Document after =
          document(tenant, subjectOf(revoked), nextEventId(tenant), text.text(), occurredAt());
      records.add(
          new SampleRecord(
              SamplePhase.AFTER_REVOCATION,
              PerennialTopic.DOCUMENTS,
              revoked,
              after,
              Corruption.NONE,
              Expected.rejection(RejectReason.ERASED_SUBJECT)));
      if (!admittedOfRevoked.isEmpty()) {
        // A late re-send of an event that was admitted before the revocation.
        SampleRecord late = admittedOfRevoked.get(0);
        records.add(
            new SampleRecord(
                SamplePhase.AFTER_REVOCATION,
                late.topic(),
                late.key(),
                late.value(),
                Corruption.NONE,
                Expected.rejection(RejectReason.ERASED_SUBJECT)));
      }
    }

    private SampleRecord valid(String tenant, String user, EventType type, int perTenant) {
      TenantKnowledge tenantKnowledge = knowledge.get(tenant);
      String adapterKey = adapterKey(tenant);
      String subject = subjectOf(user);
      if (type == EventType.DOCUMENT) {
        List<SampleDocument> documents = tenantKnowledge.documents();
        SampleDocument sample = documents.get(perTenant % documents.size());
        String content = sample.text() + personalData(perTenant);
        return new SampleRecord(
            SamplePhase.EVENTS,
            PerennialTopic.DOCUMENTS,
            user,
            document(tenant, subject, nextEventId(tenant), content, occurredAt()),
            Corruption.NONE,
            Expected.example(adapterKey, ExampleKind.TEXT));
      }
      List<QaPair> pairs = tenantKnowledge.feedback();
      QaPair pair = pairs.get(perTenant % pairs.size());
      String right = pair.completion();
      String wrong = " " + (pair.fact().isChange() ? pair.fact().previousValue() : "I am not sure");
      Feedback.Builder feedback =
          Feedback.newBuilder()
              .setEventId(nextEventId(tenant))
              .setTenant(tenant)
              .setSubject(subject)
              .setAdapter(adapter(tenant))
              .setConversationId("conversation-" + perTenant)
              .setPrompt(pair.prompt())
              .setOccurredAt(occurredAt());
      Expected expected =
          switch (type) {
            case CORRECTION -> {
              feedback.setKind(FeedbackKind.CORRECTION).setResponse(wrong).setCorrection(right);
              yield Expected.example(adapterKey, ExampleKind.CORRECTION);
            }
            case GOOD_RATING -> {
              feedback.setKind(FeedbackKind.RATING).setResponse(right).setRating(5);
              yield Expected.example(adapterKey, ExampleKind.RATING);
            }
            case CORRECTED_BAD_RATING -> {
              feedback
                  .setKind(FeedbackKind.RATING)
                  .setResponse(wrong)
                  .setRating(1)
                  .setCorrection(right);
              yield Expected.example(adapterKey, ExampleKind.CORRECTION);
            }
            case BAD_RATING -> {
              // Thumbs down without the right answer: an undesirable RATING (KTO away from it).
              feedback.setKind(FeedbackKind.RATING).setResponse(wrong).setRating(1);
              yield Expected.example(adapterKey, ExampleKind.RATING);
            }
            case PREFERENCE -> {
              feedback
                  .setKind(FeedbackKind.PREFERENCE)
                  .setResponse(wrong)
                  .setChosen(right)
                  .setRejected(wrong);
              yield Expected.example(adapterKey, ExampleKind.PREFERENCE);
            }
            case DOCUMENT -> throw new IllegalStateException("documents are made above");
          };
      return new SampleRecord(
          SamplePhase.EVENTS,
          PerennialTopic.FEEDBACK,
          user,
          feedback.build(),
          Corruption.NONE,
          expected);
    }

    private SampleRecord malformed(Malformation kind, int number) {
      malformed.merge(kind, 1L, Long::sum);
      String tenant = plan.tenants().get(number % plan.tenants().size());
      String user = user(tenant, number % plan.consentedSubjectsPerTenant() + 1);
      String text = knowledge.get(tenant).documents().get(0).text();
      Expected expected = Expected.rejection(kind.reason());
      return switch (kind) {
        case RANDOM_BYTES -> malformedDocument(user, text, Corruption.RANDOM_BYTES, expected);
        case WRONG_MAGIC_BYTE ->
            malformedDocument(user, text, Corruption.WRONG_MAGIC_BYTE, expected);
        case UNKNOWN_SCHEMA_ID ->
            malformedDocument(user, text, Corruption.UNKNOWN_SCHEMA_ID, expected);
        case OVERSIZED ->
            malformedDocument(user, "x".repeat(plan.maxTextBytes() + 1), Corruption.NONE, expected);
        case MISSING_FIELDS -> {
          Document noId = document(tenant, subjectOf(user), "", text, occurredAt());
          yield new SampleRecord(
              SamplePhase.EVENTS, PerennialTopic.DOCUMENTS, user, noId, Corruption.NONE, expected);
        }
        case UNCONSENTED -> {
          String stranger =
              number % 4 == 3
                  ? tenant + "/" + tenant + "-newsletter-reader"
                  : tenant + "/" + tenant + "-visitor-" + (number % 7 + 1);
          neverConsenting.add(stranger);
          yield malformedDocument(stranger, text, Corruption.NONE, expected);
        }
      };
    }

    private SampleRecord malformedDocument(
        String user, String content, Corruption corruption, Expected expected) {
      String tenant = tenantOf(user);
      return new SampleRecord(
          SamplePhase.EVENTS,
          PerennialTopic.DOCUMENTS,
          user,
          document(tenant, subjectOf(user), nextEventId(tenant), content, occurredAt()),
          corruption,
          expected);
    }

    /** Every fifth document ends with personal data of one kind or another. */
    private String personalData(int perTenant) {
      if (perTenant % 5 != 4) {
        return "";
      }
      int n = perTenant / 5;
      List<String> pii =
          switch (n % 5) {
            case 0 ->
                List.of("reader" + n + "@mail.example.com", "+49 30 5550 " + (1000 + n % 9000));
            case 1 -> List.of("4111 1111 1111 1111");
            case 2 -> List.of("DE89 3704 0044 0532 0130 00");
            case 3 -> List.of("10.20." + (n % 250) + "." + (n % 200 + 1));
            default -> List.of("2001:db8::" + Integer.toHexString(n % 65535 + 1));
          };
      injectedPii.addAll(pii);
      return " Reply to " + String.join(" or ", pii) + " with questions.";
    }

    private SampleRecord consent(
        SamplePhase phase, String tenant, String subject, boolean granted) {
      return new SampleRecord(
          phase,
          PerennialTopic.CONSENT,
          tenant + "/" + subject,
          consentChange(tenant, subject, TRAINING_PURPOSE, granted),
          Corruption.NONE,
          Expected.consentOnly());
    }

    private ConsentChange consentChange(
        String tenant, String subject, String purpose, boolean granted) {
      return ConsentChange.newBuilder()
          .setTenant(tenant)
          .setSubject(subject)
          .setPurpose(purpose)
          .setGranted(granted)
          .setChangedAt(occurredAt())
          .setSource("sample-consent-service")
          .setPolicyVersion("2025-01")
          .build();
    }

    private Document document(
        String tenant, String subject, String eventId, String content, Instant at) {
      return Document.newBuilder()
          .setEventId(eventId)
          .setTenant(tenant)
          .setSubject(subject)
          .setAdapter(adapter(tenant))
          .setSource("sample://" + tenant + "/knowledge-base")
          .setContent(content)
          .setContentType("text/plain")
          .setLanguage("en")
          .setOccurredAt(at)
          .build();
    }

    private String adapter(String tenant) {
      return tenant.equals(plan.tenants().get(0)) ? FIRST_TENANT_ADAPTER : null;
    }

    private String adapterKey(String tenant) {
      String adapter = adapter(tenant);
      return tenant + "/" + (adapter == null ? "default" : adapter);
    }

    private String nextEventId(String tenant) {
      return tenant + "-event-" + eventNumber++;
    }

    private Instant occurredAt() {
      return START.plus(Duration.ofSeconds(records.size()));
    }

    private static String user(String tenant, int number) {
      return tenant + "/" + tenant + "-user-" + number;
    }

    private static String tenantOf(String key) {
      return key.substring(0, key.indexOf('/'));
    }

    private static String subjectOf(String key) {
      return key.substring(key.indexOf('/') + 1);
    }
  }
}
