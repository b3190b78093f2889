package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What {@code releases retract} refuses before it calls the publisher, and when none answers. */
class ReleasesRetractCommandTest {

  @Test
  void aRetractionWithoutAReasonOrWithoutAVersionNumberIsAUsageError() {
    PerennialConsole noReason = new PerennialConsole();
    PerennialConsole notAVersion = new PerennialConsole();
    PerennialConsole blankActor = new PerennialConsole();

    int withoutReason = noReason.run("releases", "retract", "acme/support", "2");
    int withAlias =
        notAVersion.run("releases", "retract", "acme/support", "stable", "--reason", "x");
    int withBlankActor =
        blankActor.run("releases", "retract", "acme/support", "2", "--actor", " ", "--reason", "x");

    assertThat(withoutReason).isEqualTo(2);
    assertThat(noReason.err()).contains("Missing required option: '--reason=<reason>'");
    assertThat(withAlias).isEqualTo(2);
    assertThat(notAVersion.err()).contains("'stable' is not a version number (3 or v3)");
    assertThat(withBlankActor).isEqualTo(2);
    assertThat(blankActor.err()).contains("actor is required: who retracts the release");
  }

  @Test
  void aPublisherThatDoesNotAnswerIsNamedAndTheCommandFails() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    PerennialConsole console = new PerennialConsole();

    int exitCode =
        console.run(
            "releases",
            "retract",
            "acme/support",
            "v2",
            "--reason",
            "harmful answers",
            "--url",
            "http://127.0.0.1:" + port);

    assertThat(exitCode).isEqualTo(1);
    assertThat(console.err()).contains("Cannot reach the publisher at http://127.0.0.1:" + port);
  }

  @Test
  void itsHelpSaysWhatIsDeletedAndThatItCannotBeUndone() {
    PerennialConsole console = new PerennialConsole();

    int exitCode = console.run("releases", "retract", "--help");

    assertThat(exitCode).isZero();
    assertThat(console.out().replaceAll("\\s+", " "))
        .contains("Withdraws a published release for good")
        .contains("its signed manifest stays")
        .contains("It cannot be undone: to stop serving a release for now, use rollback.");
  }
}
