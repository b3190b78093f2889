package dev.perennial.trainer.lineage;

import dev.perennial.core.crypto.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Job and candidate ids. A job id reads {@code <adapter key>@<sequence>-<12 hex digits>}: the key's
 * job sequence number and a digest of what the job holds, so a re-run of the same sealing gives the
 * same id and a reset accumulator cannot reuse an id for other data. The candidate id is the job id
 * plus {@value #CANDIDATE_SUFFIX}: one job, one candidate.
 */
public final class JobIds {

  public static final String CANDIDATE_SUFFIX = "#candidate";

  /** What follows the key's {@code @}: a sequence number and 12 hex digits. */
  private static final Pattern SUFFIX = Pattern.compile("[0-9]{1,19}-[0-9a-f]{12}");

  private JobIds() {}

  public static String jobId(String adapterKey, long sequence, String trigger, List<String> parts) {
    StringBuilder content =
        new StringBuilder(adapterKey).append('\n').append(sequence).append('\n').append(trigger);
    parts.forEach(part -> content.append('\n').append(part));
    String hash = Digest.of(content.toString().getBytes(StandardCharsets.UTF_8)).hex();
    return adapterKey + "@" + sequence + "-" + hash.substring(0, 12);
  }

  /** Whether {@code jobId} reads as a job id of {@code adapterKey} ({@link #jobId}). */
  public static boolean isJobIdOf(String adapterKey, String jobId) {
    if (adapterKey == null || jobId == null || !jobId.startsWith(adapterKey + "@")) {
      return false;
    }
    return SUFFIX.matcher(jobId.substring(adapterKey.length() + 1)).matches();
  }

  public static String candidateId(String jobId) {
    return jobId + CANDIDATE_SUFFIX;
  }
}
