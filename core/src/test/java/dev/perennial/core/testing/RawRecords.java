package dev.perennial.core.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.Utils;

/**
 * Writes a record as any client may, also what Kafka's Java producer refuses to send: a negative
 * timestamp, which brokers accept from other clients. One Produce request on a socket of its own,
 * to the one broker of the test cluster.
 */
public final class RawRecords {

  private static final short PRODUCE_VERSION = 12;

  private RawRecords() {}

  /** The partition Kafka's clients choose for {@code key} (murmur2), as co-partitioning needs. */
  public static int partitionOf(byte[] key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  // Offsets in a record batch of magic 2 (Kafka's DefaultRecordBatch).
  private static final int CRC_OFFSET = 17;
  private static final int ATTRIBUTES_OFFSET = 21;
  private static final int BASE_TIMESTAMP_OFFSET = 27;
  private static final int MAX_TIMESTAMP_OFFSET = 35;

  /**
   * A batch of one record with {@code timestamp}. Kafka's builder refuses negative timestamps, so
   * the batch is built at time 0 and its two timestamps (the record's is the base plus a delta of
   * 0) are set afterwards, with the checksum over them.
   */
  private static MemoryRecords batch(long timestamp, byte[] key, byte[] value) {
    ByteBuffer bytes =
        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(0L, key, value)).buffer();
    bytes.putLong(BASE_TIMESTAMP_OFFSET, timestamp);
    bytes.putLong(MAX_TIMESTAMP_OFFSET, timestamp);
    CRC32C crc = new CRC32C();
    crc.update(bytes.duplicate().position(ATTRIBUTES_OFFSET).limit(bytes.limit()));
    bytes.putInt(CRC_OFFSET, (int) crc.getValue());
    return MemoryRecords.readableRecords(bytes);
  }

  /**
   * Appends one record with {@code timestamp} (create time, taken as given) and returns once the
   * broker has it.
   */
  public static void produce(
      String bootstrapServers,
      String topic,
      int partition,
      long timestamp,
      byte[] key,
      byte[] value) {
    ProduceRequestData.TopicProduceDataCollection topics =
        new ProduceRequestData.TopicProduceDataCollection();
    topics.add(
        new ProduceRequestData.TopicProduceData()
            .setName(topic)
            .setPartitionData(
                List.of(
                    new ProduceRequestData.PartitionProduceData()
                        .setIndex(partition)
                        .setRecords(batch(timestamp, key, value)))));
    ProduceRequest request =
        new ProduceRequest.Builder(
                PRODUCE_VERSION,
                PRODUCE_VERSION,
                new ProduceRequestData()
                    .setAcks((short) -1)
                    .setTimeoutMs(30_000)
                    .setTopicData(topics))
            .build(PRODUCE_VERSION);
    RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, PRODUCE_VERSION, "raw-records", 1);
    String[] hostPort = bootstrapServers.split(",")[0].trim().split(":");
    try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      ByteBuffer bytes = request.serializeWithHeader(header);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(bytes.remaining());
      out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] answer = new byte[in.readInt()];
      in.readFully(answer);
      ProduceResponse response =
          (ProduceResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(answer), header);
      for (ProduceResponseData.TopicProduceResponse topicResponse : response.data().responses()) {
        for (ProduceResponseData.PartitionProduceResponse partitionResponse :
            topicResponse.partitionResponses()) {
          Errors error = Errors.forCode(partitionResponse.errorCode());
          if (error != Errors.NONE) {
            throw new AssertionError("The broker refused the record: " + error);
          }
        }
      }
    } catch (IOException e) {
      throw new AssertionError("Cannot write a raw record to " + bootstrapServers, e);
    }
  }
}
