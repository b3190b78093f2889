package dev.perennial.publisher.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.alias.AliasPolicy;
import dev.perennial.publisher.config.Aliases;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Key states for rule tests: releases described by minimal manifests, no files behind them. */
public final class ReleaseStates {

  /** The base every release here is on, unless another is named. */
  public static final Digest BASE = digest("base");

  private ReleaseStates() {}

  /** Release {@code version} of {@code key}, made from candidate {@code cand-v<version>}. */
  public static StoredRelease release(AdapterKey key, int version) {
    return release(key, version, "cand-v" + version);
  }

  public static StoredRelease release(AdapterKey key, int version, String candidateId) {
    return release(key, version, candidateId, "base");
  }

  /** A release on the base named {@code baseName} (its digest: the SHA-256 of the name). */
  public static StoredRelease release(
      AdapterKey key, int version, String candidateId, String baseName) {
    return release(key, version, candidateId, baseName, null);
  }

  /**
   * A release on the base named {@code baseName} whose recipe recorded the tokenizer digest {@code
   * tokenizerDigest} (null: a recipe without it, as before it was recorded).
   */
  public static StoredRelease release(
      AdapterKey key, int version, String candidateId, String baseName, String tokenizerDigest) {
    ObjectNode tree = Json.MAPPER.createObjectNode();
    tree.put("format", ReleaseManifest.FORMAT);
    tree.put("adapterKey", key.toString());
    tree.put("version", version);
    tree.put("publishedAt", "2025-06-01T12:00:00Z");
    tree.put("signingKey", "sha256:" + "1".repeat(64));
    tree.putObject("files")
        .put("adapter_model.safetensors", digest("weights " + candidateId).toString());
    tree.putObject("baseModel").put("name", baseName).put("digest", digest(baseName).toString());
    tree.putObject("candidate")
        .put("candidateId", candidateId)
        .put("location", digest("index " + candidateId).toString());
    ObjectNode extras = tree.putObject("recipe").put("seed", 7).putObject("extras");
    if (tokenizerDigest != null) {
      extras.put(StableRelease.RECIPE_TOKENIZER_DIGEST, tokenizerDigest);
    }
    return new StoredRelease(
        key,
        version,
        Path.of("/releases", ReleaseArea.relativePath(key, version)),
        ReleaseManifest.of(tree));
  }

  /**
   * Versions 1 to {@code count} published one after the other under {@code policy}, each evaluated
   * against the stable release of its time.
   */
  public static KeyState published(AdapterKey key, int count, TenantPolicy policy) {
    KeyState state = KeyState.empty(key);
    for (int version = 1; version <= count; version++) {
      Integer stable = state.alias(Aliases.STABLE).orElse(null);
      state =
          AliasPolicy.afterPublish(
              state,
              release(key, version),
              AliasPolicy.forNewRelease(state, ReleaseStates.BASE, stable, policy).alias());
    }
    return state;
  }

  public static Digest digest(String text) {
    return Digest.of(text.getBytes(StandardCharsets.UTF_8));
  }
}
