package dev.perennial.cli.bench.continual;

import dev.perennial.core.crypto.Digest;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.model.world.Fact;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.UpdateStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * World-truth probes of one tenant's stream: for every fact of a task, the question in a trained
 * phrasing and in the held-out one, expecting the value that task taught. After update i, task j (j
 * &le; i) keeps only the facts no later update up to i changed again (those are measured in the
 * task of their change); a task not yet taught is asked as it will be taught.
 */
final class Probes {

  /** One task's probes after an update. */
  record TaskProbes(
      int task, List<Fact> facts, List<EvalExample> trained, List<EvalExample> heldOut) {

    String trainedDataset() {
      return dataset("trained", trained);
    }

    String heldOutDataset() {
      return dataset("held-out", heldOut);
    }
  }

  private final UpdateStream stream;

  Probes(UpdateStream stream) {
    this.stream = stream;
  }

  /** Task {@code task}'s probes as they stand after update {@code after}. */
  TaskProbes task(int task, int after) {
    List<Fact> facts =
        stream.task(task).stream().filter(f -> stream.holdsAfter(f, task, after)).toList();
    return new TaskProbes(
        task,
        facts,
        questions(facts, UpdateStream::trainedQuestion),
        questions(facts, UpdateStream::heldOutQuestion));
  }

  /** The changed facts whose newest value holds after update {@code after}. */
  List<Fact> changes(int after) {
    return stream.changesHolding(after);
  }

  private static List<EvalExample> questions(List<Fact> facts, Function<Fact, QaPair> phrasing) {
    List<EvalExample> questions = new ArrayList<>(facts.size());
    for (Fact fact : facts) {
      QaPair pair = phrasing.apply(fact);
      questions.add(EvalExample.question(pair.prompt(), pair.completion()));
    }
    return questions;
  }

  /** A dataset name fixed by the content, so the scorer's cache never mixes two probe sets. */
  private static String dataset(String kind, List<EvalExample> examples) {
    StringBuilder content = new StringBuilder();
    for (EvalExample example : examples) {
      content.append(example.prompt()).append('\u0000').append(example.target()).append('\u0001');
    }
    String hex = Digest.of(content.toString().getBytes(StandardCharsets.UTF_8)).hex();
    return "probe:" + kind + ":" + hex.substring(0, 24) + ":" + examples.size();
  }
}
