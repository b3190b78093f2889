package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RecordedByOptionsTest {

  private final String user = System.getProperty("user.name");

  @Test
  void anAdapterImportWithoutActorIsRecordedAsTheUserWhoRanItNotAsAnonymousOperator() {
    AdaptersImportCommand command = new AdaptersImportCommand();

    new CommandLine(command)
        .parseArgs(
            "acme/support", "--from", "adapter", "--source", "hub/acme-lora", "--config", "p");

    assertThat(command.recordedBy.actor).isEqualTo(user).isNotEqualTo("operator");
  }

  @Test
  void aBaseAnnouncementWithoutActorIsRecordedAsTheUserWhoRanIt() {
    BasesAnnounceCommand command = new BasesAnnounceCommand();

    new CommandLine(command).parseArgs("llama-next", "--location", "models/next", "--config", "p");

    assertThat(command.recordedBy.actor).isEqualTo(user).isNotEqualTo("operator");
  }

  @Test
  void anActorNamedOnTheCommandLineIsRecordedAsGiven() {
    AdaptersImportCommand command = new AdaptersImportCommand();

    new CommandLine(command)
        .parseArgs("acme/support", "--from", "adapter", "--actor", "dpo@acme", "--config", "p");

    assertThat(command.recordedBy.actor).isEqualTo("dpo@acme");
  }
}
