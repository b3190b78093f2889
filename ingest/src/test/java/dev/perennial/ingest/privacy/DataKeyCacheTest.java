package dev.perennial.ingest.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class DataKeyCacheTest {

  private final List<String> unwrapped = new ArrayList<>();
  private final Function<String, SecretKey> unwrap =
      id -> {
        unwrapped.add(id);
        return new SecretKeySpec(
            (id + "-0123456789abcdef0123456789abcdef")
                .substring(0, 32)
                .getBytes(StandardCharsets.UTF_8),
            "AES");
      };

  @Test
  void unwrapsEachKeyOnceWhileItIsHeld() {
    DataKeyCache cache = new DataKeyCache(2);

    SecretKey first = cache.get("dk-1", unwrap);
    SecretKey again = cache.get("dk-1", unwrap);

    assertThat(again).isSameAs(first);
    assertThat(unwrapped).containsExactly("dk-1");
  }

  @Test
  void letsTheLeastRecentlyUsedKeyGoWhenFull() {
    DataKeyCache cache = new DataKeyCache(2);
    cache.get("dk-1", unwrap);
    cache.get("dk-2", unwrap);
    cache.get("dk-1", unwrap);

    cache.get("dk-3", unwrap);
    cache.get("dk-1", unwrap);
    cache.get("dk-2", unwrap);

    assertThat(cache.size()).isEqualTo(2);
    assertThat(unwrapped).containsExactly("dk-1", "dk-2", "dk-3", "dk-2");
  }

  @Test
  void holdsAKeyJustMadeWithoutUnwrappingIt() {
    DataKeyCache cache = new DataKeyCache(2);
    SecretKey made = unwrap.apply("dk-9");
    unwrapped.clear();

    cache.put("dk-9", made);

    assertThat(cache.get("dk-9", unwrap)).isSameAs(made);
    assertThat(unwrapped).isEmpty();
  }

  @Test
  void unwrapsAnEvictedKeyAgainWhenItIsAskedFor() {
    DataKeyCache cache = new DataKeyCache(2);
    cache.get("dk-1", unwrap);

    cache.evict("dk-1");

    assertThat(cache.holds("dk-1")).isFalse();
    cache.get("dk-1", unwrap);
    assertThat(unwrapped).containsExactly("dk-1", "dk-1");
  }

  @Test
  void refusesACapacityBelowOne() {
    assertThatThrownBy(() -> new DataKeyCache(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
