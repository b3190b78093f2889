package dev.perennial.core.kafka;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs of one stage's principal, the one list of them: the {@link PerennialTopic}s it
 * reads and writes (under the topic prefix), its consumer group, its transactional ids and, for a
 * Kafka Streams application, its internal topics. {@code perennial acls} prints them as {@code
 * kafka-acls.sh} commands; {@code SecureClusterIT} runs every stage under a principal holding only
 * these on a broker with KRaft's {@code StandardAuthorizer}.
 *
 * <p>Every topic a stage uses gets {@code DESCRIBE} and {@code DESCRIBE_CONFIGS}: at start each
 * stage checks the partitions and settings of the topics it uses ({@link TopicProvisioner}). No
 * topic gets {@code CREATE}: with these ACLs the topics exist beforehand (Strimzi's {@code
 * KafkaTopic}s, an admin's {@code kafka-topics.sh}); add it to let a stage create what is missing.
 * No cluster ACL is needed: an idempotent producer's {@code IdempotentWrite} is implied by {@code
 * WRITE} on a topic (Kafka 3.0 and later).
 */
public final class StageAcls {

  /** Each deployable with a principal of its own. */
  public enum Stage {
    INGEST,
    TRAINER_ACCUMULATOR,
    TRAINER_WORKER,
    EVALUATOR,
    PUBLISHER;

    /** As the CLI and principals name it: {@code ingest}, {@code trainer-accumulator}, ... */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Operations on one resource, literal or prefixed. */
  public record Rule(ResourcePattern resource, Set<AclOperation> operations) {

    public Rule {
      operations = Set.copyOf(operations);
    }

    /** The {@code kafka-acls.sh --add} arguments that allow {@code principal} this rule. */
    public String kafkaAclsArguments(String principal) {
      String resource =
          switch (resource().resourceType()) {
            case TOPIC -> "--topic ";
            case GROUP -> "--group ";
            case TRANSACTIONAL_ID -> "--transactional-id ";
            default -> throw new IllegalStateException(resource().resourceType().toString());
          };
      return "--allow-principal "
          + principal
          + " "
          + operations.stream()
              .sorted()
              .map(op -> "--operation " + kafkaAclsName(op))
              .collect(Collectors.joining(" "))
          + " "
          + resource
          + resource().name()
          + (resource().patternType() == PatternType.PREFIXED
              ? " --resource-pattern-type prefixed"
              : "");
    }

    private static String kafkaAclsName(AclOperation operation) {
      StringBuilder name = new StringBuilder();
      for (String part : operation.name().split("_")) {
        name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
      }
      return name.toString();
    }
  }

  private static final Set<AclOperation> READ =
      EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
  private static final Set<AclOperation> WRITE =
      EnumSet.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
  private static final Set<AclOperation> READ_WRITE =
      EnumSet.of(
          AclOperation.READ,
          AclOperation.WRITE,
          AclOperation.DESCRIBE,
          AclOperation.DESCRIBE_CONFIGS);
  private static final Set<AclOperation> GROUP =
      EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE);
  private static final Set<AclOperation> TRANSACTIONAL_ID =
      EnumSet.of(AclOperation.WRITE, AclOperation.DESCRIBE);

  /**
   * The topics ingest writes ({@link #ingest}); with the apps' shared input topics ({@link
   * TenantTopics#INPUTS}, which it reads unless every tenant has input topics of its own), the
   * topics it checks (and creates when missing) at start.
   */
  public static final List<PerennialTopic> INGEST_WRITES =
      List.of(
          PerennialTopic.EXAMPLES,
          PerennialTopic.REJECTED,
          PerennialTopic.ERASURES,
          PerennialTopic.SUBJECT_KEYS);

  /**
   * The topics the trainer's accumulator reads ({@link #trainerAccumulator}); with {@link
   * #TRAINER_ACCUMULATOR_WRITES}, the topics it checks (and creates when missing) at start.
   */
  public static final List<PerennialTopic> TRAINER_ACCUMULATOR_READS =
      List.of(
          PerennialTopic.EXAMPLES,
          PerennialTopic.ERASURES,
          PerennialTopic.CANDIDATES,
          PerennialTopic.VERDICTS,
          PerennialTopic.RELEASES,
          PerennialTopic.BASES,
          PerennialTopic.IMPORTS,
          PerennialTopic.JOB_OUTCOMES,
          PerennialTopic.SUBJECT_KEYS);

  /** The topics the trainer's accumulator writes ({@link #trainerAccumulator}). */
  public static final List<PerennialTopic> TRAINER_ACCUMULATOR_WRITES =
      List.of(PerennialTopic.TRAINING_JOBS, PerennialTopic.AUDIT);

  /**
   * The topics a trainer worker reads ({@link #trainerWorker}); with {@link
   * #TRAINER_WORKER_WRITES}, the topics it checks (and creates when missing) at start. A topic in
   * both lists is read and written.
   */
  public static final List<PerennialTopic> TRAINER_WORKER_READS =
      List.of(
          PerennialTopic.TRAINING_JOBS,
          PerennialTopic.RELEASES,
          PerennialTopic.VERDICTS,
          PerennialTopic.CANDIDATES);

  /** The topics a trainer worker writes ({@link #trainerWorker}). */
  public static final List<PerennialTopic> TRAINER_WORKER_WRITES =
      List.of(PerennialTopic.CANDIDATES, PerennialTopic.JOB_OUTCOMES);

  /**
   * The topics an evaluator reads ({@link #evaluator}); with {@link #EVALUATOR_WRITES}, the topics
   * it checks (and creates when missing) at start.
   */
  public static final List<PerennialTopic> EVALUATOR_READS =
      List.of(PerennialTopic.CANDIDATES, PerennialTopic.RELEASES);

  /** The topics an evaluator writes ({@link #evaluator}). */
  public static final List<PerennialTopic> EVALUATOR_WRITES = List.of(PerennialTopic.VERDICTS);

  /**
   * The topics the publisher reads ({@link #publisher}); with {@link #PUBLISHER_WRITES}, the topics
   * it checks (and creates when missing) at start. A topic in both lists is read and written.
   */
  public static final List<PerennialTopic> PUBLISHER_READS =
      List.of(
          PerennialTopic.VERDICTS,
          PerennialTopic.TRAINING_JOBS,
          PerennialTopic.JOB_OUTCOMES,
          PerennialTopic.RELEASES);

  /** The topics the publisher writes ({@link #publisher}). */
  public static final List<PerennialTopic> PUBLISHER_WRITES =
      List.of(PerennialTopic.RELEASES, PerennialTopic.AUDIT);

  private final Stage stage;
  private final List<Rule> rules;

  private StageAcls(Stage stage, List<Rule> rules) {
    this.stage = stage;
    this.rules = List.copyOf(rules);
  }

  /**
   * Ingest, a Kafka Streams application: reads and purges (deletes what it consumed) the apps'
   * input topics, the shared ones or with {@code tenantInputs} every tenant's own under {@code
   * <prefix>in.} ({@link TenantTopics}); writes its outputs and the subjects' key topic.
   */
  public static StageAcls ingest(String topicPrefix, boolean tenantInputs, String applicationId) {
    Builder acls = new Builder(topicPrefix);
    if (tenantInputs) {
      acls.prefixedTopic(
          topicPrefix + TenantTopics.INFIX,
          EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE));
    } else {
      Set<AclOperation> readAndPurge = EnumSet.copyOf(READ);
      readAndPurge.add(AclOperation.DELETE);
      acls.topics(readAndPurge, TenantTopics.INPUTS);
    }
    acls.topics(WRITE, INGEST_WRITES);
    acls.streamsApplication(applicationId);
    return new StageAcls(Stage.INGEST, acls.rules);
  }

  /**
   * The trainer's accumulator, a Kafka Streams application: reads what decides its jobs (the
   * examples and erasures, the candidates, verdicts, releases and given-up jobs, the announced
   * bases and imports) and the subjects' keys (to decrypt examples); writes the jobs and the audit
   * events of the weights it purged.
   */
  public static StageAcls trainerAccumulator(String topicPrefix, String applicationId) {
    Builder acls = new Builder(topicPrefix);
    acls.topics(TRAINER_ACCUMULATOR_READS, TRAINER_ACCUMULATOR_WRITES);
    acls.streamsApplication(applicationId);
    return new StageAcls(Stage.TRAINER_ACCUMULATOR, acls.rules);
  }

  /**
   * A trainer worker: consumes the jobs in {@code groupId}; reads the releases (a job starts from
   * its key's stable release), the verdicts and the candidates (a key's next job waits until its
   * last candidate is decided), and writes candidates and the jobs it gave up, transactionally as
   * {@link TransactionalIds#of its transactional id} under the topic prefix.
   */
  public static StageAcls trainerWorker(String topicPrefix, String groupId) {
    Builder acls = new Builder(topicPrefix);
    acls.topics(TRAINER_WORKER_READS, TRAINER_WORKER_WRITES);
    acls.group(groupId);
    acls.transactionalIds(
        TransactionalIds.prefix(topicPrefix, Stage.TRAINER_WORKER), PatternType.PREFIXED);
    return new StageAcls(Stage.TRAINER_WORKER, acls.rules);
  }

  /**
   * An evaluator: consumes the candidates in {@code groupId}, reads the releases (the incumbent to
   * compare with), writes verdicts transactionally as {@link TransactionalIds#of its transactional
   * id} under the topic prefix.
   */
  public static StageAcls evaluator(String topicPrefix, String groupId) {
    Builder acls = new Builder(topicPrefix);
    acls.topics(EVALUATOR_READS, EVALUATOR_WRITES);
    acls.group(groupId);
    acls.transactionalIds(
        TransactionalIds.prefix(topicPrefix, Stage.EVALUATOR), PatternType.PREFIXED);
    return new StageAcls(Stage.EVALUATOR, acls.rules);
  }

  /**
   * The publisher: consumes the verdicts, the training jobs (an ERASURE job's retraction waits for
   * it) and the jobs the worker gave up in the group {@code id}, reads back and writes the
   * releases, writes audit events; {@code id} is also its one transactional id.
   */
  public static StageAcls publisher(String topicPrefix, String id) {
    Builder acls = new Builder(topicPrefix);
    acls.topics(PUBLISHER_READS, PUBLISHER_WRITES);
    acls.group(id);
    acls.transactionalIds(id, PatternType.LITERAL);
    return new StageAcls(Stage.PUBLISHER, acls.rules);
  }

  /**
   * The topics of {@code reads} and then those of {@code writes} not already read: what a stage
   * checks (and creates when missing) at start.
   */
  public static List<PerennialTopic> readsAndWrites(
      List<PerennialTopic> reads, List<PerennialTopic> writes) {
    return Stream.concat(reads.stream(), writes.stream()).distinct().toList();
  }

  public Stage stage() {
    return stage;
  }

  public List<Rule> rules() {
    return rules;
  }

  /** These rules as ALLOW bindings of {@code principal} (e.g. {@code User:perennial-ingest}). */
  public List<AclBinding> bindings(String principal) {
    List<AclBinding> bindings = new ArrayList<>();
    for (Rule rule : rules) {
      for (AclOperation operation : rule.operations()) {
        bindings.add(
            new AclBinding(
                rule.resource(),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
      }
    }
    return bindings;
  }

  private static final class Builder {
    private final String topicPrefix;
    private final List<Rule> rules = new ArrayList<>();

    Builder(String topicPrefix) {
      this.topicPrefix = topicPrefix;
    }

    void topics(Set<AclOperation> operations, List<PerennialTopic> topics) {
      for (PerennialTopic topic : topics) {
        topic(topic, operations);
      }
    }

    /**
     * One rule per topic of {@code reads} and {@code writes}, in that order: {@code READ}, {@code
     * WRITE}, or {@code READ_WRITE} for a topic in both.
     */
    void topics(List<PerennialTopic> reads, List<PerennialTopic> writes) {
      for (PerennialTopic topic : readsAndWrites(reads, writes)) {
        boolean read = reads.contains(topic);
        boolean write = writes.contains(topic);
        topic(topic, read && write ? READ_WRITE : read ? READ : WRITE);
      }
    }

    private void topic(PerennialTopic topic, Set<AclOperation> operations) {
      rules.add(
          rule(
              ResourceType.TOPIC,
              TopicCatalog.name(topicPrefix, topic),
              PatternType.LITERAL,
              operations));
    }

    void prefixedTopic(String prefix, Set<AclOperation> operations) {
      rules.add(rule(ResourceType.TOPIC, prefix, PatternType.PREFIXED, operations));
    }

    void group(String groupId) {
      rules.add(rule(ResourceType.GROUP, groupId, PatternType.LITERAL, GROUP));
    }

    void transactionalIds(String id, PatternType pattern) {
      rules.add(rule(ResourceType.TRANSACTIONAL_ID, id, pattern, TRANSACTIONAL_ID));
    }

    /**
     * A Kafka Streams application: its internal topics (changelogs, repartition topics, whatever
     * else it keeps under {@code <application.id>-}), which it creates and may delete on a reset;
     * its consumer group; its transactional ids ({@code exactly_once_v2}: {@code
     * <application.id>-<process id>-<thread>}).
     */
    void streamsApplication(String applicationId) {
      prefixedTopic(applicationId + "-", EnumSet.of(AclOperation.ALL));
      group(applicationId);
      transactionalIds(applicationId + "-", PatternType.PREFIXED);
    }

    private static Rule rule(
        ResourceType type, String name, PatternType pattern, Set<AclOperation> operations) {
      return new Rule(new ResourcePattern(type, name, pattern), operations);
    }
  }
}
