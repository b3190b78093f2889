package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.trainer.config.TrainerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every service refuses a malformed number in any of its numeric keys as it starts, with the key
 * among the problems, never with another exception or by starting: the keys its config class
 * defines, each given a value that is no number, and each decimal key NaN (which passes a range)
 * and a value with a Java type suffix (7d, 0.5f, which Java's parser takes).
 */
class MalformedSettingsTest {

  private static final Set<Type> NUMERIC = Set.of(Type.SHORT, Type.INT, Type.LONG, Type.DOUBLE);

  static Stream<Arguments> services() {
    return Stream.of(
        Arguments.of(
            "ingest",
            IngestConfig.configDef(),
            (Consumer<Map<String, String>>) IngestConfig::new,
            Map.of(
                IngestConfig.PSEUDONYM_SECRET_CONFIG,
                "a-secret-of-at-least-thirty-two-chars!",
                MasterKeySettings.MASTER_KEYS_CONFIG,
                TestConfig.MASTER_KEYS)),
        Arguments.of(
            "trainer",
            TrainerConfig.configDef(),
            (Consumer<Map<String, String>>) TrainerConfig::new,
            Map.of()),
        Arguments.of(
            "evaluator",
            EvaluatorConfig.configDef(),
            (Consumer<Map<String, String>>) EvaluatorConfig::new,
            Map.of()),
        Arguments.of(
            "publisher",
            PublisherConfig.configDef(),
            (Consumer<Map<String, String>>) PublisherConfig::readOnly,
            Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void everyNumericKeyRefusesAMalformedValueNamingTheKey(
      String service,
      ConfigDef definition,
      Consumer<Map<String, String>> start,
      Map<String, String> required) {
    List<String> unreported = new ArrayList<>();
    for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
      if (!NUMERIC.contains(key.type)) {
        continue;
      }
      // Java reads "7d" and "0.5f" as doubles; PerennialConfig refuses the type suffix
      List<String> malformed =
          key.type == Type.DOUBLE ? List.of("seven", "NaN", "7d", "0.5f") : List.of("7d");
      for (String value : malformed) {
        Map<String, String> values = new HashMap<>(required);
        values.put("bootstrap.servers", "localhost:9092");
        values.put("schema.registry.url", "http://localhost:8081");
        values.put(key.name, value);
        try {
          start.accept(values);
          unreported.add(key.name + "=" + value + ": accepted");
        } catch (InvalidConfigurationException e) {
          if (e.problems().stream().noneMatch(problem -> problem.startsWith(key.name + ": "))) {
            unreported.add(key.name + "=" + value + ": not named in " + e.problems());
          }
        } catch (RuntimeException e) {
          unreported.add(key.name + "=" + value + ": " + e);
        }
      }
    }

    assertThat(unreported).as(service).isEmpty();
  }
}
