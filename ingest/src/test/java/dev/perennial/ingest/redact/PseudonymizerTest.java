package dev.perennial.ingest.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PseudonymizerTest {

  @Test
  void thePseudonymIsTheHmacSha256OfTenantAndSubject() {
    // Computed independently: printf 'acme/user-1' | openssl dgst -sha256 -hmac '<secret>'
    Pseudonymizer pseudonymizer = new Pseudonymizer("secret-key-for-pseudonyms-0123456789");

    assertThat(pseudonymizer.pseudonym("acme", "user-1"))
        .isEqualTo("bea8fe8f8818686e59cc2f5485ccc40dd2fdd296b4682f79719b9bb245b933c8");
  }

  @Test
  void theSameSubjectGetsTheSamePseudonymAndTenantsAndSecretsSeparateThem() {
    Pseudonymizer one = new Pseudonymizer("secret-one-0123456789abcdef0123456789");
    Pseudonymizer two = new Pseudonymizer("secret-two-0123456789abcdef0123456789");

    assertThat(one.pseudonym("acme", "u")).isEqualTo(one.pseudonym("acme", "u"));
    assertThat(one.pseudonym("acme", "u")).isNotEqualTo(one.pseudonym("globex", "u"));
    assertThat(one.pseudonym("acme", "u")).isNotEqualTo(two.pseudonym("acme", "u"));
  }

  @Test
  void theFingerprintIsTheTruncatedHmacOfAFixedLabel() {
    // Computed independently:
    // printf 'perennial.pseudonym-secret-fingerprint.v1' | openssl dgst -sha256 -hmac '<secret>'
    Pseudonymizer pseudonymizer = new Pseudonymizer("secret-key-for-pseudonyms-0123456789");

    assertThat(pseudonymizer.fingerprint()).isEqualTo("d3e31897a5dce9ff01091ce2a5b6405d");
  }

  @Test
  void theFingerprintTellsSecretsApartAndHoldsNoPartOfTheSecret() {
    String secret = "secret-one-0123456789abcdef0123456789";
    Pseudonymizer one = new Pseudonymizer(secret);
    Pseudonymizer two = new Pseudonymizer("secret-two-0123456789abcdef0123456789");

    assertThat(one.fingerprint()).matches("[0-9a-f]{32}").isEqualTo(one.fingerprint());
    assertThat(one.fingerprint()).isNotEqualTo(two.fingerprint());
    assertThat(secret).doesNotContain(one.fingerprint());
  }

  @Test
  void anEmptySecretIsRefused() {
    assertThatThrownBy(() -> new Pseudonymizer(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret");
  }
}
