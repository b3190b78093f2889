package dev.perennial.cli.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactNotFoundException;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.InvalidFolderIndexException;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.trainer.shard.ShardHeader;
import dev.perennial.trainer.shard.ShardReader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a release was trained from that the artifact store no longer holds, and why: an erasure
 * rewrites every shard holding the erased subject's examples without them (the new shard names the
 * old one as its predecessor, and a rewrite of a rewrite the older ones too) and deletes the old
 * one, so a release trained on that subject's data can never be trained again. The erasure is named
 * by the release that replaced this one (its manifest's {@code erasure} section: the request id,
 * the audit's reference).
 */
public final class LostData {

  private LostData() {}

  /**
   * One input gone from the store.
   *
   * @param what {@code training shard}, {@code replay shard}, or a file of an adapter training
   *     started from ({@code adapter_model.safetensors of the adapter of v3}, {@code ... of the
   *     adapter imported from <source>}, {@code folder index of ...})
   * @param rewrittenAs the shard an erasure rewrote it into, when one is found
   */
  public record Lost(String what, Digest digest, Optional<Digest> rewrittenAs) {}

  /**
   * The erasure that replaced a release.
   *
   * @param replacedBy the version the erasure's retraining released
   */
  public record Erasure(String requestId, int replacedBy) {}

  /**
   * The job's shards, and the adapter files training started from (a release's, or an import's),
   * that the store has lost.
   *
   * @throws dev.perennial.core.store.ArtifactStoreUnavailableException when the store holds nothing
   *     at all (its volume not mounted, the path wrong): nothing is known to be lost
   */
  public static List<Lost> of(ArtifactStore store, ReleaseInputs inputs) {
    List<Lost> lost = new ArrayList<>();
    List<Digest> gone = new ArrayList<>();
    shards(store, inputs.job().getShards(), "training shard", lost, gone);
    shards(store, inputs.job().getReplayShards(), "replay shard", lost, gone);
    inputs
        .startedFrom()
        .ifPresent(
            parent ->
                adapterFiles(
                    store, "the adapter of v" + parent.version(), parent.location(), lost));
    AdapterImport imported = inputs.job().getAdapterImport();
    if (imported != null) {
      adapterFiles(
          store, "the adapter imported from " + imported.getSource(), imported.getLocation(), lost);
    }
    if (!gone.isEmpty()) {
      List<Lost> explained = new ArrayList<>();
      for (Lost each : lost) {
        explained.add(
            gone.contains(each.digest())
                ? new Lost(each.what(), each.digest(), rewrite(store, each.digest()))
                : each);
      }
      return explained;
    }
    return lost;
  }

  /**
   * What the later releases of a key say about one of its versions.
   *
   * @param erasure the erasure that replaced it, when a readable later release names one
   * @param unreadable the later versions that could not be read (each {@code v<N>: why}): one of
   *     them may be the erasure's release
   */
  public record Replacement(Optional<Erasure> erasure, List<String> unreadable) {}

  /**
   * The erasure whose retraining replaced {@code version} of {@code key}, if a later release names
   * one. Looks at every later version up to the first with no folder; a folder whose release cannot
   * be read is reported, never skipped in silence.
   */
  public static Replacement erasureOf(ReleaseArea area, AdapterKey key, int version) {
    List<String> unreadable = new ArrayList<>();
    for (int later = version + 1; Files.isDirectory(area.folder(key, later)); later++) {
      Optional<StoredRelease> release;
      try {
        release = area.read(key, later);
      } catch (RuntimeException e) {
        unreadable.add("v" + later + ": " + e.getMessage());
        continue;
      }
      if (release.isEmpty()) {
        break;
      }
      JsonNode erasure = release.get().manifest().tree().path("erasure");
      for (JsonNode replaced : erasure.path("replacesVersions")) {
        if (replaced.asInt() == version) {
          return new Replacement(
              Optional.of(new Erasure(erasure.path("requestId").asText(), later)), unreadable);
        }
      }
    }
    return new Replacement(Optional.empty(), unreadable);
  }

  /**
   * The files of an adapter folder training started from that the store has lost, each named
   * ({@code adapter_model.safetensors of the adapter of v3}); its folder index when that is gone.
   */
  private static void adapterFiles(
      ArtifactStore store, String adapter, String location, List<Lost> lost) {
    try {
      FolderIndex.files(store, location)
          .forEach(
              (name, hex) -> {
                Digest digest = Digest.parse(hex);
                if (store.isGone(digest)) {
                  lost.add(new Lost(name + " of " + adapter, digest, Optional.empty()));
                }
              });
    } catch (ArtifactNotFoundException | InvalidFolderIndexException e) {
      lost.add(new Lost("folder index of " + adapter, Digest.parse(location), Optional.empty()));
    }
  }

  private static void shards(
      ArtifactStore store, List<ShardRef> refs, String what, List<Lost> lost, List<Digest> gone) {
    for (ShardRef ref : refs) {
      Digest digest = Digest.parse(ref.getDigest());
      if (store.isGone(digest)) {
        lost.add(new Lost(what, digest, Optional.empty()));
        gone.add(digest);
      }
    }
  }

  /**
   * An erasure's rewrite of {@code old}: a shard that replaces it, as its predecessor or (a rewrite
   * of a rewrite) among its ancestors; the newest such, one no other of them replaces, when several
   * are still held.
   */
  private static Optional<Digest> rewrite(ArtifactStore store, Digest old) {
    List<Digest> rewrites = new ArrayList<>();
    List<String> replacedByRewrites = new ArrayList<>();
    for (Digest candidate : store.list()) {
      Optional<ShardHeader> header = ShardReader.header(store, candidate);
      if (header.isPresent() && header.get().replaces().contains(old.hex())) {
        rewrites.add(candidate);
        replacedByRewrites.addAll(header.get().replaces());
      }
    }
    return rewrites.stream()
        .filter(rewrite -> !replacedByRewrites.contains(rewrite.hex()))
        .findFirst()
        .or(() -> rewrites.stream().findFirst());
  }
}
