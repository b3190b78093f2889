package dev.perennial.cli.bench.faults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Which process the fault harness SIGKILLs, at which busy moment, in which round of the stream:
 * drawn from a seed, so a failure reproduces with the same seed. The first kills are every {@link
 * Moment} once in a seeded order (a schedule of at least {@code Moment.values().length} kills hits
 * every stage, both transaction windows and the broker); further kills draw moments at random. Kill
 * {@code i} falls in round {@code i % rounds}; within a round, kills follow the pipeline.
 */
record KillSchedule(long seed, int rounds, List<Kill> kills) {

  /** A busy moment of one stage, in pipeline order. */
  enum Moment {
    /** Ingest, right after a batch of app events was sent. */
    INGEST_READING("ingest"),
    /** The accumulator, once it logged a sealed job. */
    ACCUMULATOR_SEALING("trainer accumulator"),
    /** The broker, while a worker trains (the candidate's transaction meets a restarted broker). */
    BROKER_WHILE_TRAINING("broker"),
    /** A worker, in the middle of training. */
    WORKER_TRAINING("trainer worker"),
    /** A worker, between sending its candidate and committing the transaction. */
    WORKER_IN_TRANSACTION("trainer worker"),
    /** The evaluator, between sending its verdicts and committing the transaction. */
    EVALUATOR_IN_TRANSACTION("evaluator"),
    /**
     * The publisher, between writing a release folder and its records and committing the
     * transaction.
     */
    PUBLISHER_IN_TRANSACTION("publisher");

    private final String stage;

    Moment(String stage) {
      this.stage = stage;
    }

    String stage() {
      return stage;
    }
  }

  /** One SIGKILL: the moment to wait for in the round. */
  record Kill(int round, Moment moment) {}

  KillSchedule {
    kills = List.copyOf(kills);
  }

  static KillSchedule draw(long seed, int kills, int rounds) {
    if (rounds < 3) {
      throw new IllegalArgumentException(
          "The fault harness needs at least 3 rounds, got " + rounds);
    }
    Random random = new Random(seed);
    List<Moment> moments = new ArrayList<>(Arrays.asList(Moment.values()));
    Collections.shuffle(moments, random);
    List<Kill> drawn = new ArrayList<>();
    for (int i = 0; i < kills; i++) {
      Moment moment =
          i < moments.size()
              ? moments.get(i)
              : Moment.values()[random.nextInt(Moment.values().length)];
      drawn.add(new Kill(i % rounds, moment));
    }
    drawn.sort(Comparator.comparingInt(Kill::round).thenComparing(Kill::moment));
    return new KillSchedule(seed, rounds, drawn);
  }

  List<Kill> inRound(int round) {
    return kills.stream().filter(kill -> kill.round() == round).toList();
  }

  /** The round in which the third worker leaves (3 to 2 workers). */
  int workerLeaves() {
    return 1;
  }

  /** The round in which the third worker is back (2 to 3 workers). */
  int workerReturns() {
    return rounds - 1;
  }

  /** {@code seed 17, 3 rounds: r0 INGEST_READING, ...}. */
  String describe() {
    StringBuilder text = new StringBuilder();
    text.append("seed ").append(seed).append(", ").append(rounds).append(" rounds:");
    for (Kill kill : kills) {
      text.append(" r").append(kill.round()).append(' ').append(kill.moment());
    }
    text.append("; worker-3 leaves in r")
        .append(workerLeaves())
        .append(", back in r")
        .append(workerReturns());
    return text.toString();
  }
}
