package dev.perennial.model.score;

import dev.perennial.model.ModelException;
import java.util.Locale;

/**
 * How rows that each name their own adapter are scored: whether a call gathers, from the rows per
 * adapter (mean) and the batch size; if not, merged or grouped for each adapter from its own rows
 * and weights (the paths round differently, so an adapter's scores then never depend on the other
 * adapters of the call, as they do once the call gathers); and the cap on rows per pass.
 *
 * <ul>
 *   <li>{@link Path#GATHERED} while rows per adapter are at most {@code gatheredMaxRowsPerAdapter}:
 *       one pass over the rows of every adapter, each row gathering its own adapter's matrices;
 *   <li>{@link Path#ONE_BY_ONE} from {@code oneByOneMinRowsPerAdapter} rows per adapter: adapter
 *       after adapter, its rows batched, with the adapter merged into the base weights, unless the
 *       merged copy of the weights it touches would exceed {@code maxMergedBytes};
 *   <li>{@link Path#GROUPED} otherwise: adapter after adapter, its rows batched, with the adapter's
 *       low-rank delta applied to all rows of the pass at once: the computation of the LoRA layers
 *       of a model that holds that one adapter (the baseline), on the shared base.
 * </ul>
 *
 * The defaults are the crossovers {@code perennial bench model --scoring-table} measured at
 * perennial-tiny (16 adapters) and at the 100M-class shape (4 adapters), one thread,
 * model/README.md, "Multi-adapter scoring": gathering wins at one row per adapter (1.4-1.9x) and
 * loses from four at perennial-tiny (the per-row matrices and the padding to the longest of all
 * adapters' rows); merging an adapter into the weights writes a copy of the projection weights it
 * touches, which pays at perennial-tiny from four rows per adapter, at the 100M shape about breaks
 * even from 16 to 32 (0.95-1.05x) and pays at 64 (1.10-1.15x); grouped passes are the LoRA layers'
 * computation on the shared base (1.00-1.25x of them). The merge budget keeps a 1B-class base's 3.9
 * GB copy out.
 *
 * @param gatheredMaxRowsPerAdapter gathered while rows per adapter (mean) are at most this; 0 never
 * @param oneByOneMinRowsPerAdapter merged one by one from this many rows per adapter (mean); 0
 *     never
 * @param maxBatchRows rows per pass at most, whatever the caller asks
 * @param maxMergedBytes merged one by one only while one adapter's merged weights take at most this
 *     many bytes ({@code AdapterStack.mergedBytes()}); grouped beyond
 */
public record MultiAdapterPolicy(
    int gatheredMaxRowsPerAdapter,
    int oneByOneMinRowsPerAdapter,
    int maxBatchRows,
    long maxMergedBytes) {

  /** The ways to score rows of many adapters. */
  public enum Path {
    GATHERED,
    GROUPED,
    ONE_BY_ONE;

    /** {@code gathered}, {@code grouped} or {@code one-by-one}. */
    public static Path parse(String text) {
      for (Path path : values()) {
        if (path.label().equals(text)) {
          return path;
        }
      }
      throw new ModelException(
          "unknown multi-adapter path " + text + "; known: gathered, grouped, one-by-one");
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public static final int GATHERED_MAX_ROWS_PER_ADAPTER_DEFAULT = 1;

  public static final int ONE_BY_ONE_MIN_ROWS_PER_ADAPTER_DEFAULT = 16;

  public static final int MAX_BATCH_ROWS_DEFAULT = 64;

  /**
   * 1 GiB: a 100M-class base's projection weights (340 MB in float32) merge, a 1B-class base's (3.9
   * GB) do not.
   */
  public static final long MAX_MERGED_BYTES_DEFAULT = 1L << 30;

  public MultiAdapterPolicy {
    if (gatheredMaxRowsPerAdapter < 0
        || oneByOneMinRowsPerAdapter < 0
        || maxBatchRows < 1
        || maxMergedBytes < 0) {
      throw new ModelException("invalid multi-adapter policy: " + this);
    }
  }

  public static MultiAdapterPolicy defaults() {
    return new MultiAdapterPolicy(
        GATHERED_MAX_ROWS_PER_ADAPTER_DEFAULT,
        ONE_BY_ONE_MIN_ROWS_PER_ADAPTER_DEFAULT,
        MAX_BATCH_ROWS_DEFAULT,
        MAX_MERGED_BYTES_DEFAULT);
  }

  /**
   * A policy that takes {@code path} whenever it can (gathered needs more than one adapter and more
   * than one row per pass), with the default cap and no limit on merged weights.
   */
  public static MultiAdapterPolicy only(Path path) {
    return switch (path) {
      case GATHERED ->
          new MultiAdapterPolicy(Integer.MAX_VALUE, 0, MAX_BATCH_ROWS_DEFAULT, Long.MAX_VALUE);
      case GROUPED -> new MultiAdapterPolicy(0, 0, MAX_BATCH_ROWS_DEFAULT, Long.MAX_VALUE);
      case ONE_BY_ONE -> new MultiAdapterPolicy(0, 1, MAX_BATCH_ROWS_DEFAULT, Long.MAX_VALUE);
    };
  }

  /**
   * The path for {@code rows} rows spread over {@code adapters} adapters, passes of {@code
   * batchSize} rows asked, when one adapter merged into the base weights would hold {@code
   * mergedBytes}.
   */
  public Path choose(int adapters, int rows, int batchSize, long mergedBytes) {
    double rowsPerAdapter = (double) rows / Math.max(1, adapters);
    if (adapters > 1 && batchRows(batchSize) > 1 && rowsPerAdapter <= gatheredMaxRowsPerAdapter) {
      return Path.GATHERED;
    }
    return oneByOneMinRowsPerAdapter > 0
            && rowsPerAdapter >= oneByOneMinRowsPerAdapter
            && mergedBytes <= maxMergedBytes
        ? Path.ONE_BY_ONE
        : Path.GROUPED;
  }

  /** Rows per pass: what the caller asks, at most {@link #maxBatchRows}. */
  public int batchRows(int requested) {
    return Math.max(1, Math.min(requested, maxBatchRows));
  }
}
