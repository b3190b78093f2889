package dev.perennial.cli.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.publisher.manifest.AvroJson;
import dev.perennial.publisher.manifest.LineageJson;
import dev.perennial.publisher.manifest.ManifestFactory;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.RebaseDetails;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.schemas.v1.TrainingRecipe;
import dev.perennial.trainer.rater.RaterGuardSettings;
import dev.perennial.trainer.worker.JobRecipe;
import dev.perennial.trainer.worker.JobTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.apache.avro.Schema;

/**
 * What training a release's adapter again takes, read from its manifest alone: the job (its id, on
 * which the replay draw depends, its trigger, training and replay shards; for a re-based release
 * both bases and the release it moved), the recipe it trained with (a search's winner, with the
 * steps the search left it), the release it started from, and what trained it (base, device,
 * trainer version). A manifest that lacks any of it says why in {@link #missing}.
 *
 * @param startedFrom the release training started from: the one it continued, or the old base's
 *     release it carried over or was taught by
 * @param refreshed whether training refreshed the release it continued first (the monitor's
 *     verdict, recorded in that release's lineage)
 * @param searchedSteps the steps a recipe search left the winner (whose recipe {@code recipe} is),
 *     for a job that searched
 * @param validationFraction the share of examples the job set aside for early stopping, where the
 *     manifest records it (the job decided it under the configured recipe, not the recorded one)
 */
public record ReleaseInputs(
    TrainingJob job,
    JobRecipe recipe,
    Optional<StableRelease> startedFrom,
    boolean refreshed,
    OptionalInt searchedSteps,
    OptionalDouble validationFraction,
    String baseModelName,
    String baseModelDigest,
    String device,
    String trainerVersion,
    List<String> missing) {

  /** Whether the manifest records everything training needs. */
  public boolean complete() {
    return missing.isEmpty();
  }

  public static ReleaseInputs of(ReleaseManifest manifest) {
    ObjectNode tree = manifest.tree();
    JsonNode candidate = tree.path("candidate");
    JsonNode data = tree.path("data");
    List<String> missing = new ArrayList<>();
    Optional<Lineage> lineage = LineageJson.of(tree);
    LineageMethod method = lineage.map(Lineage::getMethod).orElse(LineageMethod.UNKNOWN);
    JobTrigger trigger = enumValue(candidate.get("trigger"), JobTrigger.UNKNOWN);
    if (lineage.isEmpty()) {
      missing.add("the manifest records no lineage (a release made before lineage was recorded)");
    }
    if (!candidate.hasNonNull("jobId")) {
      missing.add("the manifest records no job id (the replay draw depends on it)");
    }
    AdapterImport imported = adapterImport(candidate.get("adapterImport"));
    RebaseDetails rebase = null;
    switch (method) {
      case FRESH, CONTINUED, RETRAINED -> {}
      case CARRIED_OVER, DISTILLED -> {
        rebase = rebase(method, lineage.orElseThrow(), manifest, candidate, missing);
        if (trigger != JobTrigger.REBASE) {
          missing.add(method + " release whose job trigger is " + trigger + ", not REBASE");
        }
      }
      case IMPORTED -> {
        if (imported == null) {
          missing.add(
              "the manifest does not record the import training started from (a release made"
                  + " before imports were recorded)");
        }
      }
      case UNKNOWN -> lineage.ifPresent(found -> missing.add("its lineage records no method"));
      default -> missing.add(method + " releases are not rebuilt");
    }
    if (trigger == JobTrigger.UNKNOWN) {
      missing.add("the manifest records no job trigger (a release made before it was recorded)");
    }
    OptionalInt searchedSteps = searchedSteps(tree.get(ManifestFactory.SEARCH), missing);
    JobRecipe recipe = null;
    try {
      recipe = JobRecipe.fromRecord(AvroJson.fromJson(tree.get("recipe"), TrainingRecipe.SCHEMA$));
      // the rater guard ran where the candidate recorded it, with the settings it recorded
      if (candidate.hasNonNull("raterGuard")) {
        JsonNode guard = candidate.get("raterGuard");
        recipe =
            recipe.withRaterGuard(
                new RaterGuardSettings(
                    true,
                    guard.get("alpha").asDouble(),
                    guard.get("minItems").asInt(),
                    guard.get("minOthers").asInt(),
                    guard.path("majorityVote").asBoolean(false)));
      }
    } catch (RuntimeException e) {
      missing.add("the recipe cannot be read back: " + e.getMessage());
    }
    Optional<StableRelease> startedFrom =
        switch (method) {
          case CONTINUED -> lineage.map(Lineage::getSourceRelease).map(ReleaseInputs::stable);
          case CARRIED_OVER, DISTILLED ->
              Optional.ofNullable(rebase)
                  .map(RebaseDetails::getSourceRelease)
                  .map(ReleaseInputs::stable);
          default -> Optional.empty();
        };
    if (method == LineageMethod.CONTINUED && startedFrom.isEmpty()) {
      missing.add("the manifest does not name the release training continued");
    }
    TrainingJob job =
        TrainingJob.newBuilder()
            .setJobId(candidate.path("jobId").asText())
            .setAdapterKey(manifest.adapterKey().toString())
            .setTenant(manifest.adapterKey().tenant())
            .setTrigger(trigger)
            .setShards(shards(data.get("shards")))
            .setHeldOutShards(shards(data.get("heldOutShards")))
            .setReplayShards(shards(data.get("replayShards")))
            .setErasure(erasure(tree.get("erasure")))
            .setAdapterImport(imported)
            .setRebase(rebase)
            .setCreatedAt(manifest.publishedAt())
            .setHeldOutPool(shards(candidate.get("heldOutPool")))
            .setCarriedJobs(strings(candidate.get("carriedJobs")))
            .build();
    return new ReleaseInputs(
        job,
        recipe,
        startedFrom,
        lineage.map(found -> found.getRefresh() != null).orElse(false),
        searchedSteps,
        validationFraction(tree.path("recipe").path("extras")),
        manifest.baseModelName(),
        manifest.baseModelDigest().toString(),
        candidate.path("device").asText("unknown"),
        candidate.path("trainerVersion").asText("unknown"),
        List.copyOf(missing));
  }

  /**
   * The steps a job that searched its recipe left the winner (the manifest records the winner's
   * recipe; the trials shaped no weights of the candidate, each trained a scratch adapter), or
   * empty for a job that did not search.
   */
  private static OptionalInt searchedSteps(JsonNode search, List<String> missing) {
    if (search == null || search.isNull()) {
      return OptionalInt.empty();
    }
    if (!search.hasNonNull("finalSteps")) {
      missing.add(
          "its job searched the recipe, and the manifest does not record the steps the search left"
              + " the winner (a release made before they were recorded)");
      return OptionalInt.empty();
    }
    return OptionalInt.of(search.get("finalSteps").asInt());
  }

  private static OptionalDouble validationFraction(JsonNode extras) {
    JsonNode applied = extras.get(JobTrainer.APPLIED_VALIDATION_FRACTION);
    return applied == null
        ? OptionalDouble.empty()
        : OptionalDouble.of(Double.parseDouble(applied.asText()));
  }

  /**
   * A re-based release's job details, from its lineage: the old base and the release it moved
   * (carried over: the source release; distilled: the teacher), and the new base where the
   * candidate read it. The worker re-bases the same way when the bases' files allow a carry-over
   * and distils otherwise, so a distilled release is rebuilt asking to distil.
   */
  private static RebaseDetails rebase(
      LineageMethod method,
      Lineage lineage,
      ReleaseManifest manifest,
      JsonNode candidate,
      List<String> missing) {
    boolean carried = method == LineageMethod.CARRIED_OVER;
    LineageRelease from = carried ? lineage.getSourceRelease() : lineage.getTeacher();
    if (from == null) {
      missing.add(
          "its lineage names no " + (carried ? "source release" : "teacher release") + " to move");
      return null;
    }
    String newBaseLocation =
        candidate.hasNonNull("baseModelLocation")
            ? candidate.get("baseModelLocation").asText()
            : null;
    List<String> unlocated = new ArrayList<>();
    if (from.getBaseModelLocation() == null) {
      unlocated.add(from.getBaseModelName());
    }
    if (newBaseLocation == null) {
      unlocated.add(manifest.baseModelName());
    }
    if (!unlocated.isEmpty()) {
      missing.add(
          "the manifest does not record where base "
              + String.join(" and ", unlocated)
              + " was read from");
      return null;
    }
    return RebaseDetails.newBuilder()
        .setFromBase(
            new BaseRef(
                from.getBaseModelName(), from.getBaseModelDigest(), from.getBaseModelLocation()))
        .setToBase(
            new BaseRef(
                manifest.baseModelName(), manifest.baseModelDigest().toString(), newBaseLocation))
        .setSourceRelease(from)
        .setDistil(!carried)
        .build();
  }

  /**
   * The release a rebuild starts from, as the lineage names it. The lineage does not record the
   * tokenizer that release was trained with (null); the reproducer compares the tokenizer the
   * release itself recorded with the base's ({@code BaseModelSource.differences}).
   */
  private static StableRelease stable(LineageRelease source) {
    return new StableRelease(
        source.getVersion(),
        source.getLocation(),
        source.getManifestDigest(),
        source.getBaseModelDigest(),
        null);
  }

  private static List<ShardRef> shards(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    return AvroJson.fromJson(node, Schema.createArray(ShardRef.SCHEMA$));
  }

  private static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node != null) {
      node.forEach(value -> values.add(value.asText()));
    }
    return values;
  }

  /**
   * The manifest's erasure section as the job's details (only the trigger affects training). The
   * subject stays unnamed: manifests no longer record it (older ones do, and are not read for it),
   * and training needs none, since the shards the retrain lists already exclude the subject.
   */
  private static ErasureDetails erasure(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    List<Integer> versions = new ArrayList<>();
    node.path("replacesVersions").forEach(version -> versions.add(version.asInt()));
    return ErasureDetails.newBuilder()
        .setRequestId(node.path("requestId").asText())
        .setAffectedVersions(versions)
        .build();
  }

  /** The candidate's import (an IMPORT job's start, which the rebuild reads from the store). */
  private static AdapterImport adapterImport(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return AvroJson.fromJson(node, AdapterImport.SCHEMA$);
  }

  private static JobTrigger enumValue(JsonNode node, JobTrigger fallback) {
    if (node == null || node.isNull()) {
      return fallback;
    }
    try {
      return JobTrigger.valueOf(node.asText());
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }
}
