package dev.perennial.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardingArtifactStoreTest {

  @TempDir Path folder;

  @Test
  void everyMethodOfTheArtifactStoreIsForwardedItsDefaultsToo() {
    List<String> notForwarded =
        Arrays.stream(ArtifactStore.class.getMethods())
            .filter(method -> !Modifier.isStatic(method.getModifiers()))
            .filter(method -> !declaredByForwardingStore(method))
            .map(Method::toString)
            .toList();

    assertThat(notForwarded).isEmpty();
  }

  @Test
  void aWrapperThatOverridesNothingReadsAndWritesTheStoreUnderneath() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    ArtifactStore forwarding = new ForwardingArtifactStore(store) {};
    byte[] first = "first".getBytes(StandardCharsets.UTF_8);
    byte[] second = "second".getBytes(StandardCharsets.UTF_8);
    byte[] third = "third".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(folder.resolve("third"), third);

    Digest a = forwarding.put(first);
    Digest b = forwarding.put(new ByteArrayInputStream(second));
    Digest c = forwarding.putFile(file);

    assertThat(store.list()).containsExactlyInAnyOrder(a, b, c);
    assertThat(forwarding.list()).isEqualTo(store.list());
    assertThat(forwarding.read(a)).isEqualTo(first);
    try (InputStream in = forwarding.open(b)) {
      assertThat(in.readAllBytes()).isEqualTo(second);
    }
    Path copy = folder.resolve("copy");
    forwarding.copyTo(c, copy);
    assertThat(Files.readAllBytes(copy)).isEqualTo(third);
    assertThat(forwarding.exists(a)).isTrue();
    assertThat(forwarding.size(b)).isEqualTo(second.length);

    assertThat(forwarding.delete(a)).isTrue();

    assertThat(store.exists(a)).isFalse();
    assertThat(forwarding.isGone(a)).isTrue();
    assertThat(forwarding.isGone(b)).isFalse();
  }

  private static boolean declaredByForwardingStore(Method method) {
    try {
      ForwardingArtifactStore.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
