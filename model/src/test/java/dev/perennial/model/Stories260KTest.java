package dev.perennial.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.peft.PeftImport;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.score.Generator;
import dev.perennial.model.score.Scorer;
import dev.perennial.model.tokenizer.SequenceEncoder;
import dev.perennial.model.tokenizer.TextTokenizer;
import dev.perennial.model.train.LoraTrainer;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.TokenizedExample;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.model.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real trained Llama as a foreign base: Karpathy's stories260K (MIT, see {@code
 * src/test/resources/stories260K/README.md}) in Hugging Face layout with its SentencePiece-style
 * BPE {@code tokenizer.json}.
 */
class Stories260KTest {

  /**
   * The greedy sample the fixture's README documents (llama2.c's own decoding from {@code <s>}).
   */
  static final String SAMPLE =
      "Once upon a time, there was a little girl named Lily. She loved to play outside in the"
          + " park. One day, she saw a big, red ball. She wanted to play with it, but it was too"
          + " high.";

  private static final List<TrainingExample> STORY =
      List.of(
          TrainingExample.text("Tom had a blue kite. The kite flew over the big tree."),
          TrainingExample.text("Tom and his dog ran to the tree to get the blue kite."),
          TrainingExample.completion("What color was the kite? It was", " blue."),
          TrainingExample.completion("Who had the kite? It was", " Tom."));

  @TempDir Path folder;

  @Test
  void loadsAsABaseAndGreedyDecodingFromBosGivesTheDocumentedSample() {
    BaseModel base = stories();
    TextTokenizer tokenizer = base.tokenizer();

    assertThat(base.config().numHiddenLayers()).isEqualTo(5);
    assertThat(tokenizer.bosId()).isEqualTo(1);
    assertThat(tokenizer.eosId()).isEqualTo(2);
    try (LanguageModel model = LanguageModel.load(base, Device.cpu())) {
      String story =
          Generator.greedy(model, List.of(""), new Generator.Options(120, false, 1)).get(0);
      assertThat(story).startsWith(SAMPLE);
    }
  }

  @Test
  void promptAndCompletionAreOneTokenizationNotTwo() {
    TextTokenizer tokenizer = stories().tokenizer();

    TokenizedExample example = TokenizedExample.of(STORY.get(2), tokenizer, 64);

    int[] joint = tokenizer.encode("What color was the kite? It was blue.");
    int[] completionAlone = tokenizer.encode(" blue.");
    assertThat(example.tokens()).startsWith(1).endsWith(2).hasSize(joint.length + 2);
    assertThat(java.util.Arrays.copyOfRange(example.tokens(), 1, joint.length + 1))
        .isEqualTo(joint);
    // encoded alone, SentencePiece's leading "▁" would give the completion another first token
    assertThat(completionAlone)
        .isNotEqualTo(
            java.util.Arrays.copyOfRange(
                joint, joint.length - completionAlone.length, joint.length));
    assertThat(example.countedTokens()).isLessThan(example.length() / 2);
  }

  @Test
  void aNonAsciiPromptIsMaskedExactlyOnThisSentencePieceTokenizer() {
    TextTokenizer tokenizer = stories().tokenizer();
    // accented, CJK, and two emoji outside the BMP: the prompt is 2 chars longer in Java's UTF-16
    // than in code points (the tokenizer's offsets), more than the completion's first piece "▁T"
    String prompt = "Où est 東京? 😀👍:";
    String completion = " Très 好 🎉";

    SequenceEncoder.Sequence sequence = SequenceEncoder.completion(tokenizer, prompt, completion);

    int[] joint = tokenizer.encode(prompt + completion);
    int[] promptAlone = tokenizer.encode(prompt);
    // no piece spans the boundary, so the joint tokenization starts with the prompt's own
    assertThat(joint).startsWith(promptAlone);
    // characters outside the 512-piece vocabulary fall back to their UTF-8 bytes (id 3 + byte):
    // 😀 is F0 9F 98 80 and 👍 F0 9F 91 8D in the prompt, 🎉 F0 9F 8E 89 in the completion
    assertThat(promptAlone)
        .containsSubsequence(
            3 + 0xF0, 3 + 0x9F, 3 + 0x98, 3 + 0x80, 3 + 0xF0, 3 + 0x9F, 3 + 0x91, 3 + 0x8D);
    assertThat(joint).endsWith(3 + 0xF0, 3 + 0x9F, 3 + 0x8E, 3 + 0x89);
    int[] expected = new int[joint.length + 2];
    expected[0] = 1;
    System.arraycopy(joint, 0, expected, 1, joint.length);
    expected[expected.length - 1] = 2;
    assertThat(sequence.tokens()).containsExactly(expected);
    // BOS and every prompt token masked (each byte of the emoji too); the completion and EOS count
    boolean[] counted = new boolean[expected.length];
    java.util.Arrays.fill(counted, 1 + promptAlone.length, counted.length, true);
    assertThat(sequence.counted()).containsExactly(counted);
  }

  @Test
  void aTenantsLiteralEndOfSequenceStaysTextOnThisForeignTokenizer() {
    TextTokenizer tokenizer = stories().tokenizer();
    String text = "The kite flew.</s><s> Then it fell.";

    int[] tokens = SequenceEncoder.text(tokenizer, text).tokens();

    // BOS and EOS only where the encoder places them; the rest decodes to the tenant's text
    assertThat(tokens).startsWith(1).endsWith(2);
    int[] inner = java.util.Arrays.copyOfRange(tokens, 1, tokens.length - 1);
    assertThat(inner).doesNotContain(0, 1, 2);
    assertThat(tokenizer.decode(inner)).isEqualTo(text);
    // what the text would have forged, read with the special tokens on
    assertThat(tokenizer.encode(text)).contains(1, 2);
  }

  @Test
  void loraTrainsOnItAndItsPeftFilesRoundTrip() throws IOException {
    BaseModel base = stories();
    LoraConfig lora =
        new LoraConfig(4, 8, 0, EnumSet.of(TargetModule.Q, TargetModule.V, TargetModule.DOWN));
    TrainingRecipe recipe = new TrainingRecipe(30, 4, 1, 1e-2, 3, 0.1, 0.0, 1.0, 64, 0.0, 11, 1);
    double before = meanLoss(base, null);

    // a literal </s> in a tenant's text is text (issue 17), not a refused example
    List<TrainingExample> withLiteralEos = new java.util.ArrayList<>(STORY);
    withLiteralEos.add(TrainingExample.text("Its tokenizer would read </s> as the end."));

    TrainingResult result =
        LoraTrainer.run(
            LoraTrainingRequest.fresh(
                base, withLiteralEos, List.of(), lora, recipe, folder.resolve("a")),
            metrics -> {});

    PeftAdapter adapter = PeftAdapter.read(folder.resolve("a"));
    double after = meanLoss(base, adapter);
    assertThat(result.refusedExamples()).isZero();
    assertThat(result.finalLoss()).isLessThan(result.firstLoss());
    assertThat(after).isLessThan(before * 0.8);
    assertThat(adapter.baseModelDigest()).isEqualTo(base.digest());
    assertThat(adapter.baseModelName()).isEqualTo("stories260K");
    adapter.write(folder.resolve("b"));
    for (String file : List.of(PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE)) {
      assertThat(Files.readAllBytes(folder.resolve("b").resolve(file)))
          .isEqualTo(Files.readAllBytes(folder.resolve("a").resolve(file)));
    }
    assertThat(PeftAdapter.read(folder.resolve("b")).weights().peftTensors())
        .isEqualTo(adapter.weights().peftTensors());
  }

  @Test
  void anAdapterTrainedElsewhereIsImportedExplicitlyCheckedAgainstTheBaseWithItsOrigin()
      throws IOException {
    BaseModel base = stories();
    LoraConfig lora = new LoraConfig(2, 4, 0, EnumSet.of(TargetModule.Q, TargetModule.V));
    // an adapter as PEFT writes it elsewhere: no Perennial digest in its config
    new PeftAdapter(TestModels.randomLora(base.config(), lora, 5), "karpathy/tinyllamas", null)
        .write(folder.resolve("foreign"));
    Path foreign = folder.resolve("foreign");

    assertThatThrownBy(
            () -> LanguageModel.loadAdapter(base, Device.cpu(), PeftAdapter.read(foreign), false))
        .hasMessageContaining("records no perennial_base_model_digest");
    PeftAdapter imported =
        PeftImport.of(
            foreign, "hub:someone/stories-lora", base.name(), base.digest(), base.config());
    imported.write(folder.resolve("imported"));

    PeftAdapter read = PeftAdapter.read(folder.resolve("imported"));
    assertThat(read.baseModelDigest()).isEqualTo(base.digest());
    assertThat(read.origin().source()).isEqualTo("hub:someone/stories-lora");
    assertThat(read.origin().declaredBase()).isEqualTo("karpathy/tinyllamas");
    assertThat(read.origin().fileDigests())
        .containsOnlyKeys(PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE);
    try (LanguageModel model = LanguageModel.loadAdapter(base, Device.cpu(), read, false)) {
      assertThat(model.loraConfig()).isEqualTo(lora);
    }
    // an adapter of another shape does not fit: refused naming the tensor
    new PeftAdapter(TestModels.randomLora(TestModels.tinyLlama(true), lora, 5), "elsewhere", null)
        .write(folder.resolve("misfit"));
    assertThatThrownBy(
            () ->
                PeftImport.of(
                    folder.resolve("misfit"), "misfit", base.name(), base.digest(), base.config()))
        .hasMessageContaining("lora_A");
  }

  private static double meanLoss(BaseModel base, PeftAdapter adapter) {
    try (LanguageModel model =
        adapter == null
            ? LanguageModel.load(base, Device.cpu())
            : LanguageModel.loadAdapter(base, Device.cpu(), adapter, false)) {
      List<ExampleScore> scores = Scorer.score(model, STORY, 4, 64);
      return ExampleScore.meanLoss(scores);
    }
  }

  static BaseModel stories() {
    return BaseModel.open(TestTokenizers.resourceFolder("/stories260K"));
  }
}
