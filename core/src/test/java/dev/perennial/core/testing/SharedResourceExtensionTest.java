package dev.perennial.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

class SharedResourceExtensionTest {

  /** What each probe class saw, in the order they ran. */
  private static final List<Probed> SEEN = new CopyOnWriteArrayList<>();

  @Test
  void classesRunAsSeparateLauncherExecutionsShareOneResourceThatStaysOpen() {
    // Failsafe with forkCount above 1 hands each test class of a fork to the launcher on its own.
    Launcher launcher = LauncherFactory.create();
    run(launcher, FirstProbe.class);
    Probed first = SEEN.get(SEEN.size() - 1);
    assertThat(first.closed).as("the resource after the first class's execution ended").isFalse();
    run(launcher, SecondProbe.class);

    assertThat(SEEN.get(SEEN.size() - 1)).as("the resource the second class got").isSameAs(first);
    assertThat(first.closed).isFalse();
  }

  private static void run(Launcher launcher, Class<?> probe) {
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(probe)).build(), summary);
    assertThat(summary.getSummary().getTestsSucceededCount()).as("tests of %s", probe).isEqualTo(1);
  }

  /** A resource that knows whether it was closed. */
  static final class Probed implements AutoCloseable {
    volatile boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }

  static final class ProbedExtension extends SharedResourceExtension<Probed> {
    ProbedExtension() {
      super(Probed.class, "The probed resource");
    }

    @Override
    Probed start() {
      return new Probed();
    }
  }

  static class FirstProbe {
    @RegisterExtension static final ProbedExtension RESOURCE = new ProbedExtension();

    @Test
    void seesTheResource() {
      SEEN.add(RESOURCE.started());
    }
  }

  static class SecondProbe {
    @RegisterExtension static final ProbedExtension RESOURCE = new ProbedExtension();

    @Test
    void seesTheResource() {
      SEEN.add(RESOURCE.started());
    }
  }
}
