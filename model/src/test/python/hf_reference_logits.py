"""Reference logits for HfReferenceTest, computed independently of Perennial's Java decoder.

Reads a Hugging Face model folder (config.json + model.safetensors, F32) and runs the forward pass
of transformers' LlamaForCausalLM / Qwen2ForCausalLM written out in plain PyTorch, following
modeling_llama.py: RMSNorm in float32, rotate-half rotary embeddings (with llama3 rope scaling),
repeat_kv for grouped-query attention, causal softmax attention, SwiGLU MLP, tied or separate head.

    python3 hf_reference_logits.py FOLDER TOKENS_JSON > expected_logits.json

Needs only torch and numpy (Debian: python3-torch python3-numpy); run once to make the fixture.
"""
import json
import math
import struct
import sys

import numpy as np
import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", name
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def inverse_frequencies(config, head_dim):
    base = config.get("rope_theta", 10000.0)
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    scaling = config.get("rope_scaling")
    if scaling and scaling.get("rope_type", scaling.get("type")) == "llama3":
        factor = scaling["factor"]
        low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
        old = scaling["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv_freq
        llama = torch.where(wavelen > low_wavelen, inv_freq / factor, inv_freq)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * llama / factor + smooth * llama
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        inv_freq = torch.where(medium, smoothed, llama)
    return inv_freq


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def linear(x, w, name, t):
    b = t.get(name + ".bias")
    return torch.nn.functional.linear(x, w, b)


def forward(config, t, ids):
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads", heads)
    head_dim = config.get("head_dim", hidden // heads)
    eps = config["rms_norm_eps"]
    batch, length = ids.shape
    x = t["model.embed_tokens.weight"][ids]
    inv_freq = inverse_frequencies(config, head_dim)
    positions = torch.arange(length).float()[None, :].expand(batch, -1)
    freqs = (inv_freq[None, :, None] @ positions[:, None, :]).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]
    mask = torch.full((length, length), float("-inf")).triu(1)
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, t[p + "input_layernorm.weight"], eps)
        q = linear(h, t[p + "self_attn.q_proj.weight"], p + "self_attn.q_proj", t)
        k = linear(h, t[p + "self_attn.k_proj.weight"], p + "self_attn.k_proj", t)
        v = linear(h, t[p + "self_attn.v_proj.weight"], p + "self_attn.v_proj", t)
        q = q.view(batch, length, heads, head_dim).transpose(1, 2)
        k = k.view(batch, length, kv_heads, head_dim).transpose(1, 2)
        v = v.view(batch, length, kv_heads, head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        groups = heads // kv_heads
        k = k[:, :, None].expand(batch, kv_heads, groups, length, head_dim).reshape(batch, heads, length, head_dim)
        v = v[:, :, None].expand(batch, kv_heads, groups, length, head_dim).reshape(batch, heads, length, head_dim)
        scores = q @ k.transpose(2, 3) / math.sqrt(head_dim) + mask
        attn = torch.softmax(scores.float(), dim=-1) @ v
        attn = attn.transpose(1, 2).reshape(batch, length, heads * head_dim)
        x = x + linear(attn, t[p + "self_attn.o_proj.weight"], p + "self_attn.o_proj", t)
        h = rms_norm(x, t[p + "post_attention_layernorm.weight"], eps)
        gate = linear(h, t[p + "mlp.gate_proj.weight"], p + "mlp.gate_proj", t)
        up = linear(h, t[p + "mlp.up_proj.weight"], p + "mlp.up_proj", t)
        x = x + linear(torch.nn.functional.silu(gate) * up, t[p + "mlp.down_proj.weight"], p + "mlp.down_proj", t)
    x = rms_norm(x, t["model.norm.weight"], eps)
    head = t["model.embed_tokens.weight"] if config.get("tie_word_embeddings") else t["lm_head.weight"]
    return x @ head.T


def main():
    folder, tokens_file = sys.argv[1], sys.argv[2]
    config = json.load(open(f"{folder}/config.json"))
    tensors = read_safetensors(f"{folder}/model.safetensors")
    ids = torch.tensor(json.load(open(tokens_file)))
    with torch.no_grad():
        logits = forward(config, tensors, ids)
    json.dump({"shape": list(logits.shape), "logits": [float(v) for v in logits.flatten()]}, sys.stdout)


if __name__ == "__main__":
    main()
