package dev.perennial.trainer.shard;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.TrainerException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads shards in the {@link ShardFormat}. Every read names the tenant (and optionally the adapter
 * key) the reader works for, and a shard of anyone else is refused before any example is used.
 */
public final class ShardReader {

  private ShardReader() {}

  /**
   * The shard stored under {@code digest}, checked against its digest.
   *
   * @param adapterKey the adapter key the shard must belong to, or null for any key of {@code
   *     tenant}
   * @throws ShardAccessException when the shard belongs to another tenant or adapter key
   * @throws dev.perennial.core.store.ArtifactNotFoundException when there is no such blob
   * @throws TrainerException when the blob is not a shard or contradicts itself
   */
  public static Shard read(ArtifactStore store, Digest digest, String tenant, String adapterKey) {
    byte[] content = store.read(digest);
    try (DataFileStream<TrainingExample> stream =
        new DataFileStream<>(
            new ByteArrayInputStream(content), new SpecificDatumReader<>(TrainingExample.class))) {
      ShardHeader header = header(stream, digest.toString());
      requireOwner(header, digest, tenant, adapterKey);
      List<SourcePosition> positions = positions(stream, digest);
      List<SourcedExample> examples = new ArrayList<>(positions.size());
      for (SourcePosition position : positions) {
        if (!stream.hasNext()) {
          throw new TrainerException(
              "Shard " + digest + " lists " + positions.size() + " sources but fewer examples");
        }
        TrainingExample example = stream.next();
        if (!header.tenant().equals(example.getTenant())
            || !header.adapterKey().equals(example.getAdapterKey())) {
          throw new ShardAccessException(
              "Shard "
                  + digest
                  + " of "
                  + header.adapterKey()
                  + " holds an example of "
                  + example.getAdapterKey()
                  + "; refused");
        }
        examples.add(new SourcedExample(position, example));
      }
      if (stream.hasNext()) {
        throw new TrainerException("Shard " + digest + " holds more examples than sources");
      }
      List<String> replaces = header.replaces();
      return new Shard(
          header.tenant(),
          header.adapterKey(),
          header.split(),
          replaces.isEmpty() ? null : String.join("\n", replaces),
          examples);
    } catch (IOException | AvroRuntimeException e) {
      throw new TrainerException("Blob " + digest + " is not a readable shard: " + e, e);
    }
  }

  /**
   * The shard's header without reading its examples, or empty when the blob is not a shard (an
   * adapter file, a report, ...). The content is not checked against the digest.
   */
  public static Optional<ShardHeader> header(ArtifactStore store, Digest digest) {
    try {
      return readableHeader(store, digest);
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /**
   * As {@link #header}, but a blob that could not be read to its header (an I/O error, or content
   * Avro cannot open) throws instead of reading as no shard: empty here means the content is no
   * shard, which holds as long as the blob is there (blobs never change).
   *
   * @throws UncheckedIOException when the blob could not be read to its header
   */
  public static Optional<ShardHeader> readableHeader(ArtifactStore store, Digest digest) {
    try (InputStream in = store.open(digest)) {
      return header(in, digest.toString());
    } catch (AvroRuntimeException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the header of blob " + digest, e);
    }
  }

  /**
   * The header of the shard an unfinished write of the store ({@link
   * ArtifactStore#unfinishedWrites}) began, or empty when its content is no shard, or was cut
   * before its header ended (the header comes before any example), or the file is gone.
   */
  public static Optional<ShardHeader> unfinishedHeader(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return header(in, "unfinished write " + file.getFileName());
    } catch (AvroRuntimeException | IOException | TrainerException e) {
      return Optional.empty();
    }
  }

  /** The header of the shard {@code in} holds, or empty when it holds none. */
  private static Optional<ShardHeader> header(InputStream in, String name) throws IOException {
    byte[] magic = in.readNBytes(ShardFormat.AVRO_MAGIC.length);
    if (!Arrays.equals(magic, ShardFormat.AVRO_MAGIC)) {
      return Optional.empty();
    }
    InputStream whole = new java.io.SequenceInputStream(new ByteArrayInputStream(magic), in);
    try (DataFileStream<TrainingExample> stream =
        new DataFileStream<>(whole, new SpecificDatumReader<>(TrainingExample.class))) {
      if (stream.getMetaString(ShardFormat.FORMAT_KEY) == null) {
        return Optional.empty();
      }
      return Optional.of(header(stream, name));
    }
  }

  /** The header of the shard {@code name} names (its digest, for a blob) in messages. */
  private static ShardHeader header(DataFileStream<TrainingExample> stream, String name) {
    String format = stream.getMetaString(ShardFormat.FORMAT_KEY);
    if (!ShardFormat.FORMAT_VERSION.equals(format)) {
      throw new TrainerException(
          "Blob "
              + name
              + " is not a shard of format "
              + ShardFormat.FORMAT_VERSION
              + ": "
              + format);
    }
    String tenant = stream.getMetaString(ShardFormat.TENANT_KEY);
    String adapterKey = stream.getMetaString(ShardFormat.ADAPTER_KEY_KEY);
    String split = stream.getMetaString(ShardFormat.SPLIT_KEY);
    if (tenant == null || adapterKey == null || split == null) {
      throw new TrainerException("Shard " + name + " lacks its tenant, adapter key or split");
    }
    String sources = stream.getMetaString(ShardFormat.SOURCES_KEY);
    int count = sources == null || sources.isEmpty() ? 0 : sources.split("\n", -1).length;
    String ancestors = stream.getMetaString(ShardFormat.ANCESTORS_KEY);
    return new ShardHeader(
        tenant,
        adapterKey,
        ShardSplit.parse(split),
        stream.getMetaString(ShardFormat.PREDECESSOR_KEY),
        ancestors == null || ancestors.isEmpty() ? List.of() : List.of(ancestors.split("\n", -1)),
        count);
  }

  private static void requireOwner(
      ShardHeader header, Digest digest, String tenant, String adapterKey) {
    if (!header.tenant().equals(tenant)) {
      throw new ShardAccessException(
          "Shard "
              + digest
              + " belongs to tenant "
              + header.tenant()
              + ", not "
              + tenant
              + "; refused");
    }
    if (adapterKey != null && !header.adapterKey().equals(adapterKey)) {
      throw new ShardAccessException(
          "Shard "
              + digest
              + " belongs to adapter key "
              + header.adapterKey()
              + ", not "
              + adapterKey
              + "; refused");
    }
  }

  private static List<SourcePosition> positions(
      DataFileStream<TrainingExample> stream, Digest digest) {
    String sources = stream.getMetaString(ShardFormat.SOURCES_KEY);
    List<SourcePosition> positions = new ArrayList<>();
    if (sources == null || sources.isEmpty()) {
      return positions;
    }
    for (String line : sources.split("\n", -1)) {
      try {
        positions.add(SourcePosition.parse(line));
      } catch (IllegalArgumentException e) {
        throw new TrainerException("Shard " + digest + " has a bad source: " + e.getMessage(), e);
      }
    }
    return positions;
  }
}
