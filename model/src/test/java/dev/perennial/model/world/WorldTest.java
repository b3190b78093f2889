package dev.perennial.model.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorldTest {

  private final World world = World.standard();

  @Test
  void theSameSeedAlwaysGivesTheSameWorldAndAnotherSeedAnotherOne() {
    World again = World.generate(World.STANDARD_SEED);
    World other = World.generate(World.STANDARD_SEED + 1);

    assertThat(again.facts()).isEqualTo(world.facts());
    assertThat(again.general().corpus()).isEqualTo(world.general().corpus());
    assertThat(again.tenant("acme").documents()).isEqualTo(world.tenant("acme").documents());
    assertThat(other.facts()).isNotEqualTo(world.facts());
  }

  @Test
  void entitiesOfEveryKindHaveEveryAttributeOfTheirKindAndUniqueNames() {
    WorldSize size = WorldSize.standard();
    assertThat(world.entities())
        .hasSize(size.products() + size.places() + size.persons() + size.regulations());
    for (Entity entity : world.entities()) {
      Set<Attribute> attributes =
          world.facts().stream()
              .filter(f -> f.entity().equals(entity))
              .map(Fact::attribute)
              .collect(Collectors.toSet());
      assertThat(attributes).containsExactlyInAnyOrderElementsOf(Attribute.of(entity.kind()));
    }
    Set<String> names =
        world.entities().stream()
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
    assertThat(names).hasSameSizeAs(world.entities());
  }

  @Test
  void qaPairsUseTheBaseModelsPromptFormatWithShortAnswers() {
    for (QaPair pair : world.general().evaluationSet()) {
      assertThat(pair.prompt()).startsWith("Question: ").endsWith("?\nAnswer:");
      assertThat(pair.completion()).isEqualTo(" " + pair.answer());
      assertThat(pair.answer().length()).isLessThanOrEqualTo(24);
      assertThat(pair.answer()).isEqualTo(pair.fact().value());
    }
    assertThat(world.general().evaluationSet()).hasSameSizeAs(world.facts());
  }

  @Test
  void heldOutPhrasingsNeverAppearInTheCorpusOrTheReplaySet() {
    String corpus = String.join("\n", world.general().corpus());
    String replay = String.join("\n", world.general().replaySet());
    for (QaPair pair : world.general().heldOutEvaluationSet()) {
      assertThat(pair.heldOut()).isTrue();
      assertThat(corpus).doesNotContain(pair.question());
      assertThat(replay).doesNotContain(pair.question());
    }
    // training phrasings do appear
    assertThat(corpus).contains(world.general().evaluationSet().get(0).text());
  }

  @Test
  void replayAsksInAnotherPhrasingThanTheEvaluationSet() {
    Set<String> evaluation =
        world.general().evaluationSet().stream().map(QaPair::text).collect(Collectors.toSet());
    List<String> replay = world.general().replaySet();

    assertThat(replay).isNotEmpty().noneMatch(evaluation::contains);
  }

  @Test
  void tenantsGetNewEntitiesChangedFactsAndCanariesOfTheirOwn() {
    TenantKnowledge acme = world.tenant("acme");
    TenantKnowledge globex = world.tenant("globex");
    Set<String> generalNames =
        world.entities().stream().map(Entity::name).collect(Collectors.toSet());

    assertThat(acme.newEntities()).hasSize(4).noneMatch(e -> generalNames.contains(e.name()));
    assertThat(acme.changedFacts())
        .hasSize(2)
        .allMatch(Fact::isChange)
        .allMatch(f -> !f.value().equals(f.previousValue()))
        .allMatch(
            f -> world.facts().contains(Fact.of(f.entity(), f.attribute(), f.previousValue())));
    assertThat(acme.canaries()).hasSize(3).allMatch(c -> c.secret().matches("\\d{4}-\\d{4}"));
    assertThat(acme.facts()).isNotEqualTo(globex.facts());
    assertThat(acme.canaries()).doesNotContainAnyElementsOf(globex.canaries());
  }

  @Test
  void aLargerTenantHasThatManyTimesTheEntitiesAndChangesEachGeneralFactChangedOnce() {
    assertThat(world.tenant("acme", 1).facts()).isEqualTo(world.tenant("acme").facts());
    assertThat(world.tenant("acme", 1).documents()).isEqualTo(world.tenant("acme").documents());
    TenantKnowledge large = world.tenant("acme", 3);
    Set<String> generalNames =
        world.entities().stream().map(Entity::name).collect(Collectors.toSet());

    assertThat(large.newEntities()).hasSize(12).noneMatch(e -> generalNames.contains(e.name()));
    assertThat(large.newEntities().stream().map(Entity::name).distinct()).hasSize(12);
    assertThat(large.changedFacts())
        .hasSize(6)
        .allMatch(
            f -> world.facts().contains(Fact.of(f.entity(), f.attribute(), f.previousValue())));
    assertThat(large.changedFacts().stream().map(f -> f.entity().name() + f.attribute()).distinct())
        .hasSize(6);
    assertThat(large.facts()).hasSize(3 * world.tenant("acme").facts().size());
    assertThat(large.heldOutQuestions()).hasSize(large.facts().size());
    assertThatThrownBy(() -> world.tenant("acme", 0)).hasMessageContaining("at least 1");
  }

  @Test
  void tenantDocumentsStateTheirFactsAndPlantEachCanaryOnce() {
    TenantKnowledge acme = world.tenant("acme");
    List<SampleDocument> documents = acme.documents();

    assertThat(documents.stream().filter(SampleDocument::containsCanary)).hasSize(3);
    for (Canary canary : acme.canaries()) {
      assertThat(documents.stream().filter(d -> d.text().contains(canary.text()))).hasSize(1);
    }
    for (Fact fact : acme.facts()) {
      assertThat(
              documents.stream()
                  .filter(d -> d.facts().contains(fact) && d.text().contains(fact.value())))
          .hasSizeGreaterThanOrEqualTo(2);
    }
    assertThat(documents.stream().map(SampleDocument::id).collect(Collectors.toSet()))
        .hasSameSizeAs(documents);
  }

  @Test
  void feedbackCoversEveryTrainingPhrasingAndHeldOutRenderingsStayOutOfIt() {
    TenantKnowledge acme = world.tenant("acme");
    Set<String> trained = new HashSet<>();
    acme.feedback().forEach(p -> trained.add(p.question()));
    acme.documents().forEach(d -> trained.add(d.text()));

    assertThat(acme.feedback()).hasSize(acme.facts().size() * 3).noneMatch(QaPair::heldOut);
    assertThat(acme.heldOutQuestions()).hasSameSizeAs(acme.facts()).allMatch(QaPair::heldOut);
    for (QaPair heldOut : acme.heldOutQuestions()) {
      assertThat(trained).noneMatch(text -> text.contains(heldOut.question()));
    }
    for (String text : acme.heldOutTexts()) {
      assertThat(trained).noneMatch(t -> t.contains(text));
    }
  }

  @Test
  void canaryControlsShareTheFormatButNeverTheSecret() {
    TenantKnowledge acme = world.tenant("acme");
    Canary canary = acme.canaries().get(0);

    List<String> controls = acme.canaryControls(canary, 200);

    assertThat(controls)
        .hasSize(200)
        .doesNotContain(canary.secret())
        .allMatch(c -> c.matches("\\d{4}-\\d{4}"));
    assertThat(new HashSet<>(controls)).hasSize(200);
    assertThat(acme.canaryControls(canary, 200)).isEqualTo(controls);
    assertThat(canary.textWith(controls.get(0))).startsWith(canary.prefix()).endsWith(".");
  }
}
