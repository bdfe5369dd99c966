"""A tiny random llama GGUF with a byte-level BPE tokenizer and a chat template, for tests."""

import os
from pathlib import Path

import numpy as np

FILENAME = "synthetic-llama.gguf"
SEED = 1234
N_EMBD = 64
N_LAYER = 2
N_HEAD = 4
N_FF = 128
N_CTX_TRAIN = 4096

BOS, EOS, TURN = "<|begin|>", "<|end|>", "<|turn|>"
# Custom markers keep the template unlike every built-in format, so llama-cpp-python uses
# it as is ("chat_template.default") and prompt token counts can be reproduced exactly.
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    + TURN
    + "{{ message['role'] }}\n{{ message['content'] }}{{ eos_token }}\n"
    "{% endfor %}{% if add_generation_prompt %}" + TURN + "assistant\n{% endif %}"
)
# Word pieces merged in this order; each intermediate result becomes a token too.
_WORDS = ["Ġthe", "Ġand", "ing", "er", "Ġa", "Ġi", "on", "re", 'Ġ"', '":', '",', "Ġ{", "Ġ}"]

# Logit offsets carried by a constant embedding dimension (see _weights).
_SUPPRESS = -40.0  # never sampled: raw high bytes, controls, specials
_EOS_BIAS = -5.0  # about one stop per ~15k tokens: reachable, yet long answers run long


def _byte_chars() -> list[str]:
    """GPT-2's byte -> printable-character map, indexed by byte value."""
    keep = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return [chars[b] for b in range(256)]


def _vocab() -> tuple[list[str], list[int], list[str], dict[str, int]]:
    """Tokens, token types, merges, and special ids; every merge result is itself a token."""
    tokens = _byte_chars()
    merges: list[str] = []
    for word in _WORDS:
        # Left-to-right merges: "Ġthe" -> Ġ+t, Ġt+h, Ġth+e; ids stay unique.
        left = word[0]
        for ch in word[1:]:
            if left + ch not in tokens:
                merges.append(f"{left} {ch}")
                tokens.append(left + ch)
            left += ch
    types = [1] * len(tokens)
    specials = {}
    for name in (BOS, EOS, TURN):
        specials[name] = len(tokens)
        tokens.append(name)
        types.append(3)  # CONTROL: matched only when tokenizing with special=True
    return tokens, types, merges, specials


def _weights(n_vocab: int, suppressed: list[int], eos: int) -> dict[str, np.ndarray]:
    """Random weights; embedding dim 0 is a constant no layer writes to, acting as a logit bias."""
    rng = np.random.default_rng(SEED)

    def normal(*shape: int, scale: float) -> np.ndarray:
        return rng.normal(0.0, scale, size=shape).astype(np.float32)

    embd = normal(n_vocab, N_EMBD, scale=1.0)
    embd[:, 0] = 4.0
    w: dict[str, np.ndarray] = {"token_embd.weight": embd}
    for i in range(N_LAYER):
        p = f"blk.{i}."
        w[p + "attn_norm.weight"] = np.ones(N_EMBD, np.float32)
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            w[p + name + ".weight"] = normal(N_EMBD, N_EMBD, scale=N_EMBD**-0.5)
        w[p + "ffn_norm.weight"] = np.ones(N_EMBD, np.float32)
        w[p + "ffn_gate.weight"] = normal(N_FF, N_EMBD, scale=N_EMBD**-0.5)
        w[p + "ffn_up.weight"] = normal(N_FF, N_EMBD, scale=N_EMBD**-0.5)
        w[p + "ffn_down.weight"] = normal(N_EMBD, N_FF, scale=N_FF**-0.5)
        # Rows are output features: keep residual dim 0 constant through every layer.
        w[p + "attn_output.weight"][0, :] = 0.0
        w[p + "ffn_down.weight"][0, :] = 0.0
    w["output_norm.weight"] = np.ones(N_EMBD, np.float32)
    out = normal(n_vocab, N_EMBD, scale=0.3)
    # After RMS norm dim 0 is about 3.5, so column 0 adds roughly 3.5 * bias_weight.
    out[:, 0] = 0.0
    out[suppressed, 0] = _SUPPRESS / 3.5
    out[eos, 0] = _EOS_BIAS / 3.5
    w["output.weight"] = out
    return w


def write(dest: Path) -> Path:
    """Write `dest/synthetic-llama.gguf` (deterministic, ~0.5 MB) and return its path."""
    import gguf  # dev-only dependency: imported here so the package imports without it

    dest.mkdir(parents=True, exist_ok=True)
    path = dest / FILENAME
    tokens, types, merges, specials = _vocab()
    # Raw high bytes would emit partial UTF-8 the streamer holds back (overrunning
    # max_tokens); control bytes would put NUL and friends into PostgreSQL text.
    bad_bytes = [*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0x100)]
    suppressed = [*bad_bytes, specials[BOS], specials[TURN]]
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    writer = gguf.GGUFWriter(tmp, arch="llama")
    writer.add_context_length(N_CTX_TRAIN)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYER)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD)
    writer.add_rope_dimension_count(N_EMBD // N_HEAD)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_vocab_size(len(tokens))
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(specials[BOS])
    writer.add_eos_token_id(specials[EOS])
    writer.add_add_bos_token(False)  # the template writes bos itself
    writer.add_chat_template(CHAT_TEMPLATE)
    for name, tensor in _weights(len(tokens), suppressed, specials[EOS]).items():
        writer.add_tensor(name, tensor)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.replace(path)  # atomic: a concurrent reader never sees a half-written file
    return path
