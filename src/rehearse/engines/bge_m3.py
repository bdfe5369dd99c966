"""BGE-M3 on the CPU: dense 1024-d vectors plus sparse lexical weights, via FlagEmbedding.

`encode` runs FlagEmbedding's own model (CLS pooling, normalization, sparse head) but not
`BGEM3FlagModel.encode`: that one runs its first batch twice (an out-of-memory probe), which
doubles the cost of the usual single-batch call. The steps here are the same ones, done once;
tests check that both give the same vectors and weights.
"""

import gc
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


class BGEM3Engine:
    """One BGE-M3 model per process; `encode` turns texts into `{"dense", "sparse"}` dicts."""

    def __init__(
        self,
        path: Path,
        batch_size: int = 32,
        max_length: int = 8192,
        num_threads: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.batch_size = max(1, batch_size)
        self.max_length = max_length
        # Process-wide torch threads. Prefork children each default to every core, which
        # oversubscribes the CPU; on a busy box one thread per process is far steadier.
        self.num_threads = num_threads
        self.encode_calls = 0  # model invocations; micro-batching tests compare it to jobs
        self.texts_encoded = 0
        self.load_ms: float | None = None
        self._model: Any = None
        self._tokenizer: Any = None
        self._unused_ids: set[int] = set()
        self._lock = threading.RLock()  # encode() may load inside it

    @property
    def loaded(self) -> bool:
        """True once `load()` ran and `unload()` has not."""
        return self._model is not None

    def load(self) -> None:
        """Load the model once; later calls are no-ops."""
        with self._lock:
            if self._model is not None:
                return
            # Imported here so that importing this module (e.g. for count_tokens) stays cheap.
            import torch
            from FlagEmbedding import BGEM3FlagModel

            if self.num_threads:
                torch.set_num_threads(self.num_threads)
            started = time.perf_counter()
            model = BGEM3FlagModel(
                str(self.path), use_fp16=False, devices="cpu", batch_size=self.batch_size
            )
            model.model.float().eval()
            tok = model.tokenizer
            # The positions table bounds the input: the synthetic model has fewer than 8194.
            positions = model.model.model.config.max_position_embeddings
            self.max_length = min(self.max_length, positions - 2)
            # Same exclusions as FlagEmbedding's _process_token_weights.
            names = ("cls_token", "eos_token", "pad_token", "unk_token")
            specials = [tok.special_tokens_map[n] for n in names if n in tok.special_tokens_map]
            self._unused_ids = {tok.convert_tokens_to_ids(s) for s in specials}
            self._tokenizer = tok
            self._model = model
            self.load_ms = (time.perf_counter() - started) * 1000

    def unload(self) -> None:
        """Drop the model so its memory can be reclaimed; `load()` may follow."""
        with self._lock:
            self._model = None
            gc.collect()

    @property
    def tokenizer(self) -> Any:
        """The model's own tokenizer, loaded alone (cheap) if the model is not loaded."""
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(str(self.path))
        return self._tokenizer

    def count_tokens(self, text: str) -> int:
        """Tokens in `text` without the <s> </s> the model adds around every input."""
        ids = self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
        return len(ids)

    def encode(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """Embed `texts` in order: `{"dense": [1024 floats, unit norm], "sparse": {id: w}}`."""
        texts = list(texts)
        if not texts:
            return []
        import torch

        with self._lock:
            self.load()
            self.encode_calls += 1
            self.texts_encoded += len(texts)
            tok, model = self._tokenizer, self._model.model
            enc = tok(texts, truncation=True, max_length=self.max_length, verbose=False)
            ids: list[list[int]] = enc["input_ids"]
            # Longest first, as FlagEmbedding does, so each batch pads little.
            order = sorted(range(len(texts)), key=lambda i: -len(ids[i]))
            results: list[dict[str, Any]] = [{} for _ in texts]
            with torch.inference_mode():
                for start in range(0, len(order), self.batch_size):
                    part = order[start : start + self.batch_size]
                    batch = tok.pad(
                        {"input_ids": [ids[i] for i in part]}, padding=True, return_tensors="pt"
                    )
                    out = model(batch, return_dense=True, return_sparse=True)
                    dense = out["dense_vecs"].float().tolist()
                    weights = out["sparse_vecs"].squeeze(-1).float().tolist()
                    for row, i in enumerate(part):
                        sparse = self._sparse(ids[i], weights[row])
                        results[i] = {"dense": dense[row], "sparse": sparse}
        return results

    def _sparse(self, ids: list[int], weights: list[float]) -> dict[str, float]:
        """Max weight per token id, skipping specials and non-positive weights (as BGE-M3)."""
        out: dict[str, float] = {}
        # zip stops at the unpadded length: padding positions never count.
        for token_id, w in zip(ids, weights, strict=False):
            if token_id in self._unused_ids or w <= 0:
                continue
            key = str(token_id)
            if w > out.get(key, 0.0):
                out[key] = w
        return out

    @staticmethod
    def lexical_score(q_sparse: Mapping[str, float], d_sparse: Mapping[str, float]) -> float:
        """BGE-M3's compute_lexical_matching_score: sum of weight products on shared ids."""
        return float(sum(w * d_sparse[t] for t, w in q_sparse.items() if t in d_sparse))
