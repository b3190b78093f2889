package dev.perennial.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry served over https with a certificate of a private CA (here a self-signed one, made by
 * the JDK's keytool): the registry client trusts it only when {@code
 * schema.registry.ssl.truststore.*} names that CA, as a PEM bundle or a PKCS#12 truststore. The
 * server is a loopback https server answering one schema lookup: what is under test is the TLS
 * trust of the client, which no registry's REST semantics take part in.
 */
class RegistryTrustTest {

  static {
    // core's jetty-http-spi registers Jetty as the JDK HttpServer provider; this test needs the
    // JDK's own https server.
    System.setProperty(
        "com.sun.net.httpserver.HttpServerProvider",
        "sun.net.httpserver.DefaultHttpServerProvider");
  }

  private static final String PASSWORD = "changeit-for-tests";
  private static final String SCHEMA =
      "{\"type\":\"record\",\"name\":\"Ping\",\"namespace\":\"test\",\"fields\":[]}";

  @TempDir static Path folder;
  private static HttpsServer server;
  private static Path caPem;
  private static Path truststoreP12;

  @BeforeAll
  static void startHttpsRegistry() throws Exception {
    Path keystore = folder.resolve("registry.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "registry",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=registry.internal",
        "-ext",
        "san=ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD);
    caPem = folder.resolve("ca.crt");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "registry",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        caPem.toString());
    truststoreP12 = folder.resolve("truststore.p12");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caPem.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        truststoreP12.toString(),
        "-storepass",
        PASSWORD);

    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, PASSWORD.toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/schemas/ids/1", RegistryTrustTest::answerSchema);
    server.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static void answerSchema(HttpExchange exchange) throws IOException {
    String body = "{\"schema\":" + quoted(SCHEMA) + "}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void aRegistryWhoseCaTheJvmDoesNotKnowIsRefusedWithoutATruststore() {
    SchemaRegistryClient client =
        new AvroSerdeConfig(Map.of("schema.registry.url", url())).newRegistryClient();

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("SSLHandshakeException");
  }

  @Test
  void aPemCaBundleMakesTheRegistryTrusted() {
    SchemaRegistryClient client =
        new AvroSerdeConfig(
                Map.of(
                    "schema.registry.url", url(),
                    "schema.registry.ssl.truststore.location", caPem.toString(),
                    "schema.registry.ssl.truststore.type", "PEM"))
            .newRegistryClient();

    assertThat(client.schemaById(1)).isEqualTo(new Schema.Parser().parse(SCHEMA));
  }

  @Test
  void aPkcs12TruststoreWithItsPasswordMakesTheRegistryTrusted() {
    SchemaRegistryClient client =
        new AvroSerdeConfig(
                Map.of(
                    "schema.registry.url",
                    url(),
                    "schema.registry.ssl.truststore.location",
                    truststoreP12.toString(),
                    "schema.registry.ssl.truststore.type",
                    "PKCS12",
                    "schema.registry.ssl.truststore.password",
                    PASSWORD))
            .newRegistryClient();

    assertThat(client.schemaById(1)).isEqualTo(new Schema.Parser().parse(SCHEMA));
  }

  @Test
  void aTruststoreThatCannotBeReadIsRefusedByItsKey() {
    AvroSerdeConfig config =
        new AvroSerdeConfig(
            Map.of(
                "schema.registry.url", url(),
                "schema.registry.ssl.truststore.location", folder.resolve("missing.crt").toString(),
                "schema.registry.ssl.truststore.type", "PEM"));

    assertThatThrownBy(config::newRegistryClient)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.ssl.truststore.location");
  }

  private static void keytool(String... arguments) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", arguments) + ": " + output);
    }
  }
}
