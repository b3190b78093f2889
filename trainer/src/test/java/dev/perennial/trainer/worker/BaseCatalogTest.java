package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.files.Folders;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.trainer.testing.TestBase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseCatalogTest {

  @TempDir Path folder;

  @Test
  void aLocationWhoseFilesAreFixedAfterARefusalIsOpenedAgainForTheNextJob() {
    BaseCatalog catalog =
        new BaseCatalog(
            BaseModelSource.at(TestBase.write(folder.resolve("own")).toString(), "own"));
    Path announced = TestBase.write(folder.resolve("announced"), TestBase.config(), 8);
    BaseRef successor =
        new BaseRef(
            "successor",
            BaseModel.open(announced, "successor").digest(),
            folder.resolve("successor").toString());
    // the worker's copy of the successor is another model than the one announced
    TestBase.write(folder.resolve("successor"), TestBase.config(), 9);
    assertThatThrownBy(() -> catalog.open(successor))
        .isInstanceOfSatisfying(
            JobSkippedException.class,
            e -> assertThat(e.reason()).isEqualTo(JobSkippedException.Reason.REFUSED))
        .hasMessageContaining("not the announced");

    // the operator copies the announced files there and announces the base again
    Folders.deleteRecursively(folder.resolve("successor"));
    TestBase.write(folder.resolve("successor"), TestBase.config(), 8);

    assertThat(catalog.open(successor).base().digest()).isEqualTo(successor.getDigest());
  }
}
