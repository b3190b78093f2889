package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.PerennialTopic;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCommandIT {

  @TempDir Path stateDir;

  @Test
  void localRunsThePipelineOnSampleEventsPrintsTheSummaryAndStopsCleanly() throws Exception {
    PerennialConsole console = new PerennialConsole();
    // The pipeline as README's first command runs it, with training cut short: jobs seal only
    // after the local maximum wait (one per adapter key, plus the erasure's), two steps each.
    Path config =
        Files.writeString(
            stateDir.resolve("short-training.properties"),
            "perennial.trainer.trigger.min.examples=100000\n"
                + "perennial.trainer.recipe.max.steps=2\n"
                + "perennial.evaluator.retention.general.size=16\n"
                + "perennial.evaluator.leakage.controls=31\n");

    int exitCode =
        console.run("local", "--state-dir", stateDir.toString(), "--config", config.toString());

    String output = console.out();
    assertThat(exitCode).as(console.err()).isZero();
    assertThat(output)
        .containsPattern("Kafka broker +(localhost|127\\.0\\.0\\.1):\\d+")
        .containsPattern("Schema registry +http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7")
        .contains("Artifact store    " + stateDir.resolve("artifacts").toAbsolutePath())
        .contains("Topics            13 created, 0 already there")
        .contains("perennial.consent.v1")
        .contains("Broker and registry are up.")
        .containsPattern("Ingest +running \\(Kafka Streams application perennial-ingest")
        .contains("Pseudonym secret  the fixed local one")
        .containsPattern(
            "Sample events +tenants acme, globex: 244 events \\(12 malformed, 2 duplicates\\)")
        .containsPattern(
            "Examples per adapter key\\R  acme/support +\\d+  \\(TEXT \\d+, SFT \\d+,"
                + " PREFERENCE \\d+\\)\\R  globex/default +\\d+")
        .containsPattern("Rejections per reason(\\R  [A-Z_]+ +\\d+){7}")
        .containsPattern("Redacted +CARD \\d+, EMAIL \\d+, IBAN \\d+, IP \\d+, PHONE \\d+")
        .contains("Erasure requests  1")
        .containsPattern(
            "Trainer +accumulator perennial-trainer-accumulator and worker local running")
        .containsPattern("Training jobs +[1-9]\\d*, candidates [1-9]\\d*")
        .containsPattern(
            "Every input accounted for: 244 events -> \\d+ examples \\+ \\d+ rejections.")
        .containsPattern(
            "Evaluator +local running \\(evaluation area .*; canaries of acme, globex\\)")
        .containsPattern("Verdicts +[1-9]\\d*: \\d+ passed, \\d+ failed")
        .containsPattern("Evaluation report .*evaluations/index\\.html")
        .containsPattern("Publisher +running \\(release area .*releases")
        .contains("Releases")
        .endsWith("Stopped." + System.lineSeparator());
    assertThat(output).as("a job without a candidate says why").doesNotContain("see the log");
    for (PerennialTopic topic : PerennialTopic.values()) {
      assertThat(output).contains("perennial." + topic.suffix());
    }
    assertThat(stateDir.resolve("logs/schema-registry.log")).isNotEmptyFile();

    Matcher registryUrl =
        Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7)").matcher(output);
    assertThat(registryUrl.find()).isTrue();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(registryUrl.group(1) + "/subjects")).build();
    Assertions.assertThatThrownBy(
            () -> HttpClient.newHttpClient().send(probe, HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(ConnectException.class);
  }
}
