package dev.perennial.trainer.worker;

import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.trainer.worker.JobSkippedException.Reason;
import java.util.HashMap;
import java.util.Map;

/**
 * The bases REBASE jobs name, opened from their locations once per worker and checked against the
 * digest their announcement gave: a location whose model is not the announced one is refused.
 */
final class BaseCatalog {

  private final BaseModelSource configured;
  private final Map<String, BaseModelSource> opened = new HashMap<>();

  BaseCatalog(BaseModelSource configured) {
    this.configured = configured;
  }

  synchronized BaseModelSource open(BaseRef ref) {
    String wanted = StableRelease.normalized(ref.getDigest());
    if (StableRelease.normalized(configured.base().digest()).equals(wanted)) {
      return configured;
    }
    BaseModelSource source =
        opened.computeIfAbsent(
            ref.getLocation(), location -> BaseModelSource.at(location, ref.getName()));
    if (!StableRelease.normalized(source.base().digest()).equals(wanted)) {
      throw new JobSkippedException(
          Reason.REFUSED,
          "Base "
              + ref.getName()
              + " at "
              + ref.getLocation()
              + " has digest "
              + source.base().digest()
              + ", not the announced "
              + ref.getDigest(),
          null);
    }
    return source;
  }
}
