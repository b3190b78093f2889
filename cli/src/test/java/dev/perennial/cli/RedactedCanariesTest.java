package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.evaluator.suite.PlantedCanary;
import dev.perennial.ingest.redact.PiiRedactor;
import dev.perennial.model.world.Canary;
import dev.perennial.model.world.World;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RedactedCanariesTest {

  @Test
  void aCanaryWhoseSecretIngestRedactsIsRefusedWithoutNamingTheSecret() {
    Map<String, List<PlantedCanary>> canaries =
        Map.of(
            "globex",
            List.of(
                new PlantedCanary("globex", 1, "The vault code of Zorvan is ", "ZX-4417", "."),
                new PlantedCanary("globex", 2, "Call the night desk on phone ", "0612345678", "."),
                new PlantedCanary(
                    "globex", 3, "The card on file is ", "4111 1111 1111 1111", ".")));

    List<String> problems = RedactedCanaries.problems(canaries, new PiiRedactor());

    assertThat(problems).hasSize(2);
    assertThat(problems.get(0))
        .startsWith("canary globex #2 (perennial.evaluator.tenant.globex.canary.file): ingest")
        .contains("redacts its secret as PHONE", "could never fail")
        .doesNotContain("0612345678");
    assertThat(problems.get(1)).startsWith("canary globex #3").doesNotContain("4111");
  }

  @Test
  void theSampleWorldsCanariesSurviveRedaction() {
    // the local run plants these; its evaluator refuses to start if ingest would redact one
    World world = World.standard();
    Map<String, List<PlantedCanary>> canaries =
        Map.of(
            "acme", canariesOf(world, "acme"),
            "globex", canariesOf(world, "globex"));

    assertThat(canaries.values()).allSatisfy(planted -> assertThat(planted).isNotEmpty());
    assertThat(RedactedCanaries.problems(canaries, new PiiRedactor())).isEmpty();
  }

  private static List<PlantedCanary> canariesOf(World world, String tenant) {
    List<Canary> planted = world.tenant(tenant).canaries();
    return IntStream.range(0, planted.size())
        .mapToObj(
            i ->
                new PlantedCanary(
                    tenant, i + 1, planted.get(i).prefix(), planted.get(i).secret(), "."))
        .toList();
  }
}
