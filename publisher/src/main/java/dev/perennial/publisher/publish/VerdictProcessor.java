package dev.perennial.publisher.publish;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.ids.RecordIds;
import dev.perennial.core.service.FailureText;
import dev.perennial.core.store.ArtifactNotFoundException;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.CorruptArtifactException;
import dev.perennial.publisher.alias.AliasPolicy;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.manifest.ManifestFactory;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.PurgeNotice;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseEvents;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.release.VersionAssignment;
import dev.perennial.publisher.retract.ErasureLineage;
import dev.perennial.publisher.retract.Retractions;
import dev.perennial.publisher.sign.ReleaseVerifier;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.publisher.sign.Verification;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.key.InvalidAdapterKeyException;
import dev.perennial.schemas.release.MovedRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.RecipeSearch;
import dev.perennial.schemas.v1.RecipeTrial;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.verdict.Confidence;
import dev.perennial.schemas.verdict.GateInterval;
import dev.perennial.schemas.verdict.Outcomes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides what a verdict becomes. A passed verdict: the key's next version (or the version the
 * candidate already has: the same verdict never yields two versions), the release folder written
 * and signed, an alias moved by the tenant's policy, releases the candidate retrains away
 * retracted. A failed or unusable verdict: no release, an audit event saying why (the failing gates
 * by name). A verdict with insufficient evidence: no release and no refusal, an audit event naming
 * the undecided gates and saying that the job's data rolls into the key's next job (the trainer
 * carries it there), or for a REBASE candidate that the key stays on its old base until the trainer
 * re-bases it on a grown held-out pool. An ERASURE retrain that is not released still retracts what
 * it was to replace.
 *
 * <p>Writes only the release folder; the caller writes the decision's records in one transaction
 * and applies its state once that commits.
 */
public final class VerdictProcessor {

  private final ReleaseArea area;
  private final ArtifactStore store;
  private final SigningKey signingKey;
  private final ReleaseVerifier earlierFolders;
  private final Function<String, TenantPolicy> policies;
  private final String actor;
  private final Clock clock;

  /** A processor that trusts its signing key alone. */
  public VerdictProcessor(
      ReleaseArea area,
      ArtifactStore store,
      SigningKey signingKey,
      Function<String, TenantPolicy> policies,
      String actor,
      Clock clock) {
    this(
        area,
        store,
        signingKey,
        ReleaseVerifier.withPinnedKeys(List.of(signingKey.publicKey())),
        policies,
        actor,
        clock);
  }

  /**
   * @param earlierFolders checks a folder an earlier run wrote for a candidate before its
   *     announcement was lost: with the pinned keys, since that run may have signed with a key the
   *     publisher has rotated since
   */
  public VerdictProcessor(
      ReleaseArea area,
      ArtifactStore store,
      SigningKey signingKey,
      ReleaseVerifier earlierFolders,
      Function<String, TenantPolicy> policies,
      String actor,
      Clock clock) {
    this.area = area;
    this.store = store;
    this.signingKey = signingKey;
    this.earlierFolders = earlierFolders;
    this.policies = policies;
    this.actor = actor;
    this.clock = clock;
  }

  public Decision process(ReleaseRegistry registry, EvaluationVerdict verdict) {
    Instant now = clock.instant();
    AdapterKey key;
    try {
      key = checkKey(verdict);
    } catch (RefusalException e) {
      return refusal(verdict, e.getMessage(), Map.of(), now);
    }
    Optional<String> badId = badId(verdict);
    if (badId.isPresent()) {
      return unreadable(verdict, badId.get(), now);
    }
    EvaluationOutcome outcome = Outcomes.of(verdict);
    KeyState state = registry.get(key);
    if (outcome == EvaluationOutcome.INSUFFICIENT_EVIDENCE) {
      return retractingWhatItWouldReplace(state, verdict, deferral(verdict, now), now);
    }
    if (outcome != EvaluationOutcome.PASSED || !gatesNotPassed(verdict).isEmpty()) {
      return retractingWhatItWouldReplace(state, verdict, gateRefusal(verdict, now), now);
    }
    VersionAssignment assignment =
        VersionAssignment.assign(state, verdict.getCandidate().getCandidateId());
    if (assignment.kind() == VersionAssignment.Kind.ALREADY_PUBLISHED) {
      return alreadyPublished(verdict, state, assignment.version(), now);
    }
    Optional<String> retractedStart = retractedStart(state, verdict.getCandidate());
    if (retractedStart.isPresent()) {
      return retractingWhatItWouldReplace(
          state, verdict, refusal(verdict, retractedStart.get(), Map.of(), now), now);
    }
    StoredRelease release;
    try {
      release =
          assignment.kind() == VersionAssignment.Kind.NEW
              ? write(verdict, key, assignment.version(), now)
              : checkedFolder(state, assignment.version());
    } catch (RefusalException e) {
      return retractingWhatItWouldReplace(
          state,
          verdict,
          refusal(verdict, e.getMessage(), Map.of("version", "" + assignment.version()), now),
          now);
    }
    return published(verdict, state, release, now);
  }

  /**
   * Why the candidate may not be released because the release it started from was retracted since
   * its evaluation (by an erasure or an operator): it continued that release, carried it over or
   * was taught by it, so released it would serve what the retraction withdrew. Empty otherwise.
   */
  private static Optional<String> retractedStart(KeyState state, AdapterCandidate candidate) {
    Integer parent = candidate.getParentVersion();
    if (parent != null && state.isRetracted(parent)) {
      return Optional.of(
          "it continued v" + parent + ", which is retracted: released, it would serve it again");
    }
    LineageRelease moved = MovedRelease.of(candidate.getLineage());
    if (moved != null && state.isRetracted(moved.getVersion())) {
      return Optional.of(
          (candidate.getLineage().getSourceRelease() != null
                  ? "it carried over v"
                  : "it was taught by v")
              + moved.getVersion()
              + ", which is retracted: released, it would serve it again");
    }
    return Optional.empty();
  }

  /**
   * An ERASURE retrain that is not released replaces nothing, yet under the {@code replacement}
   * policy the releases trained on the erased data wait for exactly this candidate: they are
   * retracted now, without a replacement, so no refused or undecided retrain leaves the erased
   * subject's data served. Their aliases fall back as for any retraction.
   */
  private Decision retractingWhatItWouldReplace(
      KeyState state, EvaluationVerdict verdict, Decision notReleased, Instant now) {
    Optional<ErasureLineage> erasure = ErasureLineage.of(verdict.getCandidate());
    if (erasure.isEmpty() || erasure.get().replacesVersions().isEmpty()) {
      return notReleased;
    }
    Retractions.Result retraction =
        retractErased(
            state,
            erasure.get(),
            "its retrained release was not released ("
                + notReleased.outcome().name().toLowerCase(Locale.ROOT)
                + "), so it is retracted without a replacement",
            "none",
            verdict,
            now);
    if (retraction.retracted().isEmpty()) {
      return notReleased;
    }
    List<AuditEvent> audits = new ArrayList<>(notReleased.audits());
    audits.addAll(retraction.audits());
    return new Decision(
        notReleased.outcome(),
        notReleased.adapterKey(),
        Optional.of(retraction.state()),
        retraction.releases(),
        audits);
  }

  private Decision published(
      EvaluationVerdict verdict, KeyState before, StoredRelease release, Instant now) {
    TenantPolicy policy = policies.apply(release.key().tenant());
    AliasPolicy.NewReleaseAlias alias =
        AliasPolicy.forNewRelease(
            before, release.manifest().baseModelDigest(), verdict.getIncumbentVersion(), policy);
    KeyState state = AliasPolicy.afterPublish(before, release, alias.alias());
    List<AdapterRelease> releases = new ArrayList<>();
    List<AuditEvent> audits = new ArrayList<>();
    releases.add(
        ReleaseEvents.record(state, release.version(), ReleaseAction.PUBLISHED, null, now));
    Map<String, String> details = verdictDetails(verdict);
    details.put("version", Integer.toString(release.version()));
    details.put("alias", alias.alias());
    // the alias move, told in this one event as promote, rollback and retraction events tell theirs
    details.put(
        "previousVersion",
        before
            .alias(release.manifest().baseModelDigest(), alias.alias())
            .map(String::valueOf)
            .orElse("none"));
    details.put("aliasesBefore", before.baseAliases().toString());
    details.put("aliasesAfter", state.baseAliases().toString());
    details.put("folder", ReleaseArea.relativePath(release.key(), release.version()));
    details.put("location", release.manifest().artifactLocation());
    details.put("manifestDigest", release.manifest().digest().toString());
    details.put("signingKey", signingKey.keyId());
    verdict
        .getMetrics()
        .forEach((name, value) -> details.put("metric." + RecordIds.shown(name), value.toString()));
    audits.add(
        audit(
            verdict,
            AuditEvents.RELEASE_PUBLISHED,
            "passed every gate; " + alias.alias() + " (" + alias.why() + ")",
            details,
            now));

    Optional<ErasureLineage> erasure = ErasureLineage.of(verdict.getCandidate());
    if (erasure.isPresent() && !erasure.get().replacesVersions().isEmpty()) {
      Retractions.Result retraction =
          retractErased(
              state,
              erasure.get(),
              "replaced by v" + release.version(),
              Integer.toString(release.version()),
              verdict,
              now);
      state = retraction.state();
      releases.addAll(retraction.releases());
      audits.addAll(retraction.audits());
    }
    return new Decision(
        Outcome.PUBLISHED, release.key().toString(), Optional.of(state), releases, audits);
  }

  /** Retracts the releases an ERASURE retrain replaces, saying what became of the retrain. */
  private Retractions.Result retractErased(
      KeyState state,
      ErasureLineage erasure,
      String outcome,
      String replacedBy,
      EvaluationVerdict verdict,
      Instant now) {
    return Retractions.retract(
        state,
        erasure.replacesVersions(),
        "trained on data erased by request " + erasure.requestId() + "; " + outcome,
        Map.of(
            "erasureRequestId", erasure.requestId(),
            "replacedBy", replacedBy,
            "verdictId", verdict.getVerdictId()),
        verdict.getVerdictId(),
        actor,
        now);
  }

  private StoredRelease write(EvaluationVerdict verdict, AdapterKey key, int version, Instant now) {
    SortedMap<String, Digest> files = checkedFiles(verdict.getCandidate());
    checkDigest("baseModelDigest", verdict.getCandidate().getBaseModelDigest());
    ReleaseManifest manifest =
        ManifestFactory.create(verdict, key, version, files, signingKey.keyId(), now);
    try {
      return area.write(manifest, store, signingKey);
    } catch (ArtifactNotFoundException | CorruptArtifactException e) {
      // a store that holds nothing (its volume not mounted) throws an outage instead: no refusal
      throw new RefusalException(
          "adapter file " + fileNamed(files, e) + " cannot be copied: " + e.getMessage(), e);
    }
  }

  /**
   * The folder of an earlier, unannounced run: announced only if it verifies and its weights were
   * never purged (a purged folder verifies, but holds no adapter to serve).
   */
  private StoredRelease checkedFolder(KeyState state, int version) {
    StoredRelease release = state.release(version).orElseThrow();
    if (PurgeNotice.isPurged(release.folder())) {
      throw new RefusalException(
          "release folder "
              + release.folder()
              + " of this candidate exists from an earlier run, but its weights were purged");
    }
    Verification verification = earlierFolders.verify(release.folder(), release.key(), version);
    if (!verification.ok()) {
      throw new RefusalException(
          "release folder "
              + release.folder()
              + " of this candidate exists from an earlier run but fails verification: "
              + String.join("; ", verification.problems()));
    }
    return release;
  }

  private static AdapterKey checkKey(EvaluationVerdict verdict) {
    AdapterCandidate candidate = verdict.getCandidate();
    if (!verdict.getAdapterKey().equals(candidate.getAdapterKey())) {
      throw new RefusalException(
          "verdict is for "
              + RecordIds.shown(verdict.getAdapterKey())
              + " but its candidate for "
              + RecordIds.shown(candidate.getAdapterKey()));
    }
    AdapterKey key;
    try {
      key = AdapterKey.parse(verdict.getAdapterKey());
    } catch (InvalidAdapterKeyException e) {
      throw new RefusalException(e.getMessage(), e);
    }
    if (!key.tenant().equals(candidate.getTenant())) {
      throw new RefusalException(
          "candidate's tenant "
              + RecordIds.shown(candidate.getTenant())
              + " is not the key's tenant "
              + key.tenant());
    }
    return key;
  }

  private static SortedMap<String, Digest> checkedFiles(AdapterCandidate candidate) {
    if (candidate.getFileDigests().isEmpty()) {
      throw new RefusalException("candidate " + candidate.getCandidateId() + " lists no files");
    }
    SortedMap<String, Digest> files = new TreeMap<>();
    for (Map.Entry<String, String> file : candidate.getFileDigests().entrySet()) {
      if (!ReleaseArea.isValidFileName(file.getKey())) {
        // one that is no id (a line break, control characters, a megabyte) is not repeated
        throw new RefusalException(
            "candidate file name '" + RecordIds.shown(file.getKey()) + "' is not allowed");
      }
      files.put(file.getKey(), checkDigest("fileDigests." + file.getKey(), file.getValue()));
    }
    return files;
  }

  private static Digest checkDigest(String field, String text) {
    try {
      return Digest.parse(text);
    } catch (IllegalArgumentException e) {
      // Digest's message repeats the text only when it is an id (RecordIds)
      throw new RefusalException("candidate's " + field + ": " + e.getMessage(), e);
    }
  }

  private static String fileNamed(SortedMap<String, Digest> files, RuntimeException e) {
    return files.entrySet().stream()
        .filter(file -> e.getMessage().contains(file.getValue().toString()))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse("(unknown)");
  }

  private static List<Gate> gatesNotPassed(EvaluationVerdict verdict) {
    return verdict.getGates().stream()
        .filter(gate -> Outcomes.of(gate) != EvaluationOutcome.PASSED)
        .toList();
  }

  private static List<Gate> gatesWith(EvaluationVerdict verdict, EvaluationOutcome outcome) {
    return verdict.getGates().stream().filter(gate -> Outcomes.of(gate) == outcome).toList();
  }

  /**
   * Insufficient evidence: nothing released, nothing refused; the audit says where the data goes.
   */
  private Decision deferral(EvaluationVerdict verdict, Instant now) {
    List<Gate> undecided = gatesWith(verdict, EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    Map<String, String> details = verdictDetails(verdict);
    undecided.forEach(gate -> details.put("gate." + name(gate), describe(gate)));
    details.put(
        "undecidedGates",
        undecided.stream().map(VerdictProcessor::name).collect(Collectors.joining(",")));
    details.put("outcome", EvaluationOutcome.INSUFFICIENT_EVIDENCE.name());
    if (verdict.getCandidate().getTrigger() == JobTrigger.REBASE) {
      // a REBASE job held the key's whole pool: nothing rolls, the key stays on its old base
      details.put(
          "rebase",
          "planned again once the held-out pool of " + verdict.getAdapterKey() + " has grown");
    } else {
      details.put("dataRollsInto", "the next job of " + verdict.getAdapterKey());
    }
    String reason =
        verdict.getReason() != null
            ? FailureText.oneLine(verdict.getReason())
            : "insufficient evidence ("
                + undecided.stream()
                    .map(VerdictProcessor::describe)
                    .collect(Collectors.joining("; "))
                + "): neither released nor refused; the data of job "
                + verdict.getCandidate().getJobId()
                + " rolls into the key's next job";
    return new Decision(
        Outcome.DEFERRED,
        verdict.getAdapterKey(),
        Optional.empty(),
        List.of(),
        List.of(audit(verdict, AuditEvents.RELEASE_DEFERRED, reason, details, now)));
  }

  /**
   * A verdict that did not pass: the audit names the gates that failed as failed and those that had
   * insufficient evidence as undecided (a candidate refused at the rollover limit has both), as the
   * verdict itself tells them apart.
   */
  private Decision gateRefusal(EvaluationVerdict verdict, Instant now) {
    List<Gate> failed = gatesWith(verdict, EvaluationOutcome.FAILED);
    List<Gate> undecided = gatesWith(verdict, EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    Map<String, String> details = new TreeMap<>();
    gatesNotPassed(verdict).forEach(gate -> details.put("gate." + name(gate), describe(gate)));
    details.put(
        "failedGates",
        failed.stream().map(VerdictProcessor::name).collect(Collectors.joining(",")));
    if (!undecided.isEmpty()) {
      details.put(
          "undecidedGates",
          undecided.stream().map(VerdictProcessor::name).collect(Collectors.joining(",")));
    }
    details.put("outcome", Outcomes.of(verdict).name());
    List<String> parts = new ArrayList<>();
    if (!failed.isEmpty()) {
      parts.add(
          "failed gates: "
              + failed.stream().map(VerdictProcessor::describe).collect(Collectors.joining("; ")));
    }
    if (!undecided.isEmpty()) {
      parts.add(
          "undecided gates (insufficient evidence): "
              + undecided.stream()
                  .map(VerdictProcessor::describe)
                  .collect(Collectors.joining("; ")));
    }
    String reason;
    if (parts.isEmpty()) {
      reason = "verdict did not pass, but names no failing gate";
    } else if (verdict.getPassed()) {
      reason = "verdict says passed, but " + String.join("; ", parts);
    } else {
      reason = String.join("; ", parts);
    }
    return refusal(verdict, reason, details, now);
  }

  /**
   * {@code leakage: 3.2 (must be LESS_OR_EQUAL 1.0)}; a statistical gate with its interval: {@code
   * learning: 0.01 [-0.02, 0.04] n 12 at 95 % (must be GREATER_OR_EQUAL 0.05 at the lower bound)};
   * one over too few items for an interval: {@code regression.tenant: 1.000 n 1, too few items for
   * an interval (must be LESS_OR_EQUAL 0.25)}.
   */
  static String describe(Gate gate) {
    if (GateInterval.isUndefinedEffect(gate)) {
      // nothing measured, or a ratio over a zero reference; a NaN score (NaN bounds) is shown below
      return String.format(
          Locale.ROOT,
          "%s: undefined, n %d (must be %s %s)",
          name(gate),
          gate.getN() == null ? 0 : gate.getN(),
          gate.getComparator(),
          gate.getThreshold());
    }
    if (GateInterval.hasTooFewItems(gate)) {
      // no interval was drawn: no bounds to show, no bound that decided it
      return String.format(
          Locale.ROOT,
          "%s: %.4g n %d, too few items for an interval (must be %s %s)",
          name(gate),
          gate.getValue(),
          gate.getN() == null ? 0 : gate.getN(),
          gate.getComparator(),
          gate.getThreshold());
    }
    if (gate.getLower() == null || gate.getUpper() == null || gate.getConfidence() == null) {
      return name(gate)
          + ": "
          + gate.getValue()
          + " (must be "
          + gate.getComparator()
          + " "
          + gate.getThreshold()
          + ")";
    }
    boolean minimum =
        gate.getComparator() == GateComparator.GREATER_OR_EQUAL
            || gate.getComparator() == GateComparator.GREATER;
    return String.format(
        Locale.ROOT,
        "%s: %.4g [%.4g, %.4g] n %d at %s %% (must be %s %s at the %s bound)",
        name(gate),
        gate.getValue(),
        gate.getLower(),
        gate.getUpper(),
        gate.getN() == null ? 0 : gate.getN(),
        Confidence.percent(gate.getConfidence()),
        gate.getComparator(),
        gate.getThreshold(),
        minimum ? "lower" : "upper");
  }

  /**
   * A gate's name as audit events and reasons show it: an id, as the evaluator writes them ({@code
   * feedback.accuracy}; {@link #badId} takes a verdict with one that is not as unreadable before it
   * gets here), shown through {@link RecordIds} all the same.
   */
  private static String name(Gate gate) {
    return RecordIds.shown(gate.getName());
  }

  private Decision refusal(
      EvaluationVerdict verdict, String reason, Map<String, String> extra, Instant now) {
    Map<String, String> details = verdictDetails(verdict);
    details.putAll(extra);
    return new Decision(
        Outcome.REFUSED,
        // refused before its key was parsed: a key that is no id is not repeated (RecordIds)
        RecordIds.shown(verdict.getAdapterKey()),
        Optional.empty(),
        List.of(),
        List.of(audit(verdict, AuditEvents.RELEASE_REFUSED, reason, details, now)));
  }

  /**
   * What is wrong with the ids of the verdict that the publisher records (its verdict id and report
   * location, its candidate's id and job id, its gate and metric names, and an ERASURE retrain's
   * erasure request id: they go into the manifest, the RETRACTED records' reasons, audit events and
   * log lines); empty when each is an id ({@link RecordIds}). The evaluator's gate and metric names
   * are ids ({@code feedback.accuracy}), so a verdict with one that is not was not written by it.
   */
  private static Optional<String> badId(EvaluationVerdict verdict) {
    return RecordIds.problem("verdict id", verdict.getVerdictId())
        .or(() -> RecordIds.problem("candidate id", verdict.getCandidate().getCandidateId()))
        .or(() -> RecordIds.problem("report location", verdict.getReportLocation()))
        .or(() -> RecordIds.problem("candidate's job id", verdict.getCandidate().getJobId()))
        .or(() -> badName("gate name", verdict.getGates().stream().map(Gate::getName).toList()))
        .or(() -> badName("metric name", verdict.getMetrics().keySet()))
        .or(
            () ->
                ErasureLineage.of(verdict.getCandidate())
                    .flatMap(
                        erasure -> RecordIds.problem("erasure request id", erasure.requestId())));
  }

  /** What is wrong with the first of {@code names} that is no id; empty when each is one. */
  private static Optional<String> badName(String what, Collection<String> names) {
    return names.stream()
        .map(name -> RecordIds.problem(what, name))
        .flatMap(Optional::stream)
        .findFirst();
  }

  /**
   * A verdict whose candidate carries an id that is no id was not written by the evaluator from the
   * trainer's candidate: audited as unreadable without that id; nothing is released or retracted on
   * its word.
   */
  private Decision unreadable(EvaluationVerdict verdict, String problem, Instant now) {
    return new Decision(
        Outcome.UNREADABLE,
        verdict.getAdapterKey(),
        Optional.empty(),
        List.of(),
        List.of(
            audit(
                verdict,
                AuditEvents.RECORD_UNREADABLE,
                "verdict cannot be acted on: " + problem + " (not shown)",
                verdictDetails(verdict),
                now)));
  }

  private Decision alreadyPublished(
      EvaluationVerdict verdict, KeyState state, int version, Instant now) {
    Map<String, String> details = verdictDetails(verdict);
    details.put("version", Integer.toString(version));
    return new Decision(
        Outcome.ALREADY_PUBLISHED,
        verdict.getAdapterKey(),
        Optional.empty(),
        List.of(),
        List.of(
            audit(
                verdict,
                AuditEvents.VERDICT_ALREADY_RELEASED,
                "candidate "
                    + verdict.getCandidate().getCandidateId()
                    + " is v"
                    + version
                    + " already; no new version",
                details,
                now)));
  }

  private AuditEvent audit(
      EvaluationVerdict verdict,
      String action,
      String reason,
      Map<String, String> details,
      Instant now) {
    return AuditEvents.event(
        AuditEvents.derivedId(verdict.getVerdictId(), action),
        RecordIds.shown(verdict.getAdapterKey()),
        AuditStage.PUBLISHER,
        action,
        actor,
        reason,
        details,
        now);
  }

  private static Map<String, String> verdictDetails(EvaluationVerdict verdict) {
    Map<String, String> details = new TreeMap<>();
    details.put("verdictId", RecordIds.shown(verdict.getVerdictId()));
    details.put("candidateId", RecordIds.shown(verdict.getCandidate().getCandidateId()));
    details.put("jobId", RecordIds.shown(verdict.getCandidate().getJobId()));
    details.put("report", RecordIds.shown(verdict.getReportLocation()));
    RecipeSearch search = verdict.getCandidate().getSearch();
    if (search != null) {
      // the trainer's variant names are free text ("replay 12/16"): on one bounded line
      details.put("search.winner", FailureText.oneLine(search.getWinner()));
      details.put("search.trialSteps", Integer.toString(search.getTrialSteps()));
      if (search.getCentre() != null) {
        details.put("search.centre", FailureText.oneLine(search.getCentre()));
      }
      if (search.getFinalSteps() != null) {
        details.put("search.finalSteps", Integer.toString(search.getFinalSteps()));
      }
      List<RecipeTrial> trials = search.getTrials();
      for (int i = 0; i < trials.size(); i++) {
        details.put(String.format(Locale.ROOT, "search.trial.%02d", i), describe(trials.get(i)));
      }
    }
    return details;
  }

  /**
   * One trial of a recipe search, as audit.v1 records it: its variant and recipe as the trainer
   * wrote them, on one line of at most {@value FailureText#MAX_LENGTH} characters.
   */
  private static String describe(RecipeTrial trial) {
    return FailureText.oneLine(
        String.format(
            Locale.ROOT,
            "%s %s seed %d: round %d, %d steps, gates %s, learning gain %.4f%s, %s",
            trial.getVariant(),
            new TreeMap<>(trial.getRecipe()),
            trial.getSeed(),
            trial.getRound(),
            trial.getSteps(),
            trial.getGatesPassed() ? "passed" : "failed",
            trial.getLearningGain(),
            trial.getReplayLossChange() == null
                ? ""
                : String.format(Locale.ROOT, ", replay loss %+.4f", trial.getReplayLossChange()),
            trial.getDroppedInRound() == null
                ? "went on"
                : "dropped in round " + trial.getDroppedInRound()));
  }
}
