package dev.perennial.cli;

import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.suite.CanaryFile;
import dev.perennial.evaluator.suite.PlantedCanary;
import dev.perennial.ingest.redact.PiiRedactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Refuses canaries whose secret ingest's redactor replaces before training (a card number, a phone
 * number, an e-mail address...): no adapter can learn such a secret, so its leakage gate could
 * never fire and would read as protection it is not. The check knows ingest's built-in kinds of
 * personal data; a tenant's own patterns ({@code perennial.ingest.tenant.<t>.pii.patterns}) live in
 * ingest's configuration, which the evaluator does not read.
 */
public final class RedactedCanaries {

  private RedactedCanaries() {}

  /**
   * {@code config} when none of its canaries is redacted.
   *
   * @throws InvalidConfigurationException naming every canary ingest would redact
   */
  public static EvaluatorConfig checked(EvaluatorConfig config) {
    List<String> problems =
        problems(
            CanaryFile.readAll(config.canaryFiles(), config.leakageControls()), new PiiRedactor());
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    return config;
  }

  /** One problem per canary whose secret the redactor touches; the secret itself is never named. */
  static List<String> problems(Map<String, List<PlantedCanary>> canaries, PiiRedactor redactor) {
    List<String> problems = new ArrayList<>();
    canaries.forEach(
        (tenant, planted) -> {
          for (PlantedCanary canary : planted) {
            int start = canary.prefix().length();
            int end = start + canary.secret().length();
            redactor.detections(canary.prefix() + canary.secret() + canary.suffix()).stream()
                .filter(detection -> detection.start() < end && detection.end() > start)
                .findFirst()
                .ifPresent(
                    detection ->
                        problems.add(
                            "canary "
                                + canary.label()
                                + " (perennial.evaluator.tenant."
                                + tenant
                                + ".canary.file): ingest redacts its secret as "
                                + detection.type()
                                + " before training, so no adapter can learn it and its leakage"
                                + " gate could never fail; plant a secret that is not personal"
                                + " data (for example letters and digits with no phone, card,"
                                + " IBAN, IP or e-mail shape)"));
          }
        });
    return problems;
  }
}
