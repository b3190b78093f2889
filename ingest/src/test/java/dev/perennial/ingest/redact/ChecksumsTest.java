package dev.perennial.ingest.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChecksumsTest {

  @Test
  void luhnAcceptsValidCardNumbersAndRejectsOneDigitOff() {
    assertThat(Checksums.luhn("4111111111111111")).isTrue();
    assertThat(Checksums.luhn("79927398713")).isTrue();
    assertThat(Checksums.luhn("79927398710")).isFalse();
    assertThat(Checksums.luhn("4111111111111121")).isFalse();
    assertThat(Checksums.luhn("4111x11111111111")).isFalse();
  }

  @Test
  void ibanChecksumIsModulo97() {
    assertThat(Checksums.iban("DE89370400440532013000")).isTrue();
    assertThat(Checksums.iban("GB82WEST12345698765432")).isTrue();
    assertThat(Checksums.iban("GB83WEST12345698765432")).isFalse();
    assertThat(Checksums.iban("DE8937040044")).as("too short").isFalse();
    assertThat(Checksums.iban("de89370400440532013000")).as("lower case").isFalse();
  }

  @Test
  void ipv4NeedsFourNumbersUpTo255() {
    assertThat(Checksums.ipv4("0.0.0.0")).isTrue();
    assertThat(Checksums.ipv4("255.255.255.255")).isTrue();
    assertThat(Checksums.ipv4("256.1.1.1")).isFalse();
    assertThat(Checksums.ipv4("1.2.3")).isFalse();
    assertThat(Checksums.ipv4("1.2.3.x")).isFalse();
  }

  @Test
  void ipv6NeedsEightGroupsOrOneCompression() {
    assertThat(Checksums.ipv6("2001:db8:0:0:0:0:2:1")).isTrue();
    assertThat(Checksums.ipv6("2001:db8::2:1")).isTrue();
    assertThat(Checksums.ipv6("::")).isTrue();
    assertThat(Checksums.ipv6("::ffff:10.0.0.1")).isTrue();
    assertThat(Checksums.ipv6("1:2:3:4:5:6:10.0.0.1")).isTrue();
    assertThat(Checksums.ipv6("2001:db8:0:0:0:0:2")).as("seven groups").isFalse();
    assertThat(Checksums.ipv6("1::2::3")).as("two compressions").isFalse();
    assertThat(Checksums.ipv6("10:30:00")).isFalse();
    assertThat(Checksums.ipv6("12345::1")).as("five hex digits").isFalse();
    assertThat(Checksums.ipv6("::10.0.0.1:1")).as("IPv4 not last").isFalse();
  }
}
