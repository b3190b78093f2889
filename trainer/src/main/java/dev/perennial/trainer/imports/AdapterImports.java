package dev.perennial.trainer.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.files.Folders;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.model.ModelException;
import dev.perennial.model.peft.AdapterOrigin;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.peft.PeftImport;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.ReleaseManifestFile;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.trainer.OperatorRecords;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.accumulate.StoreFoundingGuard;
import dev.perennial.trainer.config.TrainerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The operator's side of {@code imports.v1}: importing a LoRA adapter trained elsewhere as an
 * adapter key's starting point. The adapter is checked against the trainer's base ({@link
 * PeftImport}: Perennial can apply it, its tensors fit, its weights are finite) and stored in the
 * artifact store, recording that base and where it came from, before anything is written to the
 * topic; an adapter that fails a check is refused with the reason and nothing is stored.
 */
public final class AdapterImports {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AdapterImports() {}

  /**
   * Checks the adapter in {@code folder} against {@code base}, stores it, and returns the import.
   *
   * @param source how the operator names what they import (default: the folder)
   */
  public static AdapterImport prepare(
      ArtifactStore store,
      BaseModel base,
      String adapterKey,
      Path folder,
      String source,
      String actor,
      String reason,
      Clock clock) {
    return store(
        store, base, adapterKey, check(base, adapterKey, folder, source), actor, reason, clock);
  }

  /**
   * The adapter in {@code folder} as an adapter of {@code base}, with its origin; refused with the
   * reason when it does not fit.
   */
  public static PeftAdapter check(BaseModel base, String adapterKey, Path folder, String source) {
    AdapterKey key = AdapterKey.parse(adapterKey);
    Optional<AdapterKey> released = releasedFor(folder);
    if (released.isPresent() && !released.get().tenant().equals(key.tenant())) {
      throw new TrainerException(
          "Cannot import "
              + folder
              + " for "
              + adapterKey
              + ": it is a release of "
              + released.get()
              + " ("
              + ReleaseManifestFile.NAME
              + " says so), trained on tenant "
              + released.get().tenant()
              + "'s data; imported for tenant "
              + key.tenant()
              + " it would be served as that tenant's, and no erasure in "
              + released.get().tenant()
              + " would reach it");
    }
    PeftAdapter adapter;
    try {
      adapter = PeftImport.of(folder, source, base.name(), base.digest(), base.config());
    } catch (ModelException e) {
      throw new TrainerException(
          "Cannot import " + folder + " for " + adapterKey + ": " + e.getMessage(), e);
    }
    int rank = adapter.weights().config().rank();
    if (rank > TrainerConfig.LORA_RANK_MAX) {
      throw new TrainerException(
          "Cannot import "
              + folder
              + " for "
              + adapterKey
              + ": it is of rank "
              + rank
              + ", above "
              + TrainerConfig.LORA_RANK_MAX
              + ", the largest vLLM loads (its --max-lora-rank); every release continued from it"
              + " would keep that rank");
    }
    return adapter;
  }

  /**
   * The artifact store an import writes to, {@code config}'s: as the accumulator's, it founds a
   * store that holds nothing only in a new deployment ({@link StoreFoundingGuard}), so an import
   * into the empty folder of a volume not mounted is refused rather than store weights that no
   * other stage finds.
   */
  public static ArtifactStore artifactStore(TrainerConfig config) {
    return StoreFoundingGuard.of(
        new LocalArtifactStore(config.artifactStorePath()),
        config,
        TopicCatalog.from(config).name(PerennialTopic.TRAINING_JOBS),
        "adapters-import-store-founding");
  }

  /**
   * The key whose release {@code folder} is, when it holds a release manifest naming one (the
   * publisher's release folder: the adapter's files beside its {@link ReleaseManifestFile}); empty
   * for any other folder.
   */
  static Optional<AdapterKey> releasedFor(Path folder) {
    Path manifest = folder.resolve(ReleaseManifestFile.NAME);
    if (!Files.isRegularFile(manifest)) {
      return Optional.empty();
    }
    try {
      return AdapterKey.tryParse(
          JSON.readTree(manifest.toFile())
              .path(ReleaseManifestFile.ADAPTER_KEY_FIELD)
              .asText(null));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Stores a checked adapter and returns its import. */
  public static AdapterImport store(
      ArtifactStore store,
      BaseModel base,
      String adapterKey,
      PeftAdapter checked,
      String actor,
      String reason,
      Clock clock) {
    FolderIndex.StoredFolder stored = storeAdapter(store, checked);
    Instant at = clock.instant();
    AdapterOrigin origin = checked.origin();
    return AdapterImport.newBuilder()
        .setImportId(importId(adapterKey, stored.location(), at))
        .setAdapterKey(adapterKey)
        .setLocation(stored.location())
        .setBaseModelName(base.name())
        .setBaseModelDigest(base.digest())
        .setSource(origin.source())
        .setDeclaredBase(origin.declaredBase())
        .setFileDigests(origin.fileDigests())
        .setImportedBy(actor)
        .setReason(reason)
        .setImportedAt(at)
        .build();
  }

  /** Writes the import to {@code imports.v1} (created when missing), keyed by adapter key. */
  public static void publish(PerennialConfig config, AdapterImport imported) {
    OperatorRecords.write(
        config,
        PerennialTopic.IMPORTS,
        Topics::imports,
        "adapters-import",
        imported.getAdapterKey(),
        imported);
  }

  /** The latest import of every adapter key that has one. */
  public static List<AdapterImport> list(PerennialConfig config) {
    return List.copyOf(
        OperatorRecords.latest(config, PerennialTopic.IMPORTS, Topics::imports, "adapters-list")
            .values());
  }

  /** The adapter in PEFT's layout, recording the base it was checked against and its origin. */
  private static FolderIndex.StoredFolder storeAdapter(ArtifactStore store, PeftAdapter adapter) {
    Path folder = null;
    try {
      folder = Files.createTempDirectory("perennial-import");
      adapter.write(folder);
      return FolderIndex.store(store, folder);
    } catch (IOException e) {
      throw new TrainerException("Cannot stage the imported adapter: " + e.getMessage(), e);
    } finally {
      if (folder != null) {
        Folders.deleteRecursively(folder);
      }
    }
  }

  /** {@code import-} and 16 hex digits of the key, the stored adapter and the time. */
  static String importId(String adapterKey, String location, Instant at) {
    String named = adapterKey + "\n" + location + "\n" + at.toEpochMilli();
    return "import-" + Digest.of(named.getBytes(StandardCharsets.UTF_8)).hex().substring(0, 16);
  }
}
