package dev.perennial.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry behind the extension speaks the Confluent REST API and enforces BACKWARD. */
class SchemaRegistryExtensionIT {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String V1 =
      "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Document\\\",\\\"namespace\\\":\\\"dev.perennial.test\\\","
          + "\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"string\\\"}]}";
  // Adds a field with a default: readers of v2 can read v1 data.
  private static final String V2_COMPATIBLE =
      "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Document\\\",\\\"namespace\\\":\\\"dev.perennial.test\\\","
          + "\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"string\\\"},"
          + "{\\\"name\\\":\\\"language\\\",\\\"type\\\":\\\"string\\\",\\\"default\\\":\\\"en\\\"}]}";
  // Adds a field without a default: readers of v2 cannot read v1 data.
  private static final String V2_INCOMPATIBLE =
      "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Document\\\",\\\"namespace\\\":\\\"dev.perennial.test\\\","
          + "\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"string\\\"},"
          + "{\\\"name\\\":\\\"tenant\\\",\\\"type\\\":\\\"string\\\"}]}";

  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> register(String subject, String escapedSchema)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(REGISTRY.url() + "/subjects/" + subject + "/versions"))
            .header("Content-Type", CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"" + escapedSchema + "\"}"))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create(REGISTRY.url() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theUrlIsTheConfluentCompatibleApiOnLoopback() {
    assertThat(REGISTRY.url()).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");
    assertThat(REGISTRY.logFile()).exists();
  }

  @Test
  void aSchemaIsRegisteredAndFoundAgainByIdAndSubject() throws Exception {
    String subject = "register-" + System.nanoTime() + "-value";

    HttpResponse<String> registered = register(subject, V1);

    assertThat(registered.statusCode()).isEqualTo(200);
    assertThat(registered.body()).matches("\\{\"id\":\\d+}");
    String id = registered.body().replaceAll("\\D", "");
    assertThat(get("/schemas/ids/" + id).body()).contains("Document");
    assertThat(get("/subjects").body()).contains(subject);
    assertThat(get("/subjects/" + subject + "/versions").body()).isEqualTo("[1]");
  }

  @Test
  void aBackwardCompatibleChangeIsAcceptedAndAnIncompatibleOneRefusedWith409() throws Exception {
    String subject = "evolve-" + System.nanoTime() + "-value";
    assertThat(register(subject, V1).statusCode()).isEqualTo(200);

    HttpResponse<String> incompatible = register(subject, V2_INCOMPATIBLE);
    HttpResponse<String> compatible = register(subject, V2_COMPATIBLE);

    assertThat(incompatible.statusCode()).isEqualTo(409);
    assertThat(incompatible.body()).contains("\"error_code\":409");
    assertThat(compatible.statusCode()).isEqualTo(200);
    assertThat(get("/subjects/" + subject + "/versions").body()).isEqualTo("[1,2]");
  }

  @Test
  void theGlobalConfigSaysTheCompatibilityTheRegistryEnforces() throws Exception {
    HttpResponse<String> config = get("/config");

    assertThat(config.statusCode()).isEqualTo(200);
    assertThat(config.body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
  }
}
