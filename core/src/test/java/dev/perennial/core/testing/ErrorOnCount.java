package dev.perennial.core.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;

/**
 * Meters whose counter of one name throws an {@link Error} when counted: a way into a service's
 * loop thread that tests use to make the loop die of something other than an exception (a service's
 * liveness must tell the truth then too).
 */
public final class ErrorOnCount extends SimpleMeterRegistry {

  private final String counterName;

  /**
   * @param counterName the counter that throws, for example {@code perennial.trainer.worker.jobs}
   */
  public ErrorOnCount(String counterName) {
    this.counterName = counterName;
  }

  @Override
  protected Counter newCounter(Meter.Id id) {
    if (!id.getName().equals(counterName)) {
      return super.newCounter(id);
    }
    return new Counter() {
      @Override
      public void increment(double amount) {
        throw new StackOverflowError("counting " + counterName + " (a test's Error)");
      }

      @Override
      public double count() {
        return 0;
      }

      @Override
      public Iterable<Measurement> measure() {
        return List.of();
      }

      @Override
      public Id getId() {
        return id;
      }
    };
  }
}
