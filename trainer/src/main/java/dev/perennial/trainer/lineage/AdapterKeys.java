package dev.perennial.trainer.lineage;

/** Adapter keys are {@code tenant/adapter}: the tenant is everything before the first slash. */
public final class AdapterKeys {

  private AdapterKeys() {}

  /** The tenant of {@code adapterKey}, or null when it is not of the form tenant/adapter. */
  public static String tenantOf(String adapterKey) {
    if (adapterKey == null) {
      return null;
    }
    int slash = adapterKey.indexOf('/');
    return slash <= 0 || slash == adapterKey.length() - 1 ? null : adapterKey.substring(0, slash);
  }

  /** Whether {@code adapterKey} is {@code tenant/something}. */
  public static boolean belongsTo(String adapterKey, String tenant) {
    return tenant != null && tenant.equals(tenantOf(adapterKey));
  }
}
