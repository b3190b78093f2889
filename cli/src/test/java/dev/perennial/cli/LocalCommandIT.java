package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.PerennialTopic;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCommandIT {

  @TempDir Path stateDir;

  @Test
  void localStartsBrokerAndRegistryProvisionsEveryTopicAndStopsCleanly() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exitCode =
        Perennial.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute("local", "--state-dir", stateDir.toString());

    String output = out.toString();
    assertThat(exitCode).as(err.toString()).isZero();
    assertThat(output)
        .containsPattern("Kafka broker +(localhost|127\\.0\\.0\\.1):\\d+")
        .containsPattern("Schema registry +http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7")
        .contains("Artifact store    " + stateDir.resolve("artifacts").toAbsolutePath())
        .contains("Topics            11 created, 0 already there")
        .contains("perennial.consent.v1")
        .contains("Broker and registry are up.")
        .containsPattern(
            "Trainer +accumulator perennial-trainer-accumulator and worker local running")
        .contains("Training jobs     0, candidates 0")
        .endsWith("Stopped." + System.lineSeparator());
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
