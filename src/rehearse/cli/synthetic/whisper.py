"""A tiny random multilingual Whisper in CTranslate2 format that faster-whisper loads offline."""

import json
import tempfile
from pathlib import Path

FOLDER = "synthetic-whisper"
SEED = 1234
D_MODEL = 64
HEADS = 4
FFN = 256
VOCAB = 51865
N_MELS = 80
EOT, SOT, TIMESTAMP_BEGIN = 50257, 50258, 50364
# The decoder is wired as a bigram chain (see _wire) so every window decodes to
# "<|0.00|> synthetic speech <|endoftext|>" whatever the audio: fast, deterministic, one segment.
WORDS = ("Ġsynthetic", "Ġspeech")
DETECTED_LANGUAGE = "ko"
_SCALE = 3.0  # embedding norm of chained tokens: logit ~ 8 * _SCALE, far above random ones
_GAIN = 4.0  # FFN gain mapping one chain direction to the next, dominating the residual


def _specials() -> list[str]:
    """Multilingual Whisper's special tokens from id 50257, in the original order."""
    from transformers.models.whisper.tokenization_whisper import LANGUAGES

    languages = [f"<|{code}|>" for code in list(LANGUAGES)[:99]]
    named = ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>"]
    named += ["<|nospeech|>", "<|notimestamps|>"]
    stamps = [f"<|{i * 0.02:.2f}|>" for i in range(1501)]
    return ["<|endoftext|>", "<|startoftranscript|>", *languages, *named, *stamps]


def _byte_chars() -> list[str]:
    """GPT-2's byte -> printable-character map, indexed by byte value."""
    keep = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    extra = iter(range(256, 512))
    return [chr(b) if b in keep else chr(next(extra)) for b in range(256)]


def vocabulary() -> list[str]:
    """All 51865 tokens by id; "" at 50256 is what makes ctranslate2 see a multilingual model."""
    regular = [*_byte_chars(), *WORDS]
    regular += [f"Ġt{i}" for i in range(50256 - len(regular))]
    tokens = [*regular, "", *_specials()]
    assert len(tokens) == VOCAB and tokens[TIMESTAMP_BEGIN] == "<|0.00|>"
    return tokens


def _tokenizer_json(tokens: list[str]) -> dict:
    """A byte-level BPE tokenizer.json (no merges: text encodes to bytes, ids decode to text)."""
    byte_level = {"add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    added = [
        {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False}
        | {"normalized": False, "special": True}
        for i, t in enumerate(tokens)
        if i >= EOT
    ]
    model = {"type": "BPE", "dropout": None, "unk_token": None, "fuse_unk": False}
    model |= {"continuing_subword_prefix": None, "end_of_word_suffix": None}
    model |= {"byte_fallback": False, "vocab": {t: i for i, t in enumerate(tokens[:EOT])}}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", **byte_level},
        "post_processor": {"type": "ByteLevel", **byte_level},
        "decoder": {"type": "ByteLevel", **byte_level},
        "model": model | {"merges": []},
    }


def _wire(model, tokens: list[str], generator) -> None:
    """Turn the random decoder into a bigram chain through orthogonal embedding directions."""
    import torch

    ids = {t: i for i, t in enumerate(tokens)}
    chain = {  # input token -> token to predict next
        "<|transcribe|>": "<|0.00|>",
        "<|translate|>": "<|0.00|>",
        "<|notimestamps|>": WORDS[0],
        "<|0.00|>": WORDS[0],
        WORDS[0]: WORDS[1],
        WORDS[1]: "<|endoftext|>",
        "<|startoftranscript|>": f"<|{DETECTED_LANGUAGE}|>",
    }
    names = sorted(set(chain) | set(chain.values()))
    raw = torch.randn(D_MODEL, len(names), generator=generator)
    # Zero-mean columns survive LayerNorm's centring; QR makes them orthonormal.
    basis, _ = torch.linalg.qr(raw - raw.mean(dim=0, keepdim=True))
    direction = {name: basis[:, k] for k, name in enumerate(names)}
    decoder = model.model.decoder
    layer = decoder.layers[0]
    with torch.no_grad():
        for name in names:
            decoder.embed_tokens.weight[ids[name]] = _SCALE * direction[name]
        # GELU(y) - GELU(-y) == y, so paired +/- rows make an exact linear map in the FFN.
        layer.fc1.weight[: 2 * len(chain)] = 0.0
        layer.fc1.bias.zero_()
        layer.fc2.weight.zero_()
        layer.fc2.bias.zero_()
        for k, (src, dst) in enumerate(chain.items()):
            layer.fc1.weight[2 * k] = direction[src]
            layer.fc1.weight[2 * k + 1] = -direction[src]
            layer.fc2.weight[:, 2 * k] = _GAIN * direction[dst]
            layer.fc2.weight[:, 2 * k + 1] = -_GAIN * direction[dst]


class _Vocab:
    """The two things ctranslate2's Whisper loader asks of a tokenizer."""

    def __init__(self, tokens: list[str]) -> None:
        self._vocab = {t: i for i, t in enumerate(tokens)}
        self.additional_special_tokens = tokens[EOT:TIMESTAMP_BEGIN]

    def get_vocab(self) -> dict[str, int]:
        return dict(self._vocab)


def write(dest: Path) -> Path:
    """Write the synthetic Whisper into dest/synthetic-whisper and return that folder."""
    import ctranslate2
    import torch
    import transformers

    tokens = vocabulary()
    lang_to_id = {t: i for i, t in enumerate(tokens) if SOT < i < SOT + 100}
    config = transformers.WhisperConfig(
        vocab_size=VOCAB,
        num_mel_bins=N_MELS,
        d_model=D_MODEL,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=HEADS,
        decoder_attention_heads=HEADS,
        encoder_ffn_dim=FFN,
        decoder_ffn_dim=FFN,
        max_source_positions=1500,
        max_target_positions=448,
        pad_token_id=EOT,
        bos_token_id=EOT,
        eos_token_id=EOT,
        decoder_start_token_id=SOT,
        suppress_tokens=[],
        begin_suppress_tokens=[220, EOT],
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        model = transformers.WhisperForConditionalGeneration(config).eval()
        _wire(model, tokens, torch.Generator().manual_seed(SEED))
    model.generation_config.lang_to_id = lang_to_id
    model.generation_config.suppress_tokens = []
    model.generation_config.begin_suppress_tokens = [220, EOT]

    class _Converter(ctranslate2.converters.TransformersConverter):
        # Hand over the in-memory model and vocabulary instead of reloading them from disk.
        def load_model(self, model_class, model_name_or_path, **kwargs):
            return model

        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            return _Vocab(tokens)

    out = Path(dest) / FOLDER
    verbosity = transformers.logging.get_verbosity()
    transformers.logging.set_verbosity_error()  # the converter trips a torch_dtype deprecation
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config.save_pretrained(tmp)
            _Converter(tmp).convert(str(out), force=True)
    finally:
        transformers.logging.set_verbosity(verbosity)
    (out / "tokenizer.json").write_text(json.dumps(_tokenizer_json(tokens), ensure_ascii=False))
    features = {"feature_size": N_MELS, "sampling_rate": 16000, "hop_length": 160}
    features |= {"chunk_length": 30, "n_fft": 400, "n_samples": 480000, "nb_max_frames": 3000}
    (out / "preprocessor_config.json").write_text(json.dumps(features, indent=2))
    return out
