package dev.perennial.trainer.shard;

/**
 * How a data shard is stored: an Avro object container file (uncompressed, so an audit can search
 * it as text) whose records are {@code dev.perennial.schemas.v1.TrainingExample}s, one per example,
 * sorted by source position, with these metadata entries:
 *
 * <ul>
 *   <li>{@value #FORMAT_KEY}: {@value #FORMAT_VERSION};
 *   <li>{@value #TENANT_KEY} and {@value #ADAPTER_KEY_KEY}: whose examples they are (every record
 *       must agree; readers check it against what they expect before using a shard);
 *   <li>{@value #SPLIT_KEY}: {@code train} or {@code held-out};
 *   <li>{@value #SOURCES_KEY}: the {@code examples.v1} position ({@code topic:partition:offset}) of
 *       each record, one per line, in record order;
 *   <li>{@value #PREDECESSOR_KEY}: only in a shard rewritten by an erasure, the digest (hex) of the
 *       shard it replaces.
 * </ul>
 *
 * The file's sync marker is derived from the content, so the same examples always give the same
 * bytes and hence the same digest in the content-addressed store.
 */
public final class ShardFormat {

  public static final String FORMAT_KEY = "perennial.shard.format";
  public static final String FORMAT_VERSION = "1";
  public static final String TENANT_KEY = "perennial.tenant";
  public static final String ADAPTER_KEY_KEY = "perennial.adapter.key";
  public static final String SPLIT_KEY = "perennial.split";
  public static final String SOURCES_KEY = "perennial.sources";
  public static final String PREDECESSOR_KEY = "perennial.predecessor";

  /**
   * Only in a rewrite of a rewrite: the shards its predecessor replaced, newest first, one per line
   * (an erasure's re-run after a crash finds its rewrite by any of them).
   */
  public static final String ANCESTORS_KEY = "perennial.ancestors";

  /** The four bytes every Avro object container file starts with. */
  static final byte[] AVRO_MAGIC = {'O', 'b', 'j', 1};

  private ShardFormat() {}
}
