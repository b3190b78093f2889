package dev.perennial.publisher.release;

import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.PublisherException;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.key.InvalidAdapterKeyException;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.BaseAliases;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The registry the publisher starts from: releases from the release area's folders, and per key the
 * latest {@code releases.v1} record's state (latest version, aliases, retractions).
 */
public final class RegistryRebuild {

  private RegistryRebuild() {}

  /**
   * What was rebuilt, what is worth a log line (folders not announced yet, unreadable folders,
   * strays), and the keys to quarantine, each with why.
   */
  public record Result(
      ReleaseRegistry registry, List<String> notes, SortedMap<AdapterKey, String> quarantined) {}

  /**
   * A key whose announced releases the area lacks is quarantined (the others go on); when the area
   * lacks every key's, the release path is wrong and nothing is rebuilt.
   *
   * @param latestRecords the latest record of each key of {@code releases.v1}
   * @throws PublisherException when {@code releases.v1} names releases of every key it holds that
   *     the area lacks (the release path points at the wrong folder, or the folder lost its data)
   */
  public static Result rebuild(ReleaseArea.Scan scan, Map<String, AdapterRelease> latestRecords) {
    SortedMap<AdapterKey, KeyState> states = new TreeMap<>();
    List<String> notes = new ArrayList<>(scan.problems());
    notes.addAll(scan.strays());
    SortedMap<AdapterKey, List<String>> missingByKey = new TreeMap<>();
    int announcedKeys = 0;
    scan.releases()
        .forEach(
            (key, releases) ->
                states.put(
                    key,
                    new KeyState(
                        key,
                        0,
                        releases,
                        scan.highestFolder().getOrDefault(key, 0),
                        new TreeMap<>(),
                        new TreeSet<>())));
    scan.highestFolder()
        .forEach(
            (key, highest) ->
                states.computeIfAbsent(
                    key,
                    k ->
                        new KeyState(
                            k, 0, new TreeMap<>(), highest, new TreeMap<>(), new TreeSet<>())));
    for (Map.Entry<String, AdapterRelease> entry : latestRecords.entrySet()) {
      AdapterKey key;
      try {
        key = AdapterKey.parse(entry.getKey());
      } catch (InvalidAdapterKeyException e) {
        notes.add("releases.v1 holds a record under an invalid key: " + e.getMessage());
        continue;
      }
      AdapterRelease record = entry.getValue();
      List<String> missing = new ArrayList<>();
      if (record.getLatestVersion() > 0) {
        announcedKeys++;
      }
      KeyState base = states.getOrDefault(key, KeyState.empty(key));
      KeyState state =
          new KeyState(
              key,
              record.getLatestVersion(),
              base.releases(),
              base.highestFolder(),
              new TreeMap<>(),
              new TreeSet<>(record.getRetractedVersions()),
              new TreeMap<>(),
              new TreeSet<>(record.getUnannouncedVersions()));
      // each alias on the base the record names, never the one a (perhaps forged) manifest
      // names; records written before aliases were per base hold one base's aliases in
      // "aliases", on the base of the manifest of the version each points at
      Map<Optional<Digest>, Map<String, Integer>> aliasMaps = new LinkedHashMap<>();
      if (record.getBaseAliases().isEmpty()) {
        aliasMaps.put(Optional.empty(), record.getAliases());
      } else {
        for (BaseAliases onBase : record.getBaseAliases()) {
          Optional<Digest> named = digest(onBase.getBaseModelDigest());
          if (named.isEmpty()) {
            notes.add(
                "releases.v1's record of "
                    + key
                    + " names a base that is no digest; its aliases there are not rebuilt");
            continue;
          }
          aliasMaps.put(named, onBase.getAliases());
        }
      }
      for (Map.Entry<Optional<Digest>, Map<String, Integer>> onBase : aliasMaps.entrySet()) {
        for (Map.Entry<String, Integer> alias : new TreeMap<>(onBase.getValue()).entrySet()) {
          if (state.release(alias.getValue()).isEmpty()) {
            missing.add(key + " v" + alias.getValue() + " (an alias points at it)");
          } else if (onBase.getKey().isPresent()) {
            state = state.withAlias(onBase.getKey().get(), alias.getKey(), alias.getValue());
          } else {
            state = state.withAlias(alias.getKey(), alias.getValue());
          }
        }
      }
      if (record.getLatestVersion() > 0 && state.release(record.getLatestVersion()).isEmpty()) {
        missing.add(key + " v" + record.getLatestVersion() + " (its latest version)");
      }
      states.put(key, state);
      if (!missing.isEmpty()) {
        missingByKey.put(key, missing);
      }
    }
    if (!missingByKey.isEmpty() && missingByKey.size() >= announcedKeys) {
      throw new PublisherException(
          "releases.v1 names releases whose folders are not in the release area (is the release"
              + " path right?): "
              + String.join(
                  ", ",
                  new TreeSet<>(missingByKey.values().stream().flatMap(List::stream).toList())));
    }
    SortedMap<AdapterKey, String> quarantined = new TreeMap<>();
    missingByKey.forEach(
        (key, missing) ->
            quarantined.put(
                key,
                "releases.v1 names releases whose folders are not in the release area: "
                    + String.join(", ", new TreeSet<>(missing))));
    states
        .values()
        .forEach(
            state ->
                state.releases().keySet().stream()
                    .filter(version -> version > state.latestVersion())
                    .forEach(
                        version ->
                            notes.add(
                                state.key()
                                    + " v"
                                    + version
                                    + " has a folder but was never announced; its verdict,"
                                    + " delivered again, announces it")));
    return new Result(ReleaseRegistry.of(states), notes, quarantined);
  }

  private static Optional<Digest> digest(String value) {
    try {
      return Optional.of(Digest.parse(value));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code registry} with the folders of {@code scan}: after a failed transaction, folders written
   * before the failure are known again (announcements and aliases stay as committed).
   */
  public static ReleaseRegistry withFolders(ReleaseRegistry registry, ReleaseArea.Scan scan) {
    ReleaseRegistry next = registry;
    for (Map.Entry<AdapterKey, Integer> folder : scan.highestFolder().entrySet()) {
      KeyState state = registry.get(folder.getKey());
      next =
          next.with(
              state.withFolders(
                  scan.releases().getOrDefault(folder.getKey(), new TreeMap<>()),
                  folder.getValue()));
    }
    return next;
  }
}
