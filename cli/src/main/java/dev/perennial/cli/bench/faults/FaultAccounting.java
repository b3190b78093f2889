package dev.perennial.cli.bench.faults;

import dev.perennial.cli.local.TopicRecords;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the fault harness checks once the stream is through, by offset and by id: every offset of
 * the apps' document and feedback topics has exactly one example or rejection; each training job at
 * most one candidate; each candidate exactly one verdict; each key's published versions are 1..n
 * without gap or repeat, each from a passed verdict; the release area holds exactly the published
 * versions. {@code releases verify} is run by the harness.
 */
public final class FaultAccounting {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  /** The totals checked, and every problem found (none: the run held). */
  public record Result(
      long inputOffsets,
      long examples,
      long rejections,
      long jobs,
      long candidates,
      long verdicts,
      SortedMap<String, Integer> versions,
      List<String> problems) {

    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      lines.add(
          String.format(
              "Accounted %d input offsets: %d examples, %d rejections (each offset exactly once)",
              inputOffsets, examples, rejections));
      lines.add(
          String.format(
              "%d training jobs, %d candidates (at most one per job), %d verdicts (one per"
                  + " candidate)",
              jobs, candidates, verdicts));
      lines.add(
          "Published versions 1..n per key (release area and releases.v1 agree): " + versions);
      return lines;
    }
  }

  private FaultAccounting() {}

  static Result check(
      Map<String, Object> client, Topics topics, List<String> inputTopics, Path releasePath) {
    List<String> problems = new ArrayList<>();

    // Every input offset: one example or one rejection.
    Map<String, Integer> outputsPerOffset = new HashMap<>();
    Set<String> inputs = new TreeSet<>();
    // Ingest purges what it has read from the apps' topics, so the offsets are those below each
    // partition's end: the apps' producer is not transactional, every offset holds one event.
    try (Consumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(client, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (String topic : inputTopics) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer
            .endOffsets(partitions, READ_TIMEOUT)
            .forEach(
                (partition, end) -> {
                  for (long offset = 0; offset < end; offset++) {
                    inputs.add(where(topic, partition.partition(), offset));
                  }
                });
      }
    }
    List<ConsumerRecord<String, TrainingExample>> examples =
        TopicRecords.readAll(client, topics.examples());
    examples.forEach(e -> outputsPerOffset.merge(where(e.value().getSource()), 1, Integer::sum));
    List<RejectedRecord> rejections =
        TopicRecords.readAll(client, topics.rejected()).stream()
            .map(ConsumerRecord::value)
            .filter(r -> inputTopics.contains(r.getSource().getTopic()))
            .toList();
    rejections.forEach(r -> outputsPerOffset.merge(where(r.getSource()), 1, Integer::sum));
    for (String input : inputs) {
      int outputs = outputsPerOffset.getOrDefault(input, 0);
      if (outputs != 1) {
        problems.add(input + " has " + outputs + " examples and rejections, not 1");
      }
    }
    outputsPerOffset.keySet().stream()
        .filter(source -> !inputs.contains(source))
        .forEach(source -> problems.add("an output names " + source + ", which holds no record"));

    // Each job at most one candidate; each candidate exactly one verdict.
    List<TrainingJob> jobs = values(TopicRecords.readAll(client, topics.trainingJobs()));
    List<AdapterCandidate> candidates = values(TopicRecords.readAll(client, topics.candidates()));
    List<EvaluationVerdict> verdicts = values(TopicRecords.readAll(client, topics.verdicts()));
    Set<String> jobIds = jobs.stream().map(TrainingJob::getJobId).collect(Collectors.toSet());
    countBy(candidates, AdapterCandidate::getJobId)
        .forEach(
            (job, n) -> {
              if (n > 1) {
                problems.add("job " + job + " has " + n + " candidates");
              }
              if (!jobIds.contains(job)) {
                problems.add("a candidate names job " + job + ", which is not on the jobs topic");
              }
            });
    Map<String, Long> verdictsPerCandidate =
        countBy(verdicts, v -> v.getCandidate().getCandidateId());
    for (AdapterCandidate candidate : candidates) {
      long n = verdictsPerCandidate.getOrDefault(candidate.getCandidateId(), 0L);
      if (n != 1) {
        problems.add("candidate " + candidate.getCandidateId() + " has " + n + " verdicts");
      }
    }
    Set<String> passed =
        verdicts.stream()
            .filter(EvaluationVerdict::getPassed)
            .map(v -> v.getCandidate().getCandidateId())
            .collect(Collectors.toSet());

    // Versions 1..n per key, each from a passed candidate, once; the area holds exactly those.
    List<AdapterRelease> published =
        values(TopicRecords.readAll(client, topics.releases())).stream()
            .filter(r -> r.getAction() == ReleaseAction.PUBLISHED)
            .toList();
    SortedMap<String, Integer> versions = new TreeMap<>();
    Map<String, List<Integer>> byKey =
        published.stream()
            .collect(
                Collectors.groupingBy(
                    AdapterRelease::getAdapterKey,
                    TreeMap::new,
                    Collectors.mapping(AdapterRelease::getVersion, Collectors.toList())));
    byKey.forEach(
        (key, numbers) -> {
          List<Integer> sorted = numbers.stream().sorted().toList();
          List<Integer> expected = IntStream.rangeClosed(1, sorted.size()).boxed().toList();
          if (!sorted.equals(expected)) {
            problems.add(key + " published versions " + sorted + ", not " + expected);
          }
          versions.put(key, sorted.size());
        });
    countBy(published, AdapterRelease::getCandidateId)
        .forEach(
            (candidate, n) -> {
              if (n > 1) {
                problems.add("candidate " + candidate + " published " + n + " times");
              }
              if (!passed.contains(candidate)) {
                problems.add("candidate " + candidate + " published without a passed verdict");
              }
            });
    ReleaseArea.Scan scan = ReleaseArea.existing(releasePath).scan(false);
    Set<String> inArea = new TreeSet<>();
    scan.releases()
        .forEach(
            (AdapterKey key, SortedMap<Integer, ?> folders) ->
                folders.keySet().forEach(version -> inArea.add(key + " v" + version)));
    Set<String> onTopic = new TreeSet<>();
    published.forEach(r -> onTopic.add(r.getAdapterKey() + " v" + r.getVersion()));
    if (!inArea.equals(onTopic)) {
      problems.add("the release area holds " + inArea + " but releases.v1 published " + onTopic);
    }
    scan.problems().forEach(problem -> problems.add("release area: " + problem));
    scan.strays().forEach(stray -> problems.add("release area stray: " + stray));

    return new Result(
        inputs.size(),
        examples.size(),
        rejections.size(),
        jobs.size(),
        candidates.size(),
        verdicts.size(),
        versions,
        problems);
  }

  private static String where(SourceRef source) {
    return where(source.getTopic(), source.getPartition(), source.getOffset());
  }

  private static String where(String topic, int partition, long offset) {
    return topic + "-" + partition + "@" + offset;
  }

  private static <V> List<V> values(List<ConsumerRecord<String, V>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }

  private static <T> Map<String, Long> countBy(
      List<T> items, java.util.function.Function<T, String> id) {
    return items.stream().collect(Collectors.groupingBy(id, TreeMap::new, Collectors.counting()));
  }
}
