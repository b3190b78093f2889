package dev.perennial.publisher.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.schemas.v1.AdapterRefreshDetails;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.ModulePlasticity;
import dev.perennial.schemas.v1.Plasticity;
import dev.perennial.schemas.v1.ReferenceKind;
import dev.perennial.schemas.v1.SearchedRecipe;
import dev.perennial.schemas.v1.TrainingReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A manifest's {@code lineage} section (as {@link AvroJson} wrote it) back as the Avro record. */
public final class LineageJson {

  private LineageJson() {}

  /** The lineage of a manifest tree, if its candidate recorded one. */
  public static Optional<Lineage> of(JsonNode manifest) {
    JsonNode node = manifest.get(ManifestFactory.LINEAGE);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    LineageMethod method;
    try {
      method = LineageMethod.valueOf(node.path("method").asText());
    } catch (IllegalArgumentException e) {
      method = LineageMethod.UNKNOWN;
    }
    return Optional.of(
        Lineage.newBuilder()
            .setMethod(method)
            .setSourceRelease(release(node.get("sourceRelease")))
            .setTeacher(release(node.get("teacher")))
            .setDataDigest(text(node.get("dataDigest")))
            .setImportedFrom(text(node.get("importedFrom")))
            .setRefresh(refresh(node.get("refresh")))
            .setReference(reference(node.get("reference")))
            .setPlasticity(plasticity(node.get("plasticity")))
            .setSearchedRecipe(searchedRecipe(node.get("searchedRecipe")))
            .build());
  }

  // The feedback objectives' reference: releases.v1 keeps what the candidate measured against.
  private static TrainingReference reference(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    ReferenceKind kind;
    try {
      kind = ReferenceKind.valueOf(node.path("kind").asText());
    } catch (IllegalArgumentException e) {
      kind = ReferenceKind.UNKNOWN;
    }
    return TrainingReference.newBuilder()
        .setKind(kind)
        .setRelease(release(node.get("release")))
        .build();
  }

  private static AdapterRefreshDetails refresh(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return AdapterRefreshDetails.newBuilder()
        .setEnergy(node.path("energy").asDouble())
        .setFreedRank(node.path("freedRank").asInt())
        .setMinKeptEnergy(node.path("minKeptEnergy").asDouble())
        .setReason(node.path("reason").asText())
        .build();
  }

  // The trainer's plasticity monitor: the next job of the key reads refreshDue from releases.v1.
  private static Plasticity plasticity(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    List<ModulePlasticity> modules = new ArrayList<>();
    for (JsonNode module : node.path("modules")) {
      modules.add(
          ModulePlasticity.newBuilder()
              .setPath(module.path("path").asText())
              .setNormA(module.path("normA").asDouble())
              .setNormB(module.path("normB").asDouble())
              .setProductNorm(module.path("productNorm").asDouble())
              .setEffectiveRank(module.path("effectiveRank").asDouble())
              .build());
    }
    return Plasticity.newBuilder()
        .setUpdate(node.path("update").asInt())
        .setLearningGain(number(node.get("learningGain")))
        .setControlGain(number(node.get("controlGain")))
        .setGainRatio(number(node.get("gainRatio")))
        .setRefreshDue(node.path("refreshDue").asBoolean())
        .setEffectiveRank(node.path("effectiveRank").asDouble())
        .setWeightNorm(node.path("weightNorm").asDouble())
        .setProductNorm(node.path("productNorm").asDouble())
        .setModules(modules)
        .build();
  }

  // The recipe search's winner: the key's next search starts from it, other keys' from priors.
  private static SearchedRecipe searchedRecipe(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return SearchedRecipe.newBuilder()
        .setLearningRateFactor(node.path("learningRateFactor").asDouble())
        .setReplayFraction(node.path("replayFraction").asDouble())
        .setFeedbackWeightFactor(node.path("feedbackWeightFactor").asDouble())
        .setLoraRank(node.path("loraRank").asInt())
        .setOrigin(node.path("origin").asText())
        .build();
  }

  private static Double number(JsonNode node) {
    return node == null || node.isNull() ? null : node.asDouble();
  }

  private static LineageRelease release(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return LineageRelease.newBuilder()
        .setVersion(node.path("version").asInt())
        .setLocation(node.path("location").asText())
        .setManifestDigest(node.path("manifestDigest").asText())
        .setBaseModelName(node.path("baseModelName").asText())
        .setBaseModelDigest(node.path("baseModelDigest").asText())
        .setBaseModelLocation(text(node.get("baseModelLocation")))
        .build();
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
