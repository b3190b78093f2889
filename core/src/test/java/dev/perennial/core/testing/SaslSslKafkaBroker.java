package dev.perennial.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A broker whose only client listener is SASL_SSL: TLS with a certificate the test made ({@link
 * TestCertificates}) and SCRAM-SHA-512 logins. The users' credentials are in the cluster's
 * bootstrap metadata, so they exist before anyone connects; the broker talks to itself (transaction
 * markers) as the user {@value #BROKER_USER} over the same listener. Clients get {@link
 * #clientProperties(String)}: the address, the trust store holding only the test CA, and the user's
 * login. A client that speaks PLAINTEXT to that address gets nothing.
 */
public final class SaslSslKafkaBroker implements AutoCloseable {

  public static final String MECHANISM = "SCRAM-SHA-512";
  private static final String BROKER_USER = "broker";
  private static final String LISTENER = "EXTERNAL";
  private static final int SCRAM_ITERATIONS = 4096;

  private final KafkaClusterTestKit cluster;
  private final TestCertificates certificates;
  private final Map<String, String> passwords;

  private SaslSslKafkaBroker(
      KafkaClusterTestKit cluster, TestCertificates certificates, Map<String, String> passwords) {
    this.cluster = cluster;
    this.certificates = certificates;
    this.passwords = passwords;
  }

  /**
   * Starts the broker with its data and certificates under {@code folder}; every user of {@code
   * passwords} (user to password) can log in.
   */
  public static SaslSslKafkaBroker start(Path folder, Map<String, String> passwords)
      throws Exception {
    return start(folder, passwords, Map.of());
  }

  /**
   * The same broker with KRaft's {@code StandardAuthorizer}: nothing is allowed without an ACL,
   * except to {@code superUser} (who may create them) and the broker itself.
   */
  public static SaslSslKafkaBroker startAuthorizing(
      Path folder, Map<String, String> passwords, String superUser) throws Exception {
    if (!passwords.containsKey(superUser)) {
      throw new IllegalArgumentException("No such user: " + superUser);
    }
    return start(
        folder,
        passwords,
        Map.of(
            "authorizer.class.name",
            "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "allow.everyone.if.no.acl.found",
            "false",
            // the broker talks to its controller over the plaintext controller listener, where it
            // is ANONYMOUS; no client reaches that listener (it serves no client API)
            "super.users",
            "User:" + BROKER_USER + ";User:ANONYMOUS;User:" + superUser));
  }

  private static SaslSslKafkaBroker start(
      Path folder, Map<String, String> passwords, Map<String, String> brokerConfigs)
      throws Exception {
    TestCertificates certificates = TestCertificates.create(folder.resolve("tls"));
    Map<String, String> users = new LinkedHashMap<>(passwords);
    users.put(BROKER_USER, TestCertificates.randomPassword());
    String prefix = "listener.name." + LISTENER.toLowerCase() + ".";
    Path directory = Files.createDirectories(folder.resolve("broker"));
    TestKitNodes nodes =
        new TestKitNodes.Builder(withUsers(directory, users))
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setBaseDirectory(directory)
            .build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    brokerConfigs.forEach(builder::setConfigProp);
    KafkaClusterTestKit cluster =
        builder
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "false")
            // The kit's client listener becomes SASL_SSL; its controller listener (which serves
            // no client API) stays plaintext.
            .setConfigProp(
                "listener.security.protocol.map", LISTENER + ":SASL_SSL,CONTROLLER:PLAINTEXT")
            .setConfigProp("sasl.enabled.mechanisms", MECHANISM)
            .setConfigProp("sasl.mechanism.inter.broker.protocol", MECHANISM)
            .setConfigProp(
                prefix + MECHANISM.toLowerCase() + ".sasl.jaas.config",
                jaasConfig(BROKER_USER, users.get(BROKER_USER)))
            .setConfigProp(prefix + "ssl.keystore.type", "PKCS12")
            .setConfigProp(prefix + "ssl.keystore.location", certificates.keyStore().toString())
            .setConfigProp(prefix + "ssl.keystore.password", certificates.password())
            .setConfigProp(prefix + "ssl.key.password", certificates.password())
            .setConfigProp(prefix + "ssl.truststore.type", "PKCS12")
            .setConfigProp(prefix + "ssl.truststore.location", certificates.trustStore().toString())
            .setConfigProp(prefix + "ssl.truststore.password", certificates.password())
            .build();
    SaslSslKafkaBroker broker = new SaslSslKafkaBroker(cluster, certificates, Map.copyOf(users));
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return broker;
    } catch (Exception | AssertionError e) {
      broker.close();
      throw e;
    }
  }

  /** {@code host:port} of the SASL_SSL listener, the only one a client may use. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** The test CA's trust store and its password. */
  public TestCertificates certificates() {
    return certificates;
  }

  /**
   * What a Kafka client of {@code user} needs: the SASL_SSL address, the trust store and the SCRAM
   * login (a fresh, mutable map; values are strings, as a configuration file gives them).
   */
  public Map<String, String> clientProperties(String user) {
    String password = passwords.get(user);
    if (password == null) {
      throw new IllegalArgumentException("No such user: " + user);
    }
    return clientProperties(user, password);
  }

  /** The same with any password (a wrong one, to show it is refused). */
  public Map<String, String> clientProperties(String user, String password) {
    Map<String, String> properties = new HashMap<>();
    properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
    properties.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
    properties.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(user, password));
    properties.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
    properties.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certificates.trustStore().toString());
    properties.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificates.password());
    return properties;
  }

  /**
   * The bootstrap metadata of {@link dev.perennial.core.embedded.EmbeddedKafka}'s broker (the kit's
   * features at the latest production metadata version) plus the users' SCRAM-SHA-512 credentials,
   * as {@code kafka-storage format --add-scram} writes them: the controller starts with them (the
   * kit hands its nodes' bootstrap metadata to the controller).
   */
  private static BootstrapMetadata withUsers(Path directory, Map<String, String> users)
      throws Exception {
    BootstrapMetadata features =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .setBaseDirectory(directory)
            .build()
            .bootstrapMetadata();
    List<ApiMessageAndVersion> records = new ArrayList<>(features.records());
    ScramFormatter formatter = new ScramFormatter(ScramMechanism.SCRAM_SHA_512);
    for (Map.Entry<String, String> user : users.entrySet()) {
      ScramCredential credential = formatter.generateCredential(user.getValue(), SCRAM_ITERATIONS);
      records.add(
          new ApiMessageAndVersion(
              new UserScramCredentialRecord()
                  .setName(user.getKey())
                  .setMechanism(ScramMechanism.SCRAM_SHA_512.type())
                  .setSalt(credential.salt())
                  .setStoredKey(credential.storedKey())
                  .setServerKey(credential.serverKey())
                  .setIterations(credential.iterations()),
              (short) 0));
    }
    return BootstrapMetadata.fromRecords(records, "perennial test users");
  }

  private static String jaasConfig(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
