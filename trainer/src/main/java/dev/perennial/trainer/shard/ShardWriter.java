package dev.perennial.trainer.shard;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.TrainerException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/** Writes shards in the {@link ShardFormat}: the same shard always gives the same bytes. */
public final class ShardWriter {

  private static final int SYNC_LENGTH = 16;

  private ShardWriter() {}

  /** Stores the shard; returns its digest (its address in the store). */
  public static Digest write(ArtifactStore store, Shard shard) {
    return store.put(encode(shard));
  }

  /**
   * The shard's bytes.
   *
   * @throws TrainerException when an example belongs to another tenant or adapter key, or the
   *     examples are not in source order
   */
  public static byte[] encode(Shard shard) {
    check(shard);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<TrainingExample> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(TrainingExample.class))) {
      writer.setCodec(CodecFactory.nullCodec());
      writer.setMeta(ShardFormat.FORMAT_KEY, ShardFormat.FORMAT_VERSION);
      writer.setMeta(ShardFormat.TENANT_KEY, shard.tenant());
      writer.setMeta(ShardFormat.ADAPTER_KEY_KEY, shard.adapterKey());
      writer.setMeta(ShardFormat.SPLIT_KEY, shard.split().label());
      writer.setMeta(ShardFormat.SOURCES_KEY, sources(shard));
      if (shard.predecessor() != null) {
        // the predecessor, then (a rewrite of a rewrite) the shards that one replaced
        String[] replaces = shard.predecessor().split("\n", 2);
        writer.setMeta(ShardFormat.PREDECESSOR_KEY, replaces[0]);
        if (replaces.length > 1) {
          writer.setMeta(ShardFormat.ANCESTORS_KEY, replaces[1]);
        }
      }
      writer.create(TrainingExample.getClassSchema(), out, syncMarker(shard));
      for (SourcedExample example : shard.examples()) {
        writer.append(example.example());
      }
    } catch (IOException e) {
      throw new TrainerException("Cannot encode a shard of " + shard.adapterKey(), e);
    }
    return out.toByteArray();
  }

  private static String sources(Shard shard) {
    return shard.examples().stream()
        .map(e -> e.position().toString())
        .collect(Collectors.joining("\n"));
  }

  /** Avro picks a random sync marker; a digest of the content keeps the bytes deterministic. */
  private static byte[] syncMarker(Shard shard) {
    MessageDigest digest = Digest.newMessageDigest();
    update(digest, ShardFormat.FORMAT_VERSION);
    update(digest, shard.tenant());
    update(digest, shard.adapterKey());
    update(digest, shard.split().label());
    update(digest, shard.predecessor() == null ? "" : shard.predecessor());
    for (SourcedExample example : shard.examples()) {
      update(digest, example.position().toString());
      update(digest, example.example().getExampleId());
    }
    return Arrays.copyOf(digest.digest(), SYNC_LENGTH);
  }

  private static void update(MessageDigest digest, String value) {
    digest.update(value.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
  }

  private static void check(Shard shard) {
    SourcePosition previous = null;
    for (SourcedExample sourced : shard.examples()) {
      TrainingExample example = sourced.example();
      if (!shard.tenant().equals(example.getTenant())
          || !shard.adapterKey().equals(example.getAdapterKey())) {
        throw new TrainerException(
            "Example "
                + example.getExampleId()
                + " of "
                + example.getAdapterKey()
                + " does not belong in a shard of "
                + shard.adapterKey());
      }
      if (previous != null && previous.compareTo(sourced.position()) >= 0) {
        throw new TrainerException(
            "Shard examples must be in source order without repeats: "
                + sourced.position()
                + " follows "
                + previous);
      }
      previous = sourced.position();
    }
  }
}
