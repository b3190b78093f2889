package dev.perennial.trainer.lineage;

import dev.perennial.core.crypto.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Job and candidate ids. A job id reads {@code <adapter key>@<sequence>-<12 hex digits>}: the key's
 * job sequence number and a digest of what the job holds, so a re-run of the same sealing gives the
 * same id and a reset accumulator cannot reuse an id for other data. The candidate id is the job id
 * plus {@value #CANDIDATE_SUFFIX}: one job, one candidate.
 */
public final class JobIds {

  public static final String CANDIDATE_SUFFIX = "#candidate";

  private JobIds() {}

  public static String jobId(String adapterKey, long sequence, String trigger, List<String> parts) {
    StringBuilder content =
        new StringBuilder(adapterKey).append('\n').append(sequence).append('\n').append(trigger);
    parts.forEach(part -> content.append('\n').append(part));
    String hash = Digest.of(content.toString().getBytes(StandardCharsets.UTF_8)).hex();
    return adapterKey + "@" + sequence + "-" + hash.substring(0, 12);
  }

  public static String candidateId(String jobId) {
    return jobId + CANDIDATE_SUFFIX;
  }
}
