package dev.perennial.trainer.erasure;

import dev.perennial.core.store.FolderIndex;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.TrainingJob;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Whose adapter a folder index of the artifact store holds, as the worker writes it into the
 * index's {@value FolderIndex#ORIGIN} before it stores any file ({@code
 * {"origin":{"adapterKey":...,"jobId":...,"tenant":...}}}): the job it was trained for. The job
 * names the data (the accumulator knows its shards and whether an erasure superseded it), so
 * weights that no candidate came to name can be found and deleted ({@link OrphanAdapterSweeper}).
 */
public record AdapterOrigin(String tenant, String adapterKey, String jobId) {

  public static final String TENANT = FolderIndex.ORIGIN_TENANT;
  public static final String ADAPTER_KEY = FolderIndex.ORIGIN_ADAPTER_KEY;
  public static final String JOB_ID = FolderIndex.ORIGIN_JOB_ID;

  /** What the worker writes into the index of {@code job}'s adapter. */
  public static SortedMap<String, String> of(TrainingJob job) {
    return new TreeMap<>(
        Map.of(TENANT, job.getTenant(), ADAPTER_KEY, job.getAdapterKey(), JOB_ID, job.getJobId()));
  }

  /** The origin an index says, when it names a job of an adapter key of its tenant. */
  public static Optional<AdapterOrigin> parse(Map<String, String> origin) {
    String tenant = origin.get(TENANT);
    String adapterKey = origin.get(ADAPTER_KEY);
    String jobId = origin.get(JOB_ID);
    if (tenant == null || adapterKey == null || jobId == null || jobId.isEmpty()) {
      return Optional.empty();
    }
    if (!AdapterKey.tenantOf(adapterKey).map(tenant::equals).orElse(false)) {
      return Optional.empty();
    }
    return Optional.of(new AdapterOrigin(tenant, adapterKey, jobId));
  }
}
