package dev.perennial.evaluator.evaluate;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.files.Folders;
import dev.perennial.core.ids.RecordIds;
import dev.perennial.core.store.ArtifactNotFoundException;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.CorruptArtifactException;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.InvalidFolderIndexException;
import dev.perennial.evaluator.UndecidableCandidateException;
import dev.perennial.evaluator.UnusableCandidateException;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.evaluator.gate.GateRules;
import dev.perennial.evaluator.history.HistoryEntry;
import dev.perennial.evaluator.history.HistoryStore;
import dev.perennial.evaluator.history.KeyHistory;
import dev.perennial.evaluator.history.TaskRef;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.suite.EarlierTask;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.evaluator.suite.Incumbent;
import dev.perennial.evaluator.suite.PlantedCanary;
import dev.perennial.model.ModelException;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.BaseModel.TokenizerMatch;
import dev.perennial.model.tokenizer.Tokenizers;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.ShardRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and checks what a candidate's evaluation needs: the candidate must belong to its key's
 * tenant, be trained on the evaluator's base and with its tokenizer files (when it records which),
 * on shards that are all still current (no erasure rewrote them since), and its adapter files must
 * be intact and fit the base; otherwise it fails the named gate before any suite runs. Its
 * incumbent must have been trained with the base's tokenizer files too (when its release records
 * which), else the candidate is left undecided ({@link #requireReleaseTokenizer}). Then its
 * held-out examples, the rest of the key's held-out pool (the candidate's {@code heldOutPool}; for
 * a candidate without one, the shards of the key's earlier tasks), its incumbent (the stable
 * release, when it can be loaded), the key's history and the canaries to test. A held-out shard an
 * erasure deleted since is left out with a note: the pool never holds an example an erasure
 * removed.
 */
final class CandidateLoader {

  private static final Logger log = LoggerFactory.getLogger(CandidateLoader.class);

  /** A digest as candidates record it: {@code sha256:<hex>}, or bare hex. */
  private static final Pattern DIGEST = Pattern.compile("(sha256:)?[0-9a-f]{64}");

  private final EvaluationBase base;
  private final ArtifactStore store;
  private final Path storeRoot;
  private final HistoryStore history;
  private final Function<String, GateThresholds> thresholds;

  CandidateLoader(
      EvaluationBase base,
      ArtifactStore store,
      Path storeRoot,
      HistoryStore history,
      Function<String, GateThresholds> thresholds) {
    this.base = base;
    this.store = store;
    this.storeRoot = storeRoot;
    this.history = history;
    this.thresholds = thresholds;
  }

  /**
   * @param work a scratch folder for the adapters' files
   * @throws UnusableCandidateException naming the gate the candidate fails
   */
  PreparedCandidate prepare(CandidateRequest request, Path work) {
    AdapterCandidate candidate = request.candidate();
    List<String> notes = new ArrayList<>();
    if (!AdapterKey.tenantOf(candidate.getAdapterKey())
        .equals(Optional.of(candidate.getTenant()))) {
      throw new UnusableCandidateException(
          GateNames.INTEGRITY,
          "Candidate "
              + candidate.getCandidateId()
              + " is for "
              + candidate.getAdapterKey()
              + ", not a valid adapter key of tenant "
              + candidate.getTenant());
    }
    requireFolderIndex(candidate);
    requireShardDigests(candidate);
    BaseModel model = base.base();
    if (!model.digest().equals(candidate.getBaseModelDigest())) {
      throw new UnusableCandidateException(
          GateNames.BASE_MODEL,
          "Candidate was trained on base "
              + candidate.getBaseModelName()
              + " ("
              + candidate.getBaseModelDigest()
              + "); this evaluator runs "
              + model);
    }
    List<String> unchecked = new ArrayList<>();
    requireTokenizer(candidate, model).ifPresent(unchecked::add);
    notes.addAll(unchecked);
    requireCurrentShards(candidate);
    requireStableParent(request);
    PeftAdapter adapter =
        readAdapter(
            candidate.getLocation(),
            candidate.getFileDigests(),
            work.resolve(Folders.safeName(candidate.getCandidateId())));
    requireStoredForItsKey(candidate);

    Optional<Incumbent> incumbent = Optional.empty();
    PeftAdapter incumbentAdapter = null;
    if (request.stable().isPresent()) {
      StableRelease stable = request.stable().get();
      if (!stable.trainedOn(model.digest())) {
        notes.add(
            "The stable release v"
                + stable.version()
                + " was trained on another base ("
                + stable.baseModelDigest()
                + "); compared with the base only.");
      } else {
        try {
          incumbentAdapter =
              readAdapter(stable.location(), null, work.resolve("v" + stable.version()));
          incumbent =
              Optional.of(
                  new Incumbent(
                      stable.version(), stable.location(), ModelRef.adapter(stable.location())));
        } catch (UnusableCandidateException e) {
          // Compared with the base only, the candidate would skip its regression gates: a
          // store that lost or corrupted the incumbent must not let a regression through.
          throw new UnusableCandidateException(
              GateNames.INTEGRITY,
              "The key's stable release v"
                  + stable.version()
                  + ", which the candidate must be compared with, cannot be read ("
                  + e.getMessage()
                  + "); no candidate of the key is gated until that release is repaired or its"
                  + " stable alias rolled back",
              e);
        }
        Optional<String> incumbentUnchecked =
            requireReleaseTokenizer(
                "the key's stable release v" + stable.version(),
                "the candidate's regression and feedback gates compare it with",
                stable.tokenizerDigest(),
                StableRelease.declaredReplaced(candidate.getRecipe().getExtras()),
                model);
        incumbentUnchecked.ifPresent(unchecked::add);
        incumbentUnchecked.ifPresent(notes::add);
      }
    }

    CandidateShards shards = new CandidateShards(store, candidate, notes);
    Set<String> own = new TreeSet<>();
    candidate.getHeldOutShards().forEach(shard -> own.add(shard.getDigest()));
    List<String> ownPresent = new ArrayList<>();
    List<EvalExample> newTask = shards.heldOut(own, ownPresent);
    List<String> taughtPresent = new ArrayList<>();
    List<EvalExample> taught = shards.taughtQuestions(taughtPresent);

    KeyHistory keyHistory = history.read(candidate.getAdapterKey());
    Optional<HistoryEntry> prior =
        incumbent.flatMap(
            i -> keyHistory.byLocation(i.location()).map(entry -> entry.asRelease(i.label())));
    if (incumbent.isPresent() && prior.isEmpty()) {
      notes.add(
          "This evaluator has no history of "
              + candidate.getAdapterKey()
              + " up to "
              + incumbent.get().label()
              + "; the continual-learning measures start here.");
    }
    List<EarlierTask> earlier = new ArrayList<>();
    if (prior.isPresent()) {
      List<TaskRef> tasks = prior.get().tasks();
      for (int column = 1; column < tasks.size(); column++) {
        TaskRef task = tasks.get(column);
        Set<String> taskShards = new TreeSet<>(task.shards());
        taskShards.removeAll(own);
        List<String> present = new ArrayList<>();
        List<EvalExample> examples = shards.heldOut(taskShards, present);
        earlier.add(new EarlierTask(column, task, examples, dataset(present)));
      }
    }
    Set<String> pool = new TreeSet<>();
    candidate.getHeldOutPool().forEach(shard -> pool.add(shard.getDigest()));
    if (pool.isEmpty()) {
      // A candidate of a trainer before held-out pools: the earlier tasks of the key's history.
      earlier.forEach(task -> pool.addAll(task.task().shards()));
    }
    pool.removeAll(own);
    List<String> poolPresent = new ArrayList<>();
    List<EvalExample> earlierPool = shards.heldOut(pool, poolPresent);
    String earlierPoolDataset = dataset(poolPresent);
    int poolItems = earlierPool.size();
    if (earlierPool.removeAll(newTask)) {
      int shared = poolItems - earlierPool.size();
      notes.add(
          (shared == 1 ? "1 earlier held-out item is" : shared + " earlier held-out items are")
              + " also among the job's own; counted once, as the job's.");
      // the items left depend on the job's own shards too, and a name must always mean one set
      earlierPoolDataset += "-without-" + dataset(ownPresent);
    }

    List<PlantedCanary> ownCanaries = base.canariesOf(candidate.getTenant());
    if (!base.rankOwnCanaries() && !ownCanaries.isEmpty()) {
      notes.add(
          "The tenant's own canaries ("
              + ownCanaries.size()
              + ") were not ranked ("
              + EvaluatorConfig.LEAKAGE_RANK_OWN_CANARIES_CONFIG
              + "=false): their exposure was not measured.");
    }
    EvaluationContext context =
        new EvaluationContext(
            candidate,
            ModelRef.adapter(candidate.getLocation()),
            incumbent,
            newTask,
            dataset(ownPresent),
            taught,
            CandidateShards.dataset("taught", taughtPresent),
            earlierPool,
            earlierPoolDataset,
            prior,
            earlier,
            base.general(),
            base.generalDataset(),
            base.canariesNotOf(candidate.getTenant()),
            ownCanaries,
            base.rankOwnCanaries(),
            base.controls(),
            thresholds(candidate.getTenant()));
    return new PreparedCandidate(context, adapter, incumbentAdapter, notes, unchecked);
  }

  /**
   * A release's adapter (a REBASE candidate's source or teacher) on this loader's base, copied into
   * {@code folder}.
   *
   * @throws UnusableCandidateException (gate {@value GateNames#INTEGRITY}) when it cannot be read
   *     or does not fit the base
   */
  PeftAdapter readRelease(String location, Path folder) {
    return readAdapter(location, null, folder);
  }

  /**
   * Whether a REBASE candidate's old release, answering on this loader's base, was trained with its
   * tokenizer files, as {@link #requireReleaseTokenizer} tells it.
   *
   * @param recorded the tokenizer digest {@code releases.v1} records for the release
   */
  Optional<String> requireOldReleaseTokenizer(
      LineageRelease release, Optional<String> recorded, Set<String> declaredReplaced) {
    return requireReleaseTokenizer(
        "v" + release.getVersion() + " on " + release.getBaseModelName(),
        "the REBASE candidate moves and is judged against by the transfer gates",
        recorded,
        declaredReplaced,
        base.base());
  }

  /**
   * The thresholds the tenant's candidates are gated with: the tenant's own, but on leakage the
   * strictest of its own and those of every other tenant whose canaries they are tested on. A
   * tenant's threshold protects its own secrets: another tenant loosening its gate must not loosen
   * that protection against its adapters.
   */
  GateThresholds thresholds(String tenant) {
    GateThresholds own = thresholds.apply(tenant);
    double leakage = own.leakageMaxExposure();
    for (Map.Entry<String, List<PlantedCanary>> owner : base.canaries().entrySet()) {
      if (!owner.getKey().equals(tenant) && !owner.getValue().isEmpty()) {
        leakage = Math.min(leakage, thresholds.apply(owner.getKey()).leakageMaxExposure());
      }
    }
    return own.withLeakageMaxExposure(leakage);
  }

  /**
   * An update must have started from the key's stable release on its base as it is now (a fresh
   * adapter where there is none). One trained before a rollback, a retraction or a newer release
   * would, released on top, undo the first or drop what the last learnt; its job's data is trained
   * again from the stable release instead. ERASURE, REBASE and IMPORT jobs choose their own start.
   *
   * @throws UndecidableCandidateException (gate {@value GateNames#LINEAGE_PARENT}) otherwise
   */
  private static void requireStableParent(CandidateRequest request) {
    AdapterCandidate candidate = request.candidate();
    if (!GateRules.continuesStableRelease(candidate)) {
      return;
    }
    Optional<Integer> parent = Optional.ofNullable(candidate.getParentVersion());
    Optional<Integer> stable = request.stable().map(StableRelease::version);
    boolean isTheStableRelease =
        request
            .stable()
            .map(StableRelease::location)
            .filter(candidate.getLocation()::equals)
            .isPresent();
    // a candidate read again after its own release is judged as it was, not as its own successor
    if (parent.equals(stable) || isTheStableRelease) {
      return;
    }
    throw new UndecidableCandidateException(
        GateNames.LINEAGE_PARENT,
        parent.map(version -> "it continued v" + version).orElse("it started from a fresh adapter")
            + ", but the key's stable release on its base is "
            + stable.map(version -> "v" + version).orElse("none")
            + " now (rolled back, retracted or released since it was trained)");
  }

  /**
   * The candidate must have been trained with the tokenizer files of the evaluator's base: the base
   * digest covers config and weights only, and under other files (a chat template or special token
   * changed in place on one side, the trainer's and the evaluator's pods of different images) every
   * gate would score the adapter on other tokens than it learnt, with a verdict that looks normal.
   * A digest recorded before {@value Tokenizers#GENERATION_CONFIG} was part of it matches when
   * every other tokenizer file is the same, as the worker compares it.
   *
   * @return what the verdict says the evaluator could not check: that the candidate records no
   *     tokenizer digest (made by a trainer before candidates recorded it), or one from before
   *     {@value Tokenizers#GENERATION_CONFIG} counted; empty when it was checked
   * @throws UnusableCandidateException (gate {@value GateNames#BASE_TOKENIZER}) naming both digests
   *     when it was trained with other files
   */
  private static Optional<String> requireTokenizer(AdapterCandidate candidate, BaseModel model) {
    String recorded = candidate.getRecipe().getExtras().get(StableRelease.RECIPE_TOKENIZER_DIGEST);
    String current = model.tokenizerDigest();
    if (recorded == null || recorded.isBlank()) {
      log.warn(
          "Candidate {} records no tokenizer digest: whether it was trained with {}'s tokenizer"
              + " files {} cannot be checked, so it is evaluated as before",
          candidate.getCandidateId(),
          model.name(),
          current);
      return Optional.of(
          "its tokenizer files were not checked: the candidate records no "
              + StableRelease.RECIPE_TOKENIZER_DIGEST
              + " (made by a trainer before candidates recorded it), so whether it was trained"
              + " with this evaluator's tokenizer files "
              + current
              + " cannot be told");
    }
    TokenizerMatch match = model.tokenizerMatch(recorded);
    if (match == TokenizerMatch.SAME) {
      return Optional.empty();
    }
    if (match == TokenizerMatch.SAME_BEFORE_GENERATION_CONFIG) {
      log.warn(
          "Candidate {} recorded its tokenizer digest before {} was part of it: {}'s other"
              + " tokenizer files are those it was trained with, its {} cannot be checked",
          candidate.getCandidateId(),
          Tokenizers.GENERATION_CONFIG,
          model.name(),
          Tokenizers.GENERATION_CONFIG);
      return Optional.of(
          "its "
              + Tokenizers.GENERATION_CONFIG
              + " was not checked: the candidate recorded its tokenizer digest before that file"
              + " was part of it (every other tokenizer file is this evaluator's)");
    }
    throw new UnusableCandidateException(
        GateNames.BASE_TOKENIZER,
        "Candidate was trained with tokenizer files "
            + (DIGEST.matcher(recorded).matches() ? recorded : shown(recorded))
            + ", but this evaluator's base "
            + model
            + " has tokenizer files "
            + current
            + " in "
            + model.checkpoint().folder()
            + " (the base digest covers config and weights only): every gate would score it on"
            + " other tokens than it learnt. Run the evaluator with the tokenizer files the"
            + " trainer's workers have (the same image, nothing edited in place on one side)");
  }

  /**
   * A release the candidate is compared with (its incumbent; for a REBASE candidate the release it
   * moves, answering on the old base) must have been trained with the tokenizer files of the base
   * it is scored on, as the candidate must ({@link #requireTokenizer}): scored under others its
   * numbers would be those of other tokens than it learnt, and the comparison would read as normal.
   * It is no fault of the candidate's data, so the candidate is left undecided rather than refused:
   * its job's data rolls into the key's next job (within {@value GateNames#EVIDENCE_ROLLOVER}),
   * which is judged once the files agree again. A digest recorded before {@value
   * Tokenizers#GENERATION_CONFIG} was part of it matches when every other tokenizer file is the
   * same.
   *
   * @param release how the verdict names the release ({@code the key's stable release v3})
   * @param comparison what compares the candidate with it
   * @param recorded the tokenizer digest {@code releases.v1} records for it
   * @param declaredReplaced the tokenizer digests the candidate's trainer was told the base's files
   *     replace on purpose ({@value StableRelease#RECIPE_TOKENIZER_REPLACES}): a release trained
   *     with one was continued under the new files, and is compared under them, with a note
   * @return what the verdict says the evaluator could not check: that its record holds no tokenizer
   *     digest, or one from before {@value Tokenizers#GENERATION_CONFIG} counted, or one the
   *     trainer was told is replaced; empty when it was checked
   * @throws UndecidableCandidateException (gate {@value GateNames#BASE_TOKENIZER}) naming both
   *     digests when it was trained with other files
   */
  static Optional<String> requireReleaseTokenizer(
      String release,
      String comparison,
      Optional<String> recorded,
      Set<String> declaredReplaced,
      BaseModel model) {
    String current = model.tokenizerDigest();
    if (recorded.isEmpty() || recorded.get().isBlank()) {
      return Optional.of(
          release
              + " was compared with, but its tokenizer files were not checked: releases.v1 records"
              + " no "
              + StableRelease.RECIPE_TOKENIZER_DIGEST
              + " of it (released before releases recorded it, or no longer its base's stable"
              + " release), so whether it was trained with"
              + " the tokenizer files "
              + current
              + " it is scored under cannot be told");
    }
    TokenizerMatch match = model.tokenizerMatch(recorded.get());
    if (match == TokenizerMatch.SAME) {
      return Optional.empty();
    }
    if (match == TokenizerMatch.SAME_BEFORE_GENERATION_CONFIG) {
      return Optional.of(
          release
              + " was compared with, but its "
              + Tokenizers.GENERATION_CONFIG
              + " was not checked: its release recorded its tokenizer digest before that file was"
              + " part of it (every other tokenizer file is the same as those it is scored under)");
    }
    if (declaredReplaced.contains(StableRelease.normalized(recorded.get()))) {
      return Optional.of(
          release
              + " was trained with tokenizer files "
              + StableRelease.normalized(recorded.get())
              + ", which the base's files "
              + current
              + " replace as the candidate's trainer was told ("
              + StableRelease.RECIPE_TOKENIZER_REPLACES
              + " in its recipe): it is compared under the new files, on other tokens than it"
              + " learnt");
    }
    throw new UndecidableCandidateException(
        GateNames.BASE_TOKENIZER,
        release
            + ", which "
            + comparison
            + ", was trained with tokenizer files "
            + (DIGEST.matcher(recorded.get()).matches() ? recorded.get() : shown(recorded.get()))
            + ", but it would be scored on "
            + model
            + ", which has tokenizer files "
            + current
            + " in "
            + model.checkpoint().folder()
            + " (the base digest covers config and weights only): its scores would be of other"
            + " tokens than it learnt, so the candidate cannot be compared with it. Restore the"
            + " tokenizer files it was trained with there (the trainer's and the evaluator's"
            + " images the same, nothing edited in place)");
  }

  /**
   * Every shard the candidate names must be named by a digest: the store is addressed by them, and
   * a reference that is none fails the candidate, never the batch it came in.
   *
   * @throws UnusableCandidateException (gate {@value GateNames#INTEGRITY}) naming the field
   */
  private static void requireShardDigests(AdapterCandidate candidate) {
    Map<String, List<ShardRef>> fields = new LinkedHashMap<>();
    fields.put("shards", candidate.getShards());
    fields.put("replayShards", candidate.getReplayShards());
    fields.put("heldOutShards", candidate.getHeldOutShards());
    fields.put("heldOutPool", candidate.getHeldOutPool());
    fields.forEach(
        (field, shards) -> {
          for (ShardRef shard : shards) {
            try {
              Digest.parse(shard.getDigest());
            } catch (IllegalArgumentException e) {
              throw new UnusableCandidateException(
                  GateNames.INTEGRITY,
                  "Candidate field "
                      + field
                      + " names a shard that is no SHA-256 digest: "
                      + shown(shard.getDigest()),
                  e);
            }
          }
        });
  }

  /** A hostile value as a verdict shows it: quoted, and cut short. */
  private static String shown(String text) {
    int limit = 80;
    if (text == null) {
      return "null";
    }
    return text.length() <= limit ? "'" + text + "'" : "'" + text.substring(0, limit) + "...'";
  }

  /**
   * Every training and replay shard must still be in the store: an erasure deletes rewritten ones.
   * A store that holds nothing at all (its volume not mounted) throws {@link
   * dev.perennial.core.store.ArtifactStoreUnavailableException}: no verdict, the batch fails.
   */
  private void requireCurrentShards(AdapterCandidate candidate) {
    List<ShardRef> shards = new ArrayList<>(candidate.getShards());
    shards.addAll(candidate.getReplayShards());
    List<String> gone = new ArrayList<>();
    for (ShardRef shard : shards) {
      if (store.isGone(Digest.parse(shard.getDigest()))) {
        gone.add(shard.getDigest());
      }
    }
    if (!gone.isEmpty()) {
      double current = shards.isEmpty() ? 0 : 1.0 - (double) gone.size() / shards.size();
      throw new UnusableCandidateException(
          GateNames.LINEAGE,
          current,
          "Trained on shards an erasure has since rewritten (" + String.join(", ", gone) + ")",
          null);
    }
  }

  /**
   * Refuses a candidate whose location is not what the worker writes, a folder index in the
   * artifact store ({@code sha256:<hex>}, its files checked against the candidate's {@code
   * fileDigests} when read). Read as a folder path, it would reach anywhere this process may read
   * (a path the JVM cannot even make, with a NUL, aborted the whole batch), and the folder
   * evaluated would not be the files the publisher releases, which {@code fileDigests} name.
   *
   * @throws UnusableCandidateException (gate {@value GateNames#INTEGRITY}) naming the location
   */
  private static void requireFolderIndex(AdapterCandidate candidate) {
    String location = candidate.getLocation();
    if (location.startsWith(Digest.PREFIX)) {
      try {
        Digest.parse(location);
        return;
      } catch (IllegalArgumentException e) {
        // refused below
      }
    }
    String shown = location.length() <= 100 ? location : location.substring(0, 100) + "...";
    throw new UnusableCandidateException(
        GateNames.INTEGRITY,
        "Candidate "
            + candidate.getCandidateId()
            + ": its location is no folder index of the artifact store ("
            + Digest.PREFIX
            + "<hex>): '"
            + shown.replaceAll("\\p{Cntrl}", "?")
            + "'");
  }

  /**
   * Refuses a candidate whose adapter the worker stored for another adapter key: its folder index
   * names the tenant and key of the job it was trained for ({@link FolderIndex#ORIGIN}), and
   * weights trained on one tenant's data are never gated, so never released, as another key's. An
   * index that names no key (an adapter stored before indexes named one) is taken as it is. Called
   * once {@link #readAdapter} has found the index intact.
   *
   * @throws UnusableCandidateException (gate {@value GateNames#INTEGRITY}) naming both keys
   */
  private void requireStoredForItsKey(AdapterCandidate candidate) {
    SortedMap<String, String> origin =
        FolderIndex.readIndex(store, Digest.parse(candidate.getLocation()))
            .map(FolderIndex.Index::origin)
            .orElseGet(TreeMap::new);
    String tenant = origin.get(FolderIndex.ORIGIN_TENANT);
    String adapterKey = origin.get(FolderIndex.ORIGIN_ADAPTER_KEY);
    if (tenant == null && adapterKey == null) {
      return;
    }
    if (!candidate.getTenant().equals(tenant) || !candidate.getAdapterKey().equals(adapterKey)) {
      throw new UnusableCandidateException(
          GateNames.INTEGRITY,
          "Adapter "
              + candidate.getLocation()
              + " was stored for "
              + RecordIds.shown(adapterKey)
              + " (tenant "
              + RecordIds.shown(tenant)
              + "), not for "
              + candidate.getAdapterKey()
              + ": another key's weights are never evaluated as this key's");
    }
  }

  /**
   * The adapter at {@code location}, copied into {@code folder}.
   *
   * @param expectedDigests the file digests (hex) the candidate lists, which its folder index must
   *     match; null for a release, which lists none here
   * @throws UnusableCandidateException (gate {@value GateNames#INTEGRITY}) when the files are
   *     missing, corrupt, not the ones the candidate names, or no adapter of this evaluator's base
   */
  private PeftAdapter readAdapter(
      String location, Map<String, String> expectedDigests, Path folder) {
    try {
      if (expectedDigests != null && location.startsWith(Digest.PREFIX)) {
        SortedMap<String, String> files = FolderIndex.files(store, location);
        if (!files.equals(new TreeMap<>(expectedDigests))) {
          throw new UnusableCandidateException(
              GateNames.INTEGRITY,
              "Adapter folder index "
                  + location
                  + " lists "
                  + files
                  + ", but the candidate names "
                  + new TreeMap<>(expectedDigests));
        }
      }
      FolderIndex.materialize(store, storeRoot, location, folder);
    } catch (InvalidFolderIndexException | ArtifactNotFoundException | CorruptArtifactException e) {
      throw new UnusableCandidateException(
          GateNames.INTEGRITY, "Adapter " + location + " is not intact: " + e.getMessage(), e);
    }
    try {
      PeftAdapter adapter = PeftAdapter.read(folder);
      BaseModel model = base.base();
      adapter.checkFits(model.name(), model.digest(), model.config());
      return adapter;
    } catch (ModelException e) {
      throw new UnusableCandidateException(
          GateNames.INTEGRITY, "Adapter " + location + " cannot be used: " + e.getMessage(), e);
    }
  }

  /** Names a set of held-out shards (content-addressed, so the name fixes the examples). */
  static String dataset(List<String> shardDigests) {
    return CandidateShards.dataset("heldout", shardDigests);
  }
}
