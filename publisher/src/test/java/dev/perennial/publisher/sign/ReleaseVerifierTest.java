package dev.perennial.publisher.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.manifest.ManifestFactory;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.release.PurgeNotice;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseExistsException;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.EvaluationVerdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseVerifierTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");

  @TempDir Path folder;

  private final SigningKey signingKey = SigningKey.generate();
  private ReleaseArea area;
  private StoredRelease release;

  @BeforeEach
  void publishOneRelease() {
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("artifacts"));
    area = new ReleaseArea(folder.resolve("releases"));
    area.publishKey(signingKey);
    EvaluationVerdict verdict =
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    SortedMap<String, Digest> files = new TreeMap<>();
    verdict
        .getCandidate()
        .getFileDigests()
        .forEach((name, hex) -> files.put(name, Digest.parse(hex)));
    ReleaseManifest manifest =
        ManifestFactory.create(verdict, KEY, 1, files, signingKey.keyId(), TestVerdicts.AT);
    release = area.write(manifest, store, signingKey);
  }

  private Verification verify() {
    return ReleaseVerifier.withPublishedKeys(area).verify(release.folder(), KEY, 1);
  }

  @Test
  void anUntouchedReleaseVerifies() {
    assertThat(release.folder()).isEqualTo(area.root().resolve("acme/support/v1"));
    assertThat(release.folder())
        .isDirectoryContaining("glob:**/adapter_config.json")
        .isDirectoryContaining("glob:**/adapter_model.safetensors")
        .isDirectoryContaining("glob:**/manifest.json")
        .isDirectoryContaining("glob:**/manifest.sig");
    assertThat(verify().problems()).isEmpty();
    assertThat(
            ReleaseVerifier.withKey(signingKey.publicKey()).verify(release.folder(), KEY, 1).ok())
        .isTrue();
  }

  @Test
  void aTamperedAdapterFileFailsAndIsNamed() throws Exception {
    Path weights = release.folder().resolve("adapter_model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    bytes[100] ^= 1;
    Files.write(weights, bytes);

    Verification verification = verify();

    assertThat(verification.ok()).isFalse();
    assertThat(verification.problems())
        .singleElement()
        .asString()
        .startsWith("adapter_model.safetensors: digest sha256:")
        .contains("the file was changed");
  }

  @Test
  void aTamperedManifestFailsItsSignature() throws Exception {
    Path manifest = release.folder().resolve("manifest.json");
    String text = Files.readString(manifest);
    Files.writeString(manifest, text.replace("\"seed\" : 42", "\"seed\" : 43"));

    Verification verification = verify();

    assertThat(text).contains("\"seed\" : 42");
    assertThat(verification.problems())
        .singleElement()
        .asString()
        .startsWith("manifest.json: the signature in manifest.sig does not verify");
  }

  @Test
  void aManifestReSignedWithAnotherKeyFailsAgainstThePinnedKey() throws Exception {
    SigningKey intruder = SigningKey.generate();
    byte[] manifest = Files.readAllBytes(release.folder().resolve("manifest.json"));
    Files.writeString(
        release.folder().resolve("manifest.sig"),
        Base64.getEncoder().encodeToString(intruder.sign(manifest)));

    Verification pinned =
        ReleaseVerifier.withKey(signingKey.publicKey()).verify(release.folder(), KEY, 1);

    assertThat(pinned.problems()).anyMatch(p -> p.startsWith("manifest.json: the signature"));
  }

  @Test
  void aMissingOrAddedFileIsNamed() throws Exception {
    Files.delete(release.folder().resolve("adapter_config.json"));
    Files.writeString(release.folder().resolve("backdoor.bin"), "x", StandardCharsets.UTF_8);

    assertThat(verify().problems())
        .containsExactly(
            "adapter_config.json: missing", "backdoor.bin: not listed in the manifest");
  }

  @Test
  void anUnreadableFileFailsItsCheckByNameAndTheOtherChecksStillRun() throws Exception {
    Path weights = release.folder().resolve("adapter_model.safetensors");
    Path signature = release.folder().resolve("manifest.sig");
    Files.setPosixFilePermissions(weights, Set.of());
    Files.setPosixFilePermissions(signature, Set.of());
    Files.writeString(release.folder().resolve("backdoor.bin"), "x", StandardCharsets.UTF_8);
    assumeFalse(
        Files.isReadable(weights),
        "this user reads files whatever their permissions (root with CAP_DAC_OVERRIDE): run as"
            + " another user, or under capsh --drop=cap_dac_override,cap_dac_read_search");

    Verification verification = verify();

    assertThat(verification.problems())
        .satisfiesExactly(
            problem -> assertThat(problem).startsWith("manifest.sig: cannot be read: "),
            problem ->
                assertThat(problem).startsWith("adapter_model.safetensors: cannot be read: "),
            problem -> assertThat(problem).isEqualTo("backdoor.bin: not listed in the manifest"));
  }

  @Test
  void aSymbolicLinkFailsEvenToAFileWithTheRightBytes() throws Exception {
    // A link resolves where the reader stands: in a serving stack's mount it may name other bytes.
    Path weights = release.folder().resolve("adapter_model.safetensors");
    Path elsewhere = Files.copy(weights, folder.resolve("elsewhere.safetensors"));
    Files.delete(weights);
    Files.createSymbolicLink(weights, elsewhere);

    assertThat(verify().problems())
        .containsExactly("adapter_model.safetensors: a symbolic link, which a release never holds");
  }

  @Test
  void aReleaseFolderThatIsASymbolicLinkFails() throws Exception {
    Path moved = Files.move(release.folder(), folder.resolve("outside-v1"));
    Files.createSymbolicLink(release.folder(), moved);

    assertThat(verify().problems())
        .containsExactly("acme/support/v1: a symbolic link, which a release never holds");
  }

  @Test
  void aCachedCheckIsRedoneWhenAFileIsChangedAndItsTimeSetBack() throws Exception {
    IntegrityChecks checks = new IntegrityChecks(ReleaseVerifier.withPublishedKeys(area));
    Path weights = release.folder().resolve("adapter_model.safetensors");
    FileTime written = Files.getLastModifiedTime(weights);
    assertThat(checks.check(release).ok()).isTrue();

    byte[] bytes = Files.readAllBytes(weights);
    bytes[100] ^= 1;
    Files.write(weights, bytes);
    Files.setLastModifiedTime(weights, written);

    assertThat(checks.check(release).problems())
        .singleElement()
        .asString()
        .startsWith("adapter_model.safetensors: digest sha256:");
  }

  private PurgeNotice purgeNotice() {
    return PurgeNotice.of(
        KEY,
        1,
        Map.of(
            "adapter_model.safetensors",
            release.manifest().files().get("adapter_model.safetensors")),
        signingKey.keyId(),
        TestVerdicts.AT);
  }

  @Test
  void aReleaseWhoseWeightsWerePurgedUnderASignedNoticeVerifies() {
    List<String> deleted = area.purge(release, purgeNotice(), signingKey);

    assertThat(deleted).containsExactly("adapter_model.safetensors");
    assertThat(release.folder())
        .isDirectoryContaining("glob:**/manifest.json")
        .isDirectoryContaining("glob:**/manifest.sig")
        .isDirectoryContaining("glob:**/adapter_config.json")
        .isDirectoryNotContaining("glob:**/adapter_model.safetensors");
    assertThat(verify().problems()).isEmpty();
    assertThat(
            ReleaseVerifier.withKey(signingKey.publicKey()).verify(release.folder(), KEY, 1).ok())
        .isTrue();
  }

  @Test
  void aPurgeNoticeSignedByAnotherKeyExcusesNoMissingFile() throws Exception {
    SigningKey intruder = SigningKey.generate();
    area.purge(release, purgeNotice(), intruder);

    assertThat(verify().problems())
        .anyMatch(p -> p.startsWith("purged.json: the signature in purged.sig does not verify"))
        .contains("adapter_model.safetensors: missing");
  }

  @Test
  void aPurgeNoticeCannotExcuseAFileOtherThanTheManifestLists() {
    PurgeNotice forged =
        PurgeNotice.of(
            KEY,
            1,
            Map.of("adapter_model.safetensors", Digest.of(new byte[] {1})),
            signingKey.keyId(),
            TestVerdicts.AT);
    area.purge(release, forged, signingKey);

    assertThat(verify().problems())
        .anyMatch(p -> p.startsWith("purged.json: names adapter_model.safetensors as"))
        .contains("adapter_model.safetensors: missing");
  }

  @Test
  void weightsPutBackIntoAPurgedFolderFailAsTheNoticeSaysTheyWereDeleted() throws Exception {
    // An erasure purged them: a copy restored from a backup serves the erased data again.
    Path weights = release.folder().resolve("adapter_model.safetensors");
    byte[] erased = Files.readAllBytes(weights);
    area.purge(release, purgeNotice(), signingKey);
    Files.write(weights, erased);

    assertThat(verify().problems())
        .containsExactly(
            "adapter_model.safetensors: present, but purged.json says it was deleted (the"
                + " release was retracted and its weights purged)");
  }

  @Test
  void aCachedCheckIsRedoneWhenTheTenantsFolderBecomesASymbolicLink() throws Exception {
    IntegrityChecks checks = new IntegrityChecks(ReleaseVerifier.withPublishedKeys(area));
    assertThat(checks.check(release).ok()).isTrue();

    // The same files, by inode and change time, now reached through a link.
    Path tenant = area.root().resolve("acme");
    Path moved = Files.move(tenant, folder.resolve("outside-acme"));
    Files.createSymbolicLink(tenant, moved);

    assertThat(checks.check(release).problems())
        .containsExactly("acme: a symbolic link, which a release never holds");
  }

  @Test
  void aManifestReadWhileTamperedIsNotServedOnceTheSignedOneIsPutBack() throws Exception {
    // A restart reads the area's manifests into the registry, which the read API serves from.
    Path file = release.folder().resolve("manifest.json");
    byte[] signed = Files.readAllBytes(file);
    String location = release.manifest().artifactLocation();
    String elsewhere = Digest.of(new byte[] {7}).toString();
    Files.writeString(
        file, new String(signed, StandardCharsets.UTF_8).replace(location, elsewhere));
    StoredRelease read = area.scan(false).releases().get(KEY).get(1);
    Files.write(file, signed);

    assertThat(read.manifest().artifactLocation()).isEqualTo(elsewhere);
    assertThat(new IntegrityChecks(ReleaseVerifier.withPublishedKeys(area)).check(read).problems())
        .singleElement()
        .asString()
        .startsWith("manifest.json: the publisher holds another manifest for this release");
  }

  @Test
  void thePublisherNeitherWritesNorDeletesThroughALinkOutOfTheArea() throws Exception {
    Path outside = Files.move(release.folder().getParent(), folder.resolve("outside"));
    Files.createSymbolicLink(release.folder().getParent(), outside);
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("artifacts"));
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(release.manifest().bytes());
    ReleaseManifest v2 = ReleaseManifest.parse(Json.bytes(tree.put("version", 2)));

    assertThatThrownBy(() -> area.purge(release, purgeNotice(), signingKey))
        .hasMessageContaining("acme/support is a symbolic link");
    assertThatThrownBy(() -> area.write(v2, store, signingKey))
        .hasMessageContaining("acme/support is a symbolic link");
    assertThat(outside.resolve("v1/adapter_model.safetensors")).exists();
    assertThat(outside.resolve("v1/purged.json")).doesNotExist();
    assertThat(outside.resolve("v2")).doesNotExist();
  }

  @Test
  void aPublishedVersionIsNeverOverwritten() {
    ReleaseManifest again = release.manifest();
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("artifacts"));

    assertThatThrownBy(() -> area.write(again, store, signingKey))
        .isInstanceOf(ReleaseExistsException.class)
        .hasMessageContaining("acme/support/v1");
  }

  @Test
  void aScanFindsTheReleaseAndRemovesStagingLeftovers() throws Exception {
    Path leftover = Files.createDirectories(area.root().resolve("acme/support/.staging-v2-x"));
    Files.writeString(leftover.resolve("adapter_config.json"), "{}");

    ReleaseArea.Scan readOnly = area.scan(false);
    ReleaseArea.Scan cleaning = area.scan(true);

    assertThat(readOnly.releases().get(KEY)).containsOnlyKeys(1);
    assertThat(cleaning.highestFolder()).containsEntry(KEY, 1);
    assertThat(leftover).doesNotExist();
    assertThat(area.publishedKey(signingKey.keyId())).isPresent();
    assertThat(area.currentKey().getEncoded()).isEqualTo(signingKey.publicKey().getEncoded());
  }
}
