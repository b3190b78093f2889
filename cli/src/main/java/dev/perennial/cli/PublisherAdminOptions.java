package dev.perennial.cli;

import dev.perennial.core.config.EnvironmentVariables;
import dev.perennial.publisher.api.PublisherClient;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the running publisher's admin API is and its token: what promote, rollback and retract
 * share.
 */
final class PublisherAdminOptions {

  @Option(
      names = "--url",
      defaultValue =
          "${env:" + EnvironmentVariables.PUBLISHER_URL_VARIABLE + ":-http://127.0.0.1:8080}",
      description =
          "The publisher's HTTP address (default: $"
              + EnvironmentVariables.PUBLISHER_URL_VARIABLE
              + " or ${DEFAULT-VALUE}).")
  URI url;

  /** The publisher's own key's variable: the environment that sets its token, sets the CLI's. */
  @Option(
      names = "--token",
      defaultValue = "${env:PERENNIAL_PUBLISHER_ADMIN_TOKEN}",
      description =
          "The publisher's admin token (perennial.publisher.admin.token), if it has one (default:"
              + " $PERENNIAL_PUBLISHER_ADMIN_TOKEN).")
  String token;

  PublisherClient client() {
    return new PublisherClient(url, Optional.ofNullable(token));
  }
}
