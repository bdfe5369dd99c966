"""Text to stored-ready chunks: split on sentences within a token budget, embed in slices."""

import time
from dataclasses import asdict
from typing import Any

from rehearse.base.settings import Settings
from rehearse.engines.bge_m3 import BGEM3Engine
from rehearse.runtime.run_context import RunContext
from rehearse.workers.cpu.chunking import chunk_text


def chunk_and_embed(
    engine: BGEM3Engine,
    text: str,
    settings: Settings,
    ctx: RunContext,
    timings: dict[str, Any],
    progress_offset: int = 0,
    progress_total: int | None = None,
) -> list[dict[str, Any]]:
    """Rows for `store_chunks`: each chunk's fields plus its dense and sparse vectors."""
    started = time.perf_counter()
    chunks = chunk_text(
        text, engine.count_tokens, settings.chunk_tokens, settings.chunk_overlap_tokens
    )
    timings["chunk_ms"] = timings.get("chunk_ms", 0) + round(
        (time.perf_counter() - started) * 1000, 1
    )
    total = progress_total if progress_total is not None else len(chunks)
    rows: list[dict[str, Any]] = []
    # Slices keep progress events and cancellation checks coming on long documents;
    # each slice is still many model batches, so the cost over one call is negligible.
    step = settings.embed_batch_size * 4
    started = time.perf_counter()
    for start in range(0, len(chunks), step):
        ctx.check_canceled()
        part = chunks[start : start + step]
        vectors = engine.encode([c.text for c in part])
        rows += [asdict(c) | v for c, v in zip(part, vectors, strict=True)]
        ctx.emit("progress", done=progress_offset + len(rows), total=total)
    timings["encode_ms"] = timings.get("encode_ms", 0) + round(
        (time.perf_counter() - started) * 1000, 1
    )
    timings["encode_calls"] = timings.get("encode_calls", 0) + -(-len(chunks) // step)
    return rows
