"""A tiny random XLM-R shaped like BAAI/bge-m3 (1024-d, with colbert/sparse heads), for tests."""

import json
from pathlib import Path

DIRNAME = "synthetic-bge-m3"
SEED = 20240
HIDDEN = 1024  # bge-m3's width: dense vectors are the CLS hidden state
LAYERS = 1
HEADS = 4
INTERMEDIATE = 128
# bge-m3 has 8194 positions; 2050 keeps the folder small and still covers 400-token chunks.
MAX_POSITIONS = 2050
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]  # ids 0-3 as in XLM-R; <mask> is the last id
MASK = "<mask>"
# Value and output projections this large make the CLS state mostly the mean of the tokens,
# so texts sharing words get closer dense vectors: retrieval tests can rank by meaning-ish.
ATTN_GAIN = 6.0

# Whole words as single pieces, so English token counts are closer to a real model's.
_WORDS = (
    "the of and to in is for on with as at by an be this that it are was from or have has "
    "not will can you we i my our your their team project data system work experience "
    "company role skills develop developed design designed built lead led manage managed "
    "python java sql api server cloud backend frontend service services model models user "
    "users product interview question answer problem solution performance test tests "
    "years year university engineer engineering software learning machine database time"
)
_PUNCT = "。、「」『』…·“”‘’–—～・！？（），：；％"


def _hangul() -> list[str]:
    """The 2,350 KS X 1001 syllables (what EUC-KR encodes: nearly all real Korean text)."""
    out = []
    for code in range(0xAC00, 0xD7A4):
        # Python's codec spells the other syllables as 8-byte jamo sequences: skip those.
        if len(chr(code).encode("euc-kr", errors="replace")) == 2:
            out.append(chr(code))
    return out


def _vocab() -> list[tuple[str, float]]:
    """Unigram pieces with log-probabilities; longer pieces score better per character."""
    ascii_chars = [chr(c) for c in range(33, 127)]
    alnum = [c for c in ascii_chars if c.isalnum()]
    lower = "abcdefghijklmnopqrstuvwxyz"
    pieces: list[tuple[str, float]] = [(s, 0.0) for s in SPECIALS]
    pieces.append(("▁", -8.0))
    pieces += [(c, -8.0) for c in ascii_chars]
    pieces += [("▁" + c, -7.5) for c in alnum]
    pieces += [(a + b, -9.0) for a in lower for b in lower]
    pieces += [("▁" + w, -10.0) for w in _WORDS.split() if len(w) > 1]
    pieces += [(c, -8.0) for c in _hangul()]
    pieces += [(chr(c), -9.0) for c in range(0x3131, 0x3164)]  # compatibility jamo ㄱ..ㅣ
    pieces += [(c, -9.0) for c in _PUNCT]
    pieces.append((MASK, 0.0))
    seen: set[str] = set()
    unique = [p for p in pieces if not (p[0] in seen or seen.add(p[0]))]
    return unique


def _write_tokenizer(out: Path, vocab: list[tuple[str, float]]) -> None:
    """Write tokenizer.json exactly as transformers 5 rebuilds an XLMRobertaTokenizer."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    # transformers 5 keeps only the vocab of an XLMRobertaTokenizer's tokenizer.json and
    # rebuilds the rest like this, so anything else (normalizer, byte fallback) would be lost.
    tok = Tokenizer(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace("▁", prepend_scheme="always")]
    )
    tok.decoder = decoders.Metaspace("▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)],
    )
    tok.add_special_tokens(
        [AddedToken(s, special=True, normalized=False) for s in SPECIALS]
        + [AddedToken(MASK, special=True, normalized=False, lstrip=True)]
    )
    tok.save(str(out / "tokenizer.json"))
    added = {
        str(tok.token_to_id(s)): {
            "content": s,
            "lstrip": s == MASK,
            "normalized": False,
            "rstrip": False,
            "single_word": False,
            "special": True,
        }
        for s in [*SPECIALS, MASK]
    }
    names = {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>"}
    names |= {"unk_token": "<unk>", "pad_token": "<pad>", "mask_token": MASK}
    config = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": MAX_POSITIONS - 2,
        "clean_up_tokenization_spaces": True,
        "added_tokens_decoder": added,
        **names,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False))
    (out / "special_tokens_map.json").write_text(json.dumps(names, indent=2))


def _std(name: str) -> float:
    """Initial weight scale per parameter name (see ATTN_GAIN)."""
    if "word_embeddings" in name:
        return 0.05
    if "attention.self.value" in name:
        return 1.0 / HIDDEN**0.5
    if "attention.output.dense" in name:
        return ATTN_GAIN / HIDDEN**0.5
    return 0.02


def write(dest: Path) -> Path:
    """Write the synthetic bge-m3 folder under `dest` and return its path (deterministic)."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel

    out = Path(dest) / DIRNAME
    out.mkdir(parents=True, exist_ok=True)
    vocab = _vocab()
    _write_tokenizer(out, vocab)
    config = XLMRobertaConfig(
        vocab_size=len(vocab),
        hidden_size=HIDDEN,
        num_hidden_layers=LAYERS,
        num_attention_heads=HEADS,
        intermediate_size=INTERMEDIATE,
        max_position_embeddings=MAX_POSITIONS,
        type_vocab_size=1,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        layer_norm_eps=1e-5,
        architectures=["XLMRobertaModel"],
    )
    model = XLMRobertaModel(config)
    # Own generator, sorted names: the weights do not depend on library init order.
    gen = torch.Generator().manual_seed(SEED)
    state = model.state_dict()
    with torch.no_grad():
        for name in sorted(state):
            p = state[name]
            if "LayerNorm.weight" in name:
                p.fill_(1.0)
            elif name.endswith(".bias"):
                p.zero_()
            elif p.is_floating_point():
                p.copy_(torch.randn(p.shape, generator=gen) * _std(name))
        state["embeddings.word_embeddings.weight"][config.pad_token_id].zero_()
    model.half().save_pretrained(out)
    colbert = torch.randn(HIDDEN, HIDDEN, generator=gen) / HIDDEN**0.5
    torch.save({"weight": colbert, "bias": torch.zeros(HIDDEN)}, out / "colbert_linear.pt")
    # Small, mostly positive token weights: real bge-m3 lexical weights sit around 0-0.3.
    sparse = torch.randn(1, HIDDEN, generator=gen) * 0.003
    torch.save({"weight": sparse, "bias": torch.tensor([0.15])}, out / "sparse_linear.pt")
    for f in out.iterdir():
        f.chmod(0o644)  # save_pretrained writes 0600; workers may run as another user
    return out
