package dev.perennial.trainer.testing;

import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.model.peft.PeftAdapter;
import java.nio.file.Path;

/** Adapters "trained elsewhere", made from ones Perennial trained, for import tests. */
public final class ForeignAdapters {

  private ForeignAdapters() {}

  /**
   * The adapter stored at {@code location} as another platform would hand it over: PEFT's files in
   * {@code folder}, naming {@code declaredBase} and without Perennial's base digest.
   */
  public static Path of(
      ArtifactStore store, Path storeRoot, String location, String declaredBase, Path folder) {
    Path trained =
        FolderIndex.materialize(
            store, storeRoot, location, folder.resolveSibling(folder.getFileName() + "-trained"));
    new PeftAdapter(PeftAdapter.read(trained).weights(), declaredBase, null).write(folder);
    return folder;
  }
}
