package dev.perennial.publisher.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.publisher.PublisherException;
import dev.perennial.publisher.alias.AliasCommand;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.retract.RetractCommand;
import dev.perennial.schemas.key.AdapterKey;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Calls a running publisher's admin endpoints (what {@code perennial releases promote}, {@code
 * rollback} and {@code retract} use).
 */
public final class PublisherClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final Optional<String> token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * @param base the publisher's HTTP address, e.g. {@code http://publisher:8080}
   */
  public PublisherClient(URI base, Optional<String> token) {
    this.base = base;
    this.token = token.filter(value -> !value.isBlank());
  }

  /**
   * Moves an alias and returns the publisher's answer (the key's aliases after the move).
   *
   * @throws PublisherException with the publisher's own message when it refuses, or when it cannot
   *     be reached
   */
  public JsonNode moveAlias(AliasCommand command) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("action", command.move().toString());
    body.put("version", command.version());
    body.put("actor", command.actor());
    body.put("reason", command.reason());
    return post(keyPath(command.key()) + "/aliases/" + encode(command.alias()), body);
  }

  /**
   * Retracts a release and returns the publisher's answer (the key's aliases and retracted versions
   * after it).
   *
   * @throws PublisherException with the publisher's own message when it refuses, or when it cannot
   *     be reached
   */
  public JsonNode retract(RetractCommand command) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("actor", command.actor());
    body.put("reason", command.reason());
    return post(keyPath(command.key()) + "/versions/" + command.version() + "/retract", body);
  }

  private JsonNode post(String path, ObjectNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
    token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new PublisherException(
          "Cannot reach the publisher at " + base + " (is it running?)", e);
    } catch (IOException e) {
      throw new PublisherException("Cannot call the publisher at " + base + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublisherException("Interrupted while calling the publisher", e);
    }
    JsonNode answer = parse(response.body());
    if (response.statusCode() != 200) {
      String message = answer.path("error").asText(response.body().strip());
      throw new PublisherException(
          "The publisher refused (HTTP " + response.statusCode() + "): " + message);
    }
    return answer;
  }

  private static JsonNode parse(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return Json.MAPPER.createObjectNode();
    }
  }

  /** The API's path of {@code key}'s adapter, its segments encoded. */
  private static String keyPath(AdapterKey key) {
    return PublisherApi.PREFIX + "adapters/" + encode(key.tenant()) + "/" + encode(key.adapter());
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }
}
