package dev.perennial.publisher.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.PublisherException;
import dev.perennial.publisher.alias.AliasChangeRefusedException;
import dev.perennial.publisher.alias.AliasCommand;
import dev.perennial.publisher.config.AdminAccess;
import dev.perennial.publisher.config.Aliases;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.release.BaseChoice;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.retract.RetractCommand;
import dev.perennial.publisher.retract.RetractionRefusedException;
import dev.perennial.publisher.sign.IntegrityChecks;
import dev.perennial.publisher.sign.Verification;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.key.InvalidAdapterKeyException;
import dev.perennial.schemas.v1.AdapterRelease;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher's HTTP API under {@value #PREFIX}: read-only on the read API port ({@code
 * perennial.publisher.api.port}, for serving stacks), with the admin endpoint on the health port
 * ({@code perennial.http.port}, beside {@code /metrics} and {@code /health/*}). Reads come from the
 * publisher's current state; every error is JSON {@code {"status": 404, "error": "..."}} that names
 * what was not found.
 *
 * <ul>
 *   <li>{@code GET /v1/public-key}: the PEM of the key that verifies manifests;
 *   <li>{@code GET /v1/adapters}: every key with its latest version, aliases per base and
 *       retractions;
 *   <li>{@code GET /v1/adapters/{tenant}/{adapter}}: one key, with its published versions;
 *   <li>{@code GET /v1/adapters/{tenant}/{adapter}/versions}: its published versions (a quarantined
 *       one, whose manifest did not verify when the publisher read it, as {@code quarantined} with
 *       the {@code reason}, none of its manifest's fields);
 *   <li>{@code GET /v1/adapters/{tenant}/{adapter}/versions/{n}}: one release (also a retracted
 *       one, marked so, and {@code purged} with {@code purgedFiles} once its weights are deleted);
 *   <li>{@code GET /v1/adapters/{tenant}/{adapter}/{alias}}: the release an alias points at (for
 *       serving sidecars): version, its {@code baseModel}, {@code path} of the adapter folder,
 *       {@code relativePath} to the release area, {@code artifactLocation} in the artifact store,
 *       manifest, its digest and signature.
 * </ul>
 *
 * Aliases are per key and base model. The key, versions and alias reads take {@code ?base=<name or
 * digest>} (the base a serving stack runs; {@code all} for every base on the versions list) and
 * answer for the key's newest base without it; a base the key has no release on is 404, naming the
 * bases it has.
 *
 * <ul>
 *   <li>{@code POST /v1/adapters/{tenant}/{adapter}/aliases/{alias}} with {@code {"action":
 *       "promote"|"rollback", "version": 3, "actor": "...", "reason": "..."}}: moves the alias
 *       through the single writer, answers the key's state after it; 400 for a bad body, 408 for
 *       one not read whole within {@link
 *       dev.perennial.core.http.BoundedHttpServer#REQUEST_BODY_TIMEOUT}, 401 without the admin
 *       token, 403 when no token is configured and moves were not opened to anyone ({@link
 *       AdminAccess}), 404 for an unknown key, version or alias, 409 when the move conflicts
 *       (retracted version, unchanged, rollback to a newer version, a quarantined key).
 *   <li>{@code POST /v1/adapters/{tenant}/{adapter}/versions/{n}/retract} with {@code {"actor":
 *       "...", "reason": "..."}}: retracts the release for good through the single writer (as an
 *       erasure retracts one: aliases on it fall back, its weights are purged), answers the key's
 *       state after it; the same 400, 408, 401 and 403 as alias moves, 404 for an unknown key or
 *       version, 409 for a version retracted already or a quarantined key.
 * </ul>
 */
public final class PublisherApi implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(PublisherApi.class);

  public static final String PREFIX = "/v1/";
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

  private final Supplier<ReleaseRegistry> registry;
  private final ReleaseArea area;
  private final Supplier<String> publicKeyPem;
  private final Function<AliasCommand, Decision> aliasMoves;
  private final Function<RetractCommand, Decision> retractions;
  private final AdminAccess adminAccess;
  private final IntegrityChecks integrity;

  private PublisherApi(
      Supplier<ReleaseRegistry> registry,
      ReleaseArea area,
      IntegrityChecks integrity,
      Supplier<String> publicKeyPem,
      Function<AliasCommand, Decision> aliasMoves,
      Function<RetractCommand, Decision> retractions,
      AdminAccess adminAccess) {
    this.registry = registry;
    this.area = area;
    this.integrity = integrity;
    this.publicKeyPem = publicKeyPem;
    this.aliasMoves = aliasMoves;
    this.retractions = retractions;
    this.adminAccess = adminAccess;
  }

  /** The read API with the admin endpoints (for the health port, which operators reach). */
  public static PublisherApi withAdmin(
      Supplier<ReleaseRegistry> registry,
      ReleaseArea area,
      IntegrityChecks integrity,
      Supplier<String> publicKeyPem,
      Function<AliasCommand, Decision> aliasMoves,
      Function<RetractCommand, Decision> retractions,
      AdminAccess adminAccess) {
    return new PublisherApi(
        registry, area, integrity, publicKeyPem, aliasMoves, retractions, adminAccess);
  }

  /** The read API alone (for the port serving stacks reach): alias moves and retractions 405. */
  public static PublisherApi readOnly(
      Supplier<ReleaseRegistry> registry,
      ReleaseArea area,
      IntegrityChecks integrity,
      Supplier<String> publicKeyPem) {
    return new PublisherApi(
        registry, area, integrity, publicKeyPem, null, null, AdminAccess.closed());
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      ApiResponse response;
      try {
        response = route(exchange);
      } catch (RuntimeException e) {
        // the message may name the server's files: it goes to the log, the client gets no detail
        log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        response = ApiResponse.error(500, "Internal server error");
      }
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(response.status(), -1);
        return;
      }
      exchange.sendResponseHeaders(response.status(), response.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    }
  }

  private ApiResponse route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    List<String> path = segments(exchange.getRequestURI().getRawPath());
    boolean read = "GET".equals(method) || "HEAD".equals(method);
    if (path.equals(List.of("public-key"))) {
      return read
          ? ApiResponse.text(ApiResponse.PEM, publicKeyPem.get())
          : methodNotAllowed(exchange, "GET, HEAD");
    }
    if (path.isEmpty() || !path.get(0).equals("adapters")) {
      return ApiResponse.error(
          404, "Not found: " + exchange.getRequestURI().getPath() + "; try " + PREFIX + "adapters");
    }
    if (path.size() == 1) {
      return read ? ApiResponse.ok(allKeys()) : methodNotAllowed(exchange, "GET, HEAD");
    }
    if (path.size() == 2) {
      return ApiResponse.error(
          404,
          "Not found: an adapter key has two parts, " + PREFIX + "adapters/{tenant}/{adapter}");
    }
    AdapterKey key;
    try {
      key = new AdapterKey(path.get(1), path.get(2));
    } catch (InvalidAdapterKeyException e) {
      return ApiResponse.error(
          404, "No adapter key " + path.get(1) + "/" + path.get(2) + ": " + e.getMessage());
    }
    List<String> rest = path.subList(3, path.size());
    if (rest.size() == 2 && rest.get(0).equals("aliases")) {
      if (aliasMoves == null) {
        return ApiResponse.error(
            405,
            "This is the read API; alias moves go to the publisher's admin port (perennial.http.port)");
      }
      return "POST".equals(method)
          ? moveAlias(exchange, key, rest.get(1))
          : methodNotAllowed(exchange, "POST");
    }
    if (rest.size() == 3 && rest.get(0).equals("versions") && rest.get(2).equals("retract")) {
      if (retractions == null) {
        return ApiResponse.error(
            405,
            "This is the read API; retractions go to the publisher's admin port (perennial.http.port)");
      }
      return "POST".equals(method)
          ? retract(exchange, key, rest.get(1))
          : methodNotAllowed(exchange, "POST");
    }
    if (!read) {
      return methodNotAllowed(exchange, "GET, HEAD");
    }
    ReleaseRegistry current = registry.get();
    Optional<KeyState> state = current.find(key).filter(found -> found.latestVersion() > 0);
    if (state.isEmpty()) {
      return ApiResponse.error(404, "No releases of " + key);
    }
    BaseChoice choice = BaseChoice.parse(query(exchange, "base"));
    List<Digest> bases;
    try {
      bases = choice.select(state.get());
    } catch (IllegalArgumentException e) {
      return ApiResponse.error(404, e.getMessage());
    }
    if (rest.isEmpty()) {
      ObjectNode node = ReleaseViews.summary(state.get(), bases);
      node.set(
          "versions", ReleaseViews.versions(state.get(), bases, current.quarantined(key), area));
      return ApiResponse.ok(node);
    }
    if (rest.equals(List.of("versions"))) {
      return ApiResponse.ok(
          ReleaseViews.versions(state.get(), bases, current.quarantined(key), area));
    }
    if (rest.size() == 2 && rest.get(0).equals("versions")) {
      return version(state.get(), rest.get(1));
    }
    if (rest.size() == 1) {
      if (bases.size() != 1) {
        return ApiResponse.error(
            404, "An alias is resolved on one base; name it with ?base=<name or digest>");
      }
      return alias(state.get(), bases.get(0), rest.get(0));
    }
    return ApiResponse.error(404, "Not found: " + exchange.getRequestURI().getPath());
  }

  private ObjectNode allKeys() {
    ObjectNode node = Json.MAPPER.createObjectNode();
    ArrayNode keys = node.putArray("adapters");
    registry.get().keys().values().stream()
        .filter(state -> state.latestVersion() > 0)
        .forEach(
            state ->
                keys.add(
                    ReleaseViews.summary(
                        state, state.newestBase().map(List::of).orElse(List.of()))));
    return node;
  }

  private ApiResponse version(KeyState state, String text) {
    // only the number as releases are named (v3 is "3"): Integer.parseInt alone would also read
    // "+3", "03" and non-ASCII digits as v3; nine digits at most, so it always fits an int
    if (!VERSION.matcher(text).matches()) {
      return ApiResponse.error(404, "No version '" + text + "' of " + state.key());
    }
    int version = Integer.parseInt(text);
    Optional<StoredRelease> release =
        state.release(version).filter(r -> state.isAnnounced(version));
    if (release.isEmpty()) {
      return ApiResponse.error(
          404, state.key() + " has no v" + version + " (latest is v" + state.latestVersion() + ")");
    }
    return intact(release.get())
        .orElseGet(() -> ApiResponse.ok(ReleaseViews.release(state, release.get(), null, area)));
  }

  private ApiResponse alias(KeyState state, Digest base, String alias) {
    Optional<Integer> version = state.alias(base, alias);
    if (version.isEmpty()) {
      return ApiResponse.error(
          404,
          state.key()
              + " has no alias "
              + alias
              + " on base "
              + state.baseName(base)
              + (state.aliases(base).isEmpty()
                  ? " (no aliases there)"
                  : " (aliases there: " + state.aliases(base) + ")"));
    }
    StoredRelease release =
        state
            .release(version.get())
            .orElseThrow(
                () ->
                    new PublisherException(
                        state.key()
                            + " "
                            + alias
                            + " points at v"
                            + version.get()
                            + ", whose folder is missing"));
    return intact(release)
        .orElseGet(() -> ApiResponse.ok(ReleaseViews.release(state, release, alias, area)));
  }

  /** A 500 naming every problem when the release's files fail its signed manifest, else empty. */
  private Optional<ApiResponse> intact(StoredRelease release) {
    Verification verification = integrity.check(release);
    if (verification.ok()) {
      return Optional.empty();
    }
    log.error(
        "Refusing to serve {} v{}: {}", release.key(), release.version(), verification.problems());
    return Optional.of(
        ApiResponse.error(
            500,
            release.key()
                + " v"
                + release.version()
                + " fails verification and is not served: "
                + String.join("; ", verification.problems())));
  }

  /**
   * A 403 or 401 when the request may not use the admin endpoints, else empty.
   *
   * @param what what the endpoint does, for the 403 ("Alias moves", "Retractions")
   */
  private Optional<ApiResponse> adminRefusal(HttpExchange exchange, String what) {
    if (adminAccess.isClosed()) {
      return Optional.of(
          ApiResponse.error(
              403,
              what
                  + " are off: the publisher has no admin token. Set"
                  + " perennial.publisher.admin.token (or"
                  + " perennial.publisher.admin.unauthenticated=true where the admin port is"
                  + " otherwise protected)"));
    }
    if (!adminAccess.allows(exchange.getRequestHeaders().getFirst("Authorization"))) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      return Optional.of(
          ApiResponse.error(401, "The admin endpoints need 'Authorization: Bearer <token>'"));
    }
    return Optional.empty();
  }

  private ApiResponse retract(HttpExchange exchange, AdapterKey key, String versionText)
      throws IOException {
    Optional<ApiResponse> refusal = adminRefusal(exchange, "Retractions");
    if (refusal.isPresent()) {
      return refusal.get();
    }
    if (!VERSION.matcher(versionText).matches()) {
      return ApiResponse.error(404, "No version '" + versionText + "' of " + key);
    }
    RetractCommand command;
    try {
      JsonNode json = bodyObject(readBody(exchange), "{\"actor\", \"reason\"}");
      command =
          new RetractCommand(
              key, Integer.parseInt(versionText), text(json, "actor"), text(json, "reason"));
    } catch (IllegalArgumentException e) {
      return ApiResponse.error(400, e.getMessage());
    } catch (IOException e) {
      log.warn("Retraction of {} v{}: reading its body failed: {}", key, versionText, e.toString());
      return ApiResponse.error(408, "The request body did not arrive whole in time");
    }
    Decision decision;
    try {
      decision = retractions.apply(command);
    } catch (RetractionRefusedException e) {
      return ApiResponse.error(e.notFound() ? 404 : 409, e.getMessage());
    } catch (PublisherException e) {
      return ApiResponse.error(503, e.getMessage());
    }
    AdapterRelease release = decision.releases().get(0);
    ObjectNode node = answer(release, null, command.actor(), command.reason());
    node.set("retractedVersions", Json.MAPPER.valueToTree(release.getRetractedVersions()));
    return ApiResponse.ok(node);
  }

  private ApiResponse moveAlias(HttpExchange exchange, AdapterKey key, String alias)
      throws IOException {
    Optional<ApiResponse> refusal = adminRefusal(exchange, "Alias moves");
    if (refusal.isPresent()) {
      return refusal.get();
    }
    AliasCommand command;
    try {
      command = parseCommand(key, alias, readBody(exchange));
    } catch (IllegalArgumentException e) {
      return ApiResponse.error(400, e.getMessage());
    } catch (IOException e) {
      // the body read failed: past BoundedHttpServer.REQUEST_BODY_TIMEOUT, or the client left
      log.warn("Alias move of {}: reading its body failed: {}", key, e.toString());
      return ApiResponse.error(408, "The request body did not arrive whole in time");
    }
    Decision decision;
    try {
      decision = aliasMoves.apply(command);
    } catch (AliasChangeRefusedException e) {
      return ApiResponse.error(e.notFound() ? 404 : 409, e.getMessage());
    } catch (PublisherException e) {
      return ApiResponse.error(503, e.getMessage());
    }
    return ApiResponse.ok(
        answer(decision.releases().get(0), alias, command.actor(), command.reason()));
  }

  /**
   * What an operator's command answers: the release record it wrote, the alias it moved (none for a
   * retraction), who and why, and the key's aliases after it.
   */
  private static ObjectNode answer(
      AdapterRelease release, String alias, String actor, String reason) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("adapterKey", release.getAdapterKey());
    node.put("action", release.getAction().name());
    if (alias != null) {
      node.put("alias", alias);
    }
    node.put("version", release.getVersion());
    node.put("actor", actor);
    node.put("reason", reason);
    ObjectNode aliases = node.putObject("aliases");
    release.getAliases().forEach(aliases::put);
    return node;
  }

  private static AliasCommand parseCommand(AdapterKey key, String alias, byte[] body) {
    JsonNode json = bodyObject(body, "{\"action\", \"version\", \"actor\", \"reason\"}");
    JsonNode version = json.get("version");
    if (version == null || !version.canConvertToExactIntegral() || !version.canConvertToInt()) {
      throw new IllegalArgumentException("Field version must be a whole number");
    }
    Aliases.require(alias);
    return new AliasCommand(
        key,
        alias,
        version.intValue(),
        AliasCommand.Move.parse(text(json, "action")),
        text(json, "actor"),
        text(json, "reason"));
  }

  /**
   * @param fields the object's fields, for the error
   * @throws IllegalArgumentException when the body is no JSON object
   */
  private static JsonNode bodyObject(byte[] body, String fields) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("Body is not JSON: " + e.getMessage());
    }
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("Body must be a JSON object " + fields);
    }
    return json;
  }

  private static String text(JsonNode json, String field) {
    JsonNode node = json.get(field);
    return node == null || !node.isTextual() ? null : node.textValue();
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw new IllegalArgumentException("Body larger than " + MAX_BODY_BYTES + " bytes");
      }
      return body;
    }
  }

  private static ApiResponse methodNotAllowed(HttpExchange exchange, String allowed) {
    exchange.getResponseHeaders().set("Allow", allowed);
    return ApiResponse.error(
        405, "Method " + exchange.getRequestMethod() + " not allowed here; allowed: " + allowed);
  }

  /** A query parameter's decoded value, or null. */
  private static String query(HttpExchange exchange, String name) {
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return null;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
        return equals < 0
            ? ""
            : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** The decoded path segments after {@value #PREFIX}. */
  private static List<String> segments(String rawPath) {
    String rest = rawPath.length() > PREFIX.length() ? rawPath.substring(PREFIX.length()) : "";
    return Arrays.stream(rest.split("/"))
        .filter(segment -> !segment.isEmpty())
        .map(segment -> URLDecoder.decode(segment, StandardCharsets.UTF_8))
        .toList();
  }
}
