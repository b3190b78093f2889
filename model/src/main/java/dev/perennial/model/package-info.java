/**
 * Perennial's model layer on DJL with the PyTorch engine: a Llama-family decoder ({@code llama}),
 * LoRA ({@code lora}), Hugging Face checkpoints ({@code checkpoint}), PEFT adapter folders ({@code
 * peft}), tokenizers ({@code tokenizer}), training ({@code train}), scoring and generation ({@code
 * score}), the synthetic world ({@code world}), the bundled base {@code perennial-tiny} ({@code
 * tiny}) and the model benchmark ({@code bench}).
 */
package dev.perennial.model;
