package dev.perennial.core.kafka;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection for the fault harness ({@code perennial bench faults}, {@code FaultHarnessIT}),
 * never for production: with the JVM system property {@value #PAUSE_BEFORE_COMMIT_PROPERTY} set to
 * N &gt; 0, a {@link TransactionalCommitter} whose transaction carries output records logs {@value
 * #IN_TRANSACTION_WINDOW} and sleeps N ms after sending them and before committing, so the harness
 * can SIGKILL the process while a transaction is open. It is a system property and no configuration
 * key on purpose: no properties file or environment variable of a deployment can turn it on.
 */
public final class FaultHook {

  /** The pause, in milliseconds; unset or 0: none. */
  public static final String PAUSE_BEFORE_COMMIT_PROPERTY =
      "perennial.faults.pause.before.commit.ms";

  /** The start of the line logged when the pause begins. */
  public static final String IN_TRANSACTION_WINDOW = "FAULT HOOK: in the transaction window";

  /** The line logged when the pause ends, just before the commit. */
  public static final String LEAVING_TRANSACTION_WINDOW = "FAULT HOOK: committing";

  private static final Logger log = LoggerFactory.getLogger(FaultHook.class);

  private FaultHook() {}

  /** Pauses inside an open transaction of {@code outputs} records, when the property says so. */
  static void inTransactionWindow(int outputs) {
    long pauseMs = Long.getLong(PAUSE_BEFORE_COMMIT_PROPERTY, 0L);
    if (pauseMs <= 0 || outputs == 0) {
      return;
    }
    log.warn(
        "{} ({} record(s) sent, not committed); pausing {}",
        IN_TRANSACTION_WINDOW,
        outputs,
        Duration.ofMillis(pauseMs));
    try {
      Thread.sleep(pauseMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.warn(LEAVING_TRANSACTION_WINDOW);
  }
}
