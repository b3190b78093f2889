package dev.perennial.publisher.release;

import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.schemas.key.AdapterKey;
import java.nio.file.Path;

/** A release folder of the release area and its manifest. */
public record StoredRelease(AdapterKey key, int version, Path folder, ReleaseManifest manifest) {}
