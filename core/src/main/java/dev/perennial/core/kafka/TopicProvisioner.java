package dev.perennial.core.kafka;

import dev.perennial.core.PerennialException;
import dev.perennial.core.config.PerennialConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes topics exist as specified, safely at every start: creates the missing ones, reports every
 * existing one that differs (partitions, replication factor, settings) instead of using it, and
 * returns only when every new partition answers ListOffsets. Records produced to a topic right
 * after its creation can otherwise be lost (KAFKA-15591).
 */
public final class TopicProvisioner {

  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READY_BACKOFF = Duration.ofMillis(100);

  private final Admin admin;
  private final Duration timeout;

  public TopicProvisioner(Admin admin) {
    this(admin, DEFAULT_TIMEOUT);
  }

  /**
   * @param timeout bound of each admin call and of the wait for new partitions to become ready
   */
  public TopicProvisioner(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  /**
   * Provisions {@code topics} of the configuration's catalog with an admin client of its own
   * (closed afterwards): what a service does at start for the topics it reads and writes.
   *
   * @param clientId the admin client's id
   */
  public static Result provision(
      PerennialConfig config, String clientId, PerennialTopic... topics) {
    return provision(config, clientId, Arrays.asList(topics));
  }

  /** {@link #provision(PerennialConfig, String, PerennialTopic...)} of a list. */
  public static Result provision(
      PerennialConfig config, String clientId, Collection<PerennialTopic> topics) {
    TopicCatalog catalog = TopicCatalog.from(config);
    try (Admin admin = Admin.create(KafkaClients.admin(config, clientId))) {
      return new TopicProvisioner(admin).provision(topics.stream().map(catalog::spec).toList());
    }
  }

  /** What {@link #provision} found and did. */
  public record Result(List<String> created, List<String> existing) {
    public Result {
      created = List.copyOf(created);
      existing = List.copyOf(existing);
    }
  }

  /**
   * Creates the missing topics and waits until they are ready.
   *
   * @throws TopicMismatchException listing every existing topic that differs from its spec; nothing
   *     is created then
   */
  public Result provision(Collection<TopicSpec> specs) {
    Map<String, TopicSpec> byName =
        specs.stream()
            .collect(
                Collectors.toMap(
                    TopicSpec::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    Set<String> present = await(admin.listTopics().names(), "list topics");
    List<TopicSpec> existing =
        byName.values().stream().filter(spec -> present.contains(spec.name())).toList();
    List<TopicSpec> missing =
        byName.values().stream().filter(spec -> !present.contains(spec.name())).toList();

    requireMatching(existing);
    List<TopicSpec> created = create(missing);
    List<TopicSpec> raced = missing.stream().filter(spec -> !created.contains(spec)).toList();
    requireMatching(raced); // another instance created them between our list and create
    waitUntilReady(created);

    List<String> createdNames = created.stream().map(TopicSpec::name).toList();
    List<String> existingNames =
        byName.keySet().stream().filter(name -> !createdNames.contains(name)).toList();
    if (!createdNames.isEmpty()) {
      log.info("Created topics {}", createdNames);
    }
    return new Result(createdNames, existingNames);
  }

  /** Differences between existing topics and their specs, one line each; empty when all match. */
  public List<String> mismatches(Collection<TopicSpec> existing) {
    if (existing.isEmpty()) {
      return List.of();
    }
    List<String> names = existing.stream().map(TopicSpec::name).toList();
    // a topic another instance has just created is listed before every broker knows it
    // (UnknownTopicOrPartitionException): retried as the wait for new partitions is
    Map<String, TopicDescription> descriptions =
        awaitRetrying(
            () -> admin.describeTopics(names).allTopicNames(), "Cannot describe topics " + names);
    List<ConfigResource> resources =
        names.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
    Map<ConfigResource, Config> configs =
        awaitRetrying(
            () -> admin.describeConfigs(resources).all(),
            "Cannot describe configs of topics " + names);

    List<String> mismatches = new ArrayList<>();
    for (TopicSpec spec : existing) {
      TopicDescription description = descriptions.get(spec.name());
      int partitions = description.partitions().size();
      if (partitions != spec.partitions()) {
        mismatches.add(
            spec.name() + ": has " + partitions + " partitions, expected " + spec.partitions());
      }
      if (spec.replicationFactor() > 0) {
        for (TopicPartitionInfo partition : description.partitions()) {
          if (partition.replicas().size() != spec.replicationFactor()) {
            mismatches.add(
                spec.name()
                    + ": partition "
                    + partition.partition()
                    + " has replication factor "
                    + partition.replicas().size()
                    + ", expected "
                    + spec.replicationFactor());
            break;
          }
        }
      }
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
      spec.configs()
          .forEach(
              (key, expected) -> {
                String actual =
                    Optional.ofNullable(config.get(key)).map(ConfigEntry::value).orElse(null);
                if (!expected.equals(actual)) {
                  mismatches.add(
                      spec.name() + ": " + key + " is " + actual + ", expected " + expected);
                }
              });
    }
    return mismatches;
  }

  private void requireMatching(List<TopicSpec> existing) {
    List<String> mismatches = mismatches(existing);
    if (!mismatches.isEmpty()) {
      throw new TopicMismatchException(mismatches);
    }
  }

  /** Creates the topics; returns those this call created (not those that appeared meanwhile). */
  private List<TopicSpec> create(List<TopicSpec> missing) {
    if (missing.isEmpty()) {
      return List.of();
    }
    List<NewTopic> newTopics =
        missing.stream()
            .map(
                spec ->
                    new NewTopic(
                            spec.name(),
                            Optional.of(spec.partitions()),
                            spec.replicationFactor() > 0
                                ? Optional.of(spec.replicationFactor())
                                : Optional.empty())
                        .configs(spec.configs()))
            .toList();
    Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics).values();
    List<TopicSpec> created = new ArrayList<>();
    for (TopicSpec spec : missing) {
      try {
        await(results.get(spec.name()), "create topic " + spec.name());
        created.add(spec);
      } catch (PerennialException e) {
        if (e.getCause() instanceof AuthorizationException) {
          throw new PerennialException(
              "Not authorized to create topic "
                  + spec.name()
                  + ", which this service reads or writes: create Perennial's topics beforehand"
                  + " (the Helm chart's topics.strimzi.enabled renders them) or allow this"
                  + " principal CREATE on them",
              e.getCause());
        }
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        log.info("Topic {} was created concurrently; checking it instead", spec.name());
      }
    }
    return created;
  }

  private void waitUntilReady(List<TopicSpec> created) {
    if (created.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    for (TopicSpec spec : created) {
      for (int partition = 0; partition < spec.partitions(); partition++) {
        partitions.put(new TopicPartition(spec.name(), partition), OffsetSpec.latest());
      }
    }
    awaitRetrying(
        () -> admin.listOffsets(partitions).all(),
        "New topic partitions did not become ready for reads");
  }

  /**
   * The result of {@code call}, made again after {@link #READY_BACKOFF} while it fails with a
   * retriable error, for about {@link #timeout} in all.
   *
   * @param failure what the exception says when it gives up, before the cause
   */
  private <T> T awaitRetrying(Supplier<KafkaFuture<T>> call, String failure) {
    int attempts = (int) Math.max(1, timeout.toMillis() / READY_BACKOFF.toMillis());
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || attempt >= attempts) {
          throw new PerennialException(failure + ": " + e.getCause(), e.getCause());
        }
        log.debug("{}, retry {} of {}: {}", failure, attempt, attempts, e.getCause().toString());
        sleep(READY_BACKOFF);
      } catch (TimeoutException e) {
        throw new PerennialException(failure + " within " + timeout, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PerennialException("Interrupted: " + failure, e);
      }
    }
  }

  private <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new PerennialException("Cannot " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new PerennialException("Cannot " + what + ": no answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PerennialException("Interrupted while trying to " + what, e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PerennialException("Interrupted while waiting for new topics", e);
    }
  }
}
