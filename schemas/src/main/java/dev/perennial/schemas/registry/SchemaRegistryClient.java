package dev.perennial.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.core.health.Readiness;
import dev.perennial.schemas.PublishedSchemas;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Confluent schema registry REST API (Confluent's registry, Apicurio's ccompat API
 * and others that speak it), for Avro schemas. Every schema it registers, looks up or checks is
 * sent in its published form ({@link PublishedSchemas}), the text of the repository's {@code .avsc}
 * files.
 *
 * <p>Schema ids and id lookups are cached: an id names one schema forever, and a schema registered
 * under a subject keeps its id. Latest versions and compatibility checks are never cached.
 * Transport errors and 5xx answers are retried a bounded number of times; 4xx answers never are.
 * The client remembers whether its last request found the registry unavailable ({@link #outage()}),
 * which a stage's readiness reports.
 */
public final class SchemaRegistryClient {

  private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClient.class);

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  private static final int DEFAULT_MAX_ATTEMPTS = 4;
  private static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);

  private final String baseUrl;
  private final Optional<String> authorization;
  private final int maxAttempts;
  private final Duration retryBackoff;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
  private final AtomicReference<Outage> outage = new AtomicReference<>();

  /**
   * The registry has been unavailable since {@code since}; {@code lastError} is the latest failure.
   */
  public record Outage(Instant since, String lastError) {

    /** What a stage's {@code /health/ready} says while the outage lasts. */
    public Readiness readiness() {
      return Readiness.notReady("schema registry unavailable since " + since + ": " + lastError);
    }
  }

  /**
   * @param baseUrl the registry's base URL, e.g. {@code http://host:8081} or Apicurio's {@code
   *     http://host:8080/apis/ccompat/v7}
   * @param basicAuthUserInfo {@code user:password} for HTTP basic authentication, if the registry
   *     wants it
   */
  public SchemaRegistryClient(URI baseUrl, Optional<String> basicAuthUserInfo) {
    this(baseUrl, basicAuthUserInfo, Optional.empty());
  }

  /**
   * @param baseUrl the registry's base URL
   * @param basicAuthUserInfo {@code user:password} for HTTP basic authentication, if the registry
   *     wants it
   * @param tls the TLS settings of an {@code https} registry (the CAs it trusts), if not the JVM's
   *     default
   */
  public SchemaRegistryClient(
      URI baseUrl, Optional<String> basicAuthUserInfo, Optional<SSLContext> tls) {
    this(baseUrl, basicAuthUserInfo, DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_BACKOFF, tls);
  }

  SchemaRegistryClient(
      URI baseUrl, Optional<String> basicAuthUserInfo, int maxAttempts, Duration retryBackoff) {
    this(baseUrl, basicAuthUserInfo, maxAttempts, retryBackoff, Optional.empty());
  }

  private SchemaRegistryClient(
      URI baseUrl,
      Optional<String> basicAuthUserInfo,
      int maxAttempts,
      Duration retryBackoff,
      Optional<SSLContext> tls) {
    this.baseUrl = baseUrl.toString().replaceAll("/+$", "");
    this.authorization =
        basicAuthUserInfo.map(
            userInfo ->
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    this.maxAttempts = maxAttempts;
    this.retryBackoff = retryBackoff;
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
    tls.ifPresent(http::sslContext);
    this.http = http.build();
  }

  /** The base URL requests go to. */
  public String baseUrl() {
    return baseUrl;
  }

  /**
   * Since when and why the registry is unavailable (the last request found it so, after every
   * retry), or empty while it answers (or nothing was asked yet).
   */
  public Optional<Outage> outage() {
    return Optional.ofNullable(outage.get());
  }

  /** Registers {@code schema} under {@code subject} (a no-op if it is already there); its id. */
  public int register(String subject, Schema schema) {
    return cachedId(subject, schema, "/subjects/" + encode(subject) + "/versions");
  }

  /**
   * The id {@code schema} has under {@code subject}, without registering it.
   *
   * @throws SchemaNotFoundException if the subject (40401) or the schema under it (40403) is
   *     unknown
   */
  public int idOf(String subject, Schema schema) {
    return cachedId(subject, schema, "/subjects/" + encode(subject));
  }

  /**
   * The id of {@code schema} under {@code subject}: the cached one, else the registry's answer to
   * the schema POSTed to {@code path} (registering or looking it up), cached.
   */
  private int cachedId(String subject, Schema schema, String path) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    int id = tracked(() -> requiredInt(send("POST", path, schemaBody(schema)), "id"));
    idsBySubjectSchema.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  /**
   * The schema with the global id {@code id}.
   *
   * @throws SchemaNotFoundException (40403) if the registry has no schema with that id
   */
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    Schema schema = tracked(() -> avroSchema(id, send("GET", "/schemas/ids/" + id, null)));
    schemasById.put(id, schema);
    return schema;
  }

  /**
   * The newest version registered under {@code subject}.
   *
   * @throws SchemaNotFoundException (40401) if the subject is unknown
   */
  public RegisteredSchema latestVersion(String subject) {
    return tracked(
        () -> {
          JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
          int id = requiredInt(answer, "id");
          Schema schema = schemasById.computeIfAbsent(id, unused -> avroSchema(id, answer));
          return new RegisteredSchema(subject, requiredInt(answer, "version"), id, schema);
        });
  }

  /**
   * Whether the subject's compatibility rule admits {@code schema} after its latest version. For a
   * subject without versions, Confluent's registry answers 40401 (a {@link
   * SchemaNotFoundException}), Apicurio's answers compatible.
   */
  public CompatibilityResult checkCompatibility(String subject, Schema schema) {
    JsonNode answer =
        tracked(
            () ->
                send(
                    "POST",
                    "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                    schemaBody(schema)));
    JsonNode compatible = answer.get("is_compatible");
    if (compatible == null || !compatible.isBoolean()) {
      throw malformed("no boolean is_compatible", answer);
    }
    List<String> messages = new ArrayList<>();
    answer.path("messages").forEach(message -> messages.add(message.asText()));
    return new CompatibilityResult(compatible.booleanValue(), messages);
  }

  /** Runs a request, remembering whether it found the registry available. */
  private <T> T tracked(Supplier<T> request) {
    try {
      T answer = request.get();
      available();
      return answer;
    } catch (SchemaRegistryException e) {
      if (e.unavailable()) {
        Instant now = Instant.now();
        outage.getAndUpdate(
            previous -> new Outage(previous == null ? now : previous.since(), e.getMessage()));
      } else {
        available();
      }
      throw e;
    }
  }

  private void available() {
    if (outage.getAndSet(null) != null) {
      log.info("The schema registry at {} answers again", baseUrl);
    }
  }

  /** The request body of {@code schema}: always its published form ({@link PublishedSchemas}). */
  private String schemaBody(Schema schema) {
    try {
      return json.writeValueAsString(
          Map.of("schemaType", "AVRO", "schema", PublishedSchemas.text(schema)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON string", e);
    }
  }

  private JsonNode send(String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", CONTENT_TYPE + ", application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", CONTENT_TYPE);
    }
    authorization.ifPresent(value -> request.header("Authorization", value));
    String what = method + " " + baseUrl + path;
    for (int attempt = 1; ; attempt++) {
      SchemaRegistryException failure;
      try {
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 == 2) {
          return readJson(what, response.body());
        }
        failure = errorOf(what, response.statusCode(), response.body());
        if (response.statusCode() < 500) {
          throw failure;
        }
      } catch (IOException e) {
        failure =
            new SchemaRegistryException(
                what + " failed: " + e, SchemaRegistryException.NO_RESPONSE, 0, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(
            what + " interrupted", SchemaRegistryException.NO_RESPONSE, 0, e);
      }
      if (attempt >= maxAttempts) {
        throw failure;
      }
      log.warn("retry {} of {}: {}", attempt, maxAttempts - 1, failure.getMessage());
      sleep(retryBackoff.multipliedBy(attempt), failure);
    }
  }

  private static void sleep(Duration pause, SchemaRegistryException pending) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.addSuppressed(e);
      throw pending;
    }
  }

  private SchemaRegistryException errorOf(String what, int status, String body) {
    int errorCode = status;
    String message = body == null ? "" : body.strip();
    try {
      JsonNode error = json.readTree(message);
      if (error != null && error.path("error_code").isInt()) {
        errorCode = error.get("error_code").intValue();
        message = error.path("message").asText(message);
      }
    } catch (JsonProcessingException notJson) {
      // A proxy or a crashed registry answered: keep the raw body as the message.
    }
    String text =
        what
            + " answered HTTP "
            + status
            + ", error code "
            + errorCode
            + ": "
            + abbreviate(message);
    if (status == 404) {
      // Confluent's registry says what was not found (40401 subject, 40403 schema, ...); a 404
      // without such a code comes from a proxy or a URL that is not the registry's API.
      if (errorCode / 100 == 404) {
        return new SchemaNotFoundException(text, errorCode);
      }
      return new SchemaRegistryException(
          text
              + " (no schema registry API at "
              + baseUrl
              + ": the registry's Confluent-compatible API, e.g. Apicurio's .../apis/ccompat/v7?)",
          status,
          errorCode,
          null);
    }
    if (status == 409) {
      return new IncompatibleSchemaException(text, errorCode);
    }
    return new SchemaRegistryException(text, status, errorCode, null);
  }

  private JsonNode readJson(String what, String body) {
    try {
      return json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new SchemaRegistryException(
          what + " answered with something that is not JSON: " + abbreviate(body), 200, 0, e);
    }
  }

  private static int requiredInt(JsonNode answer, String field) {
    JsonNode value = answer.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw malformed("no integer " + field, answer);
    }
    return value.intValue();
  }

  private static String requiredText(JsonNode answer, String field) {
    JsonNode value = answer.get(field);
    if (value == null || !value.isTextual()) {
      throw malformed("no string " + field, answer);
    }
    return value.textValue();
  }

  private static SchemaRegistryException malformed(String problem, JsonNode answer) {
    return new SchemaRegistryException(
        "registry answer has " + problem + ": " + abbreviate(String.valueOf(answer)), 200, 0, null);
  }

  /**
   * The Avro schema in the registry's {@code answer} about schema {@code id}.
   *
   * @throws UnusableSchemaException if it is another type of schema or Avro does not parse it
   */
  private Schema avroSchema(int id, JsonNode answer) {
    String text = requiredText(answer, "schema");
    String type = answer.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new UnusableSchemaException(
          "schema id " + id + " at " + baseUrl + " is a " + type + " schema, not Avro", null);
    }
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      // Avro refuses a schema with SchemaParseException, AvroTypeException, AvroRuntimeException
      // or (1.12, for an undefined type name) a NullPointerException.
      String references =
          answer.path("references").isEmpty()
              ? ""
              : " (it has references to other subjects, which this client does not resolve)";
      throw new UnusableSchemaException(
          "schema id "
              + id
              + " at "
              + baseUrl
              + " is not Avro this client can parse"
              + references
              + ": "
              + e
              + "; the schema: "
              + abbreviate(text),
          e);
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String text) {
    return text.length() <= 500 ? text : text.substring(0, 500) + "...";
  }

  private record SubjectSchema(String subject, Schema schema) {}
}
