package dev.perennial.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.embedded.EmbeddedSchemaRegistry;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.evolution.SchemaHistory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client against the real registry, which keeps BACKWARD compatibility as Confluent's does. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SchemaRegistryClientIT {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final AtomicInteger SUBJECTS = new AtomicInteger();
  private static final Schema DOCUMENT_V1 =
      SchemaHistory.load(Path.of("src/main/avro-history")).versions("Document").get(0);

  private SchemaRegistryClient client;
  private String subject;

  @BeforeEach
  void newClientAndSubject() {
    client = new SchemaRegistryClient(URI.create(REGISTRY.url()), Optional.empty());
    subject = "client-it-" + SUBJECTS.incrementAndGet() + "-value";
  }

  @Test
  void aRegisteredSchemaIsFoundByIdBySchemaAndAsLatestVersion() {
    int id = client.register(subject, DOCUMENT_V1);
    SchemaRegistryClient fresh =
        new SchemaRegistryClient(URI.create(REGISTRY.url()), Optional.empty());

    assertThat(fresh.schemaById(id)).isEqualTo(DOCUMENT_V1);
    assertThat(fresh.idOf(subject, DOCUMENT_V1)).isEqualTo(id);
    assertThat(fresh.latestVersion(subject))
        .isEqualTo(new RegisteredSchema(subject, 1, id, DOCUMENT_V1));
    assertThat(client.register(subject, DOCUMENT_V1)).isEqualTo(id);
  }

  @Test
  void aBackwardIncompatibleChangeIsRefusedWith409() throws IOException {
    client.register(subject, DOCUMENT_V1);
    Schema incompatible = resource("evolution/Document-required-field-added.avsc");

    assertThat(client.checkCompatibility(subject, incompatible).compatible()).isFalse();
    assertThatThrownBy(() -> client.register(subject, incompatible))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
              assertThat(e).hasMessageContaining(subject);
            });
    assertThat(client.latestVersion(subject).version()).isEqualTo(1);
  }

  @Test
  void aBackwardCompatibleChangeBecomesTheNextVersion() throws IOException {
    client.register(subject, DOCUMENT_V1);
    Schema compatible = resource("evolution/Document-optional-field-added.avsc");

    assertThat(client.checkCompatibility(subject, compatible).compatible()).isTrue();
    int id = client.register(subject, compatible);

    assertThat(client.latestVersion(subject))
        .isEqualTo(new RegisteredSchema(subject, 2, id, compatible));
  }

  @Test
  void anUnknownIdIsSchemaNotFound40403() {
    assertThatThrownBy(() -> client.schemaById(Integer.MAX_VALUE))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
  }

  @Test
  void anUnknownSubjectIsSubjectNotFound40401() {
    assertThatThrownBy(() -> client.latestVersion(subject))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    assertThatThrownBy(() -> client.idOf(subject, DOCUMENT_V1))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
  }

  @Test
  void aSchemaNotUnderAnExistingSubjectIsSchemaNotFound40403() throws IOException {
    client.register(subject, DOCUMENT_V1);

    assertThatThrownBy(
            () -> client.idOf(subject, resource("evolution/Document-optional-field-added.avsc")))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
  }

  @Test
  void aUrlThatReachesNoRegistryApiIsAnOutageNotAnUnknownSchema() {
    // Apicurio's base URL without its Confluent-compatible path: every request answers 404.
    String apicurioRoot = REGISTRY.url().replace(EmbeddedSchemaRegistry.CCOMPAT_PATH, "");
    SchemaRegistryClient misconfigured =
        new SchemaRegistryClient(URI.create(apicurioRoot), Optional.empty());
    int id = client.register(subject, DOCUMENT_V1);

    assertThatThrownBy(() -> misconfigured.schemaById(id))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e).isNotInstanceOf(SchemaNotFoundException.class);
              assertThat(e.unavailable()).isTrue();
              assertThat(e).hasMessageContaining(apicurioRoot);
            });
    assertThat(misconfigured.outage()).isPresent();
  }

  static Schema resource(String name) throws IOException {
    try (InputStream in = SchemaRegistryClientIT.class.getClassLoader().getResourceAsStream(name)) {
      return new Schema.Parser().parse(in);
    }
  }
}
