package dev.perennial.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority and a server certificate signed by it, made by the JDK's {@code keytool}
 * when a test starts (nothing committed, nothing downloaded): the server's key store holds its key
 * and chain for {@code localhost} and {@code 127.0.0.1}; the trust store holds only the CA, which
 * is what a client is given. EC keys (P-256), valid for two days, a random store password.
 *
 * @param keyStore PKCS12: the server's private key and its chain (server, CA)
 * @param trustStore PKCS12: the CA's certificate only
 * @param password the password of both stores and of the key
 */
public record TestCertificates(Path keyStore, Path trustStore, String password) {

  private static final String CA = "ca";
  private static final String SERVER = "server";
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  /** Makes the CA and a server certificate under {@code folder} (about 2 s: two keytool runs). */
  public static TestCertificates create(Path folder) {
    String password = randomPassword();
    try {
      Files.createDirectories(folder);
      Path both = folder.resolve("ca-and-server.p12");
      keytool(
          "-genkeypair",
          "-alias",
          CA,
          "-keyalg",
          "EC",
          "-groupname",
          "secp256r1",
          "-validity",
          "2",
          "-dname",
          "CN=perennial-test-ca",
          "-ext",
          "bc:c",
          "-storetype",
          "PKCS12",
          "-keystore",
          both.toString(),
          "-storepass",
          password);
      // -signer (JDK 17+) issues the server's certificate from the CA in the same store.
      keytool(
          "-genkeypair",
          "-alias",
          SERVER,
          "-keyalg",
          "EC",
          "-groupname",
          "secp256r1",
          "-validity",
          "2",
          "-dname",
          "CN=localhost",
          "-ext",
          "SAN=dns:localhost,ip:127.0.0.1",
          "-signer",
          CA,
          "-keystore",
          both.toString(),
          "-storepass",
          password);
      KeyStore source = load(both, password);
      char[] secret = password.toCharArray();

      KeyStore server = KeyStore.getInstance("PKCS12");
      server.load(null, null);
      Key key = source.getKey(SERVER, secret);
      Certificate[] chain = source.getCertificateChain(SERVER);
      server.setKeyEntry(SERVER, key, secret, chain);
      Path keyStore = store(server, folder.resolve("server.p12"), password);

      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry(CA, source.getCertificate(CA));
      Path trustStore = store(trust, folder.resolve("truststore.p12"), password);

      Files.delete(both);
      return new TestCertificates(keyStore, trustStore, password);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Cannot make test certificates in " + folder + ": " + e, e);
    }
  }

  /** A password nobody chose: 24 hexadecimal digits. */
  public static String randomPassword() {
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  private static void keytool(String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("keytool " + arguments[0] + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            "keytool " + arguments[0] + " failed (" + process.exitValue() + "): " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("Interrupted while running keytool", e);
    }
  }

  private static KeyStore load(Path file, String password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    return store;
  }

  private static Path store(KeyStore store, Path file, String password)
      throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }
}
