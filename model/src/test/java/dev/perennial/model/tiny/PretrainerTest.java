package dev.perennial.model.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HfCheckpoint;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.EngineSetup;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.model.world.World;
import dev.perennial.model.world.WorldSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pretraining reproduces its weights: a short run stands in for the full one (which takes about 20
 * minutes on two cores; see {@link TinyModel#settings()}).
 */
class PretrainerTest {

  @TempDir Path folder;

  private final PretrainSettings settings =
      new PretrainSettings(
          TestModels.tinyLlama(true),
          World.STANDARD_SEED,
          WorldSize.small(),
          5,
          new TrainingRecipe(8, 4, 2, 3e-3, 2, 0.1, 0.01, 1.0, 48, 0, 11, 1));

  @Test
  void theSameSettingsAndThreadCountReproduceTheDigest() throws IOException {
    PretrainResult first =
        Pretrainer.run(settings, folder.resolve("a"), DeviceChoice.CPU, false, metrics -> {});
    PretrainResult second =
        Pretrainer.run(settings, folder.resolve("b"), DeviceChoice.CPU, false, metrics -> {});
    PretrainResult reseeded =
        Pretrainer.run(
            new PretrainSettings(
                settings.config(),
                settings.worldSeed(),
                settings.worldSize(),
                6,
                settings.recipe()),
            folder.resolve("c"),
            DeviceChoice.CPU,
            false,
            metrics -> {});

    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(Files.readAllBytes(folder.resolve("b").resolve(HfCheckpoint.WEIGHTS)))
        .isEqualTo(Files.readAllBytes(folder.resolve("a").resolve(HfCheckpoint.WEIGHTS)));
    assertThat(reseeded.digest()).isNotEqualTo(first.digest());
    assertThat(first.steps()).hasSize(8);
    assertThat(first.tokens()).isEqualTo(8L * 2 * 4 * 48);
    assertThat(first.finalLoss()).isLessThan(first.steps().get(0).loss());
  }

  @Test
  void thePretrainedFolderIsACompleteBaseModel() throws IOException {
    PretrainResult result =
        Pretrainer.run(settings.withSteps(2), folder, DeviceChoice.CPU, false, metrics -> {});

    BaseModel base = BaseModel.open(folder, TinyModel.NAME);
    assertThat(base.digest()).isEqualTo(result.digest());
    assertThat(base.tokenizer()).isInstanceOf(ByteTokenizer.class);
    assertThat(base.config()).isEqualTo(settings.config());
    assertThat(Files.readAllLines(folder.resolve(Pretrainer.GENERAL_EVALUATION)))
        .hasSize(World.generate(World.STANDARD_SEED, WorldSize.small()).facts().size());
    assertThat(Files.readString(folder.resolve(Pretrainer.GENERAL_REPLAY))).contains("\"text\"");
    assertThat(Files.readString(folder.resolve(Pretrainer.RECORD)))
        .contains(result.digest())
        .contains("\"threads\" : 1");
  }

  @Test
  void theRecordSaysWhatTheBitsDependOnBesidesTheSettings() throws IOException {
    Pretrainer.run(settings.withSteps(1), folder, DeviceChoice.CPU, false, metrics -> {});

    JsonNode record = new ObjectMapper().readTree(folder.resolve(Pretrainer.RECORD).toFile());
    EngineSetup here = EngineSetup.current();
    JsonNode engine = record.path("engine");
    assertThat(record.path("device").asText()).isEqualTo("cpu()");
    assertThat(engine.path("djl_version").asText()).isEqualTo(here.djlVersion());
    assertThat(engine.path("pytorch_version").asText()).isEqualTo(here.pytorchVersion());
    assertThat(engine.path("native_library").asText()).isEqualTo(here.nativeLibrary());
    assertThat(engine.path("intra_op_threads").asInt())
        .as("the recipe's thread count, set before the engine setup is recorded")
        .isEqualTo(settings.recipe().threads());
    assertThat(engine.path("inter_op_threads").asInt()).isEqualTo(here.interOpThreads());
    assertThat(engine.path("cpu_model").asText()).isEqualTo(here.cpuModel());
    assertThat(engine.path("cpu_flags"))
        .extracting(JsonNode::asText)
        .containsExactlyElementsOf(here.cpuFlags());
    assertThat(engine.path("aten_cpu_capability").asText()).isEqualTo(here.atenCpuCapability());
    for (String variable : EngineSetup.PINNING_VARIABLES) {
      assertThat(engine.path("environment").has(variable)).as(variable).isTrue();
      assertThat(engine.path("environment").path(variable).textValue())
          .as(variable)
          .isEqualTo(System.getenv(variable));
    }
  }
}
