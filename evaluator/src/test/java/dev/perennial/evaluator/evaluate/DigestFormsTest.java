package dev.perennial.evaluator.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.checkpoint.Digests;
import dev.perennial.schemas.release.StableRelease;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Model keeps its own copy of schemas' digest rule (model sees neither schemas nor core): the
 * evaluator compares digests with both, so the two must agree on every form a record may hold.
 */
class DigestFormsTest {

  @Test
  void modelAndSchemasReadEveryFormOfADigestAlike() {
    String hex = "ab".repeat(32);
    List<String> forms =
        Arrays.asList(
            "sha256:" + hex,
            hex,
            "SHA256:" + hex.toUpperCase(Locale.ROOT),
            " sha256:" + hex + "\n",
            "sha256:",
            "",
            "   ",
            null,
            "../not-a-digest");

    for (String form : forms) {
      assertThat(Digests.normalized(form))
          .as(String.valueOf(form))
          .isEqualTo(StableRelease.normalized(form));
    }
    assertThat(Digests.normalized("SHA256:" + hex.toUpperCase(Locale.ROOT))).isEqualTo(hex);
  }
}
