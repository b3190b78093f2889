package dev.perennial.trainer.worker;

import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.trainer.worker.JobSkippedException.Reason;
import java.util.HashMap;
import java.util.Map;

/**
 * The bases REBASE jobs name, opened from their locations once per worker and checked against the
 * digest their announcement gave: a location whose model is not the announced one is refused. A
 * location that held another model than a job asks for is opened again for that job (its files may
 * have been replaced, and the base announced again, since), never kept as it was.
 */
final class BaseCatalog {

  private final BaseModelSource configured;
  private final Map<String, BaseModelSource> opened = new HashMap<>();

  BaseCatalog(BaseModelSource configured) {
    this.configured = configured;
  }

  synchronized BaseModelSource open(BaseRef ref) {
    String wanted = StableRelease.normalized(ref.getDigest());
    if (digestOf(configured).equals(wanted)) {
      return configured;
    }
    BaseModelSource known = opened.get(ref.getLocation());
    if (known != null && digestOf(known).equals(wanted)) {
      return known;
    }
    opened.remove(ref.getLocation());
    BaseModelSource source = BaseModelSource.at(ref.getLocation(), ref.getName());
    if (!digestOf(source).equals(wanted)) {
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
    opened.put(ref.getLocation(), source);
    return source;
  }

  private static String digestOf(BaseModelSource source) {
    return StableRelease.normalized(source.base().digest());
  }
}
