package dev.perennial.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FoldersTest {

  @Test
  void aSafeNameKeepsPlainCharactersAndEscapesEveryOtherByte() {
    assertThat(Folders.safeName("acme/support@1-3f2a")).isEqualTo("acme~2Fsupport~401-3f2a");
    assertThat(Folders.safeName("v1.2_x")).isEqualTo("v1.2_x");
    assertThat(Folders.safeName("é")).isEqualTo("~C3~A9");
  }

  @Test
  void aSafeNameNeverLeavesTheFolderItIsResolvedAgainst() {
    Path root = Path.of("/work");
    for (String name : new String[] {"", ".", "..", "../x", "/etc", "a/../.."}) {
      Path resolved = root.resolve(Folders.safeName(name)).normalize();
      assertThat(resolved.getParent()).as(name).isEqualTo(root);
    }
  }

  @Test
  void distinctNamesStayDistinct() {
    assertThat(Folders.safeName("a/b")).isNotEqualTo(Folders.safeName("a_b"));
    assertThat(Folders.safeName("..")).isNotEqualTo(Folders.safeName("."));
  }
}
