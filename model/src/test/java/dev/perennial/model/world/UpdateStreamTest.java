package dev.perennial.model.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpdateStreamTest {

  private final World world = World.standard();
  private final List<UpdateStream> streams =
      UpdateStream.generate(world, List.of("acme", "globex"), UpdateStream.Shape.defaults(5), 7);
  private final UpdateStream acme = streams.get(0);

  @Test
  void theSameSeedGivesTheSameStreamAndAnotherSeedAnotherOne() {
    UpdateStream again =
        UpdateStream.generate(world, List.of("acme", "globex"), UpdateStream.Shape.defaults(5), 7)
            .get(0);
    UpdateStream other =
        UpdateStream.generate(world, List.of("acme"), UpdateStream.Shape.defaults(5), 8).get(0);

    assertThat(again.updates()).isEqualTo(acme.updates());
    assertThat(other.update(1).newFacts()).isNotEqualTo(acme.update(1).newFacts());
  }

  @Test
  void everyUpdateBringsNewEntitiesChangesAndRepeatsOfEarlierFacts() {
    Set<String> names = new HashSet<>();
    world.entities().forEach(e -> names.add(e.name().toLowerCase(Locale.ROOT)));
    for (UpdateStream stream : streams) {
      for (UpdateStream.Update update : stream.updates()) {
        assertThat(update.newEntities()).hasSize(3);
        update
            .newEntities()
            .forEach(e -> assertThat(names.add(e.name().toLowerCase(Locale.ROOT))).isTrue());
        assertThat(update.newFacts()).hasSize(9);
        assertThat(update.changedFacts())
            .hasSize(update.number() == 1 ? 1 : 2)
            .allMatch(Fact::isChange)
            .allMatch(f -> !f.value().equals(f.previousValue()))
            .allMatch(f -> UpdateStream.CHANGEABLE.contains(f.attribute()));
        assertThat(update.repeatedFacts()).hasSize(update.number() == 1 ? 0 : 2);
      }
    }
    UpdateStream.Update second = acme.update(2);
    List<Fact> earlierOwn = acme.update(1).newFacts();
    Fact ownChange =
        second.changedFacts().stream()
            .filter(f -> earlierOwn.stream().anyMatch(e -> e.key().equals(f.key())))
            .findFirst()
            .orElseThrow();
    assertThat(earlierOwn).anyMatch(f -> f.value().equals(ownChange.previousValue()));
    Fact generalChange = acme.update(1).changedFacts().get(0);
    assertThat(world.facts())
        .contains(
            Fact.of(
                generalChange.entity(), generalChange.attribute(), generalChange.previousValue()));
  }

  @Test
  void documentsAndFeedbackStateWhatTheUpdateTeachesInTrainingPhrasingsOnly() {
    UpdateStream.Update update = acme.update(3);
    String documents =
        String.join("\n", update.documents().stream().map(SampleDocument::text).toList());
    for (Fact fact : update.taught()) {
      assertThat(documents).contains(fact.value());
      assertThat(update.feedback())
          .filteredOn(pair -> pair.fact().equals(fact))
          .hasSize(fact.attribute().trainingQuestions().size())
          .noneMatch(QaPair::heldOut);
      assertThat(documents).doesNotContain(UpdateStream.heldOutQuestion(fact).question());
    }
    for (Fact repeated : update.repeatedFacts()) {
      assertThat(documents).contains(repeated.value());
    }
  }

  @Test
  void aChangedFactLeavesItsTaskAndTheNewestValueHolds() {
    UpdateStream.Update second = acme.update(2);
    Fact ownChange =
        second.changedFacts().stream()
            .filter(f -> acme.task(1).stream().anyMatch(e -> e.key().equals(f.key())))
            .findFirst()
            .orElseThrow();
    Fact original =
        acme.task(1).stream()
            .filter(f -> f.key().equals(ownChange.key()))
            .findFirst()
            .orElseThrow();

    assertThat(acme.holdsAfter(original, 1, 1)).isTrue();
    assertThat(acme.holdsAfter(original, 1, 2)).isFalse();
    assertThat(acme.holdsAfter(ownChange, 2, 5)).isTrue();
    assertThat(acme.changesHolding(5)).contains(ownChange).hasSize(9);
    assertThat(acme.changedGeneralFacts())
        .hasSize(5)
        .contains(acme.update(1).changedFacts().get(0).key());
  }

  @Test
  void probesAskEveryFactAlwaysInTheSameTrainedPhrasingAndInItsHeldOutOne() {
    Fact fact = acme.task(1).get(0);

    QaPair trained = UpdateStream.trainedQuestion(fact);
    QaPair heldOut = UpdateStream.heldOutQuestion(fact);

    assertThat(trained).isEqualTo(UpdateStream.trainedQuestion(fact));
    assertThat(trained.heldOut()).isFalse();
    assertThat(heldOut.heldOut()).isTrue();
    assertThat(trained.answer()).isEqualTo(fact.value()).isEqualTo(heldOut.answer());
    assertThat(acme.update(1).feedback()).contains(trained);
  }
}
