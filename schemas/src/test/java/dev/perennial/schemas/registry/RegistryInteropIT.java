package dev.perennial.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.SampleRecords;
import dev.perennial.schemas.serde.AvroSerdeConfig;
import dev.perennial.schemas.serde.AvroSerializer;
import dev.perennial.schemas.serde.WireFormat;
import dev.perennial.schemas.v1.Document;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12: the registry as app teams use it. An app copies a contract's {@code .avsc} from the
 * repository and asks the registry for its id the way Confluent's clients do (a lookup under the
 * subject): it must find the id Perennial's serializer registered, and registering its copy must
 * add no version.
 */
class RegistryInteropIT {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aLookupOfTheRepositorysOwnAvscFindsTheIdPerennialRegistered() throws Exception {
    String topic = "interop-" + System.nanoTime() + ".documents.v1";
    String subject = WireFormat.subject(topic, false);
    AvroSerializer<Document> serializer = new AvroSerializer<>();
    serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()), false);
    int written = WireFormat.schemaId(topic, serializer.serialize(topic, SampleRecords.document()));

    String published = Files.readString(Path.of("src/main/avro-history/Document/v1.avsc"));
    String compilerInput = Files.readString(Path.of("src/main/avro/Document.avsc"));

    assertThat(lookUp(subject, published).path("id").asInt()).isEqualTo(written);
    assertThat(lookUp(subject, compilerInput).path("id").asInt()).isEqualTo(written);
    assertThat(post("/subjects/" + subject + "/versions", published).path("id").asInt())
        .isEqualTo(written);
    assertThat(get("/subjects/" + subject + "/versions").toString()).isEqualTo("[1]");
    assertThat(get("/schemas/ids/" + written).path("schema").asText()).isEqualTo(published);
  }

  @Test
  void theRegistrySaysWhichCompatibilityItEnforces() throws Exception {
    assertThat(get("/config").path("compatibilityLevel").asText()).isEqualTo("BACKWARD");
  }

  private JsonNode lookUp(String subject, String schema) throws Exception {
    return post("/subjects/" + subject, schema);
  }

  private JsonNode post(String path, String schema) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(REGISTRY.url() + path))
                .header("Content-Type", CONTENT_TYPE)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(Map.of("schema", schema))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(REGISTRY.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
