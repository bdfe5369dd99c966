"""Prompt reuse across calls and reloads: the prompt tokens llama.cpp actually evaluates.

A `Llama` keeps the tokens it evaluated last; its next generation evaluates only what follows
the longest prefix the new prompt shares with them (`Llama.generate`, "prefix-match hit").
Interview prompts put what stays the same between turns first (system prompt, earlier turns)
and each turn's material last, so a turn pays only for its new part. When residency evicts
the LLM between turns (STT loaded in its place), the last state (tokens and KV cache, in host
RAM) is saved at unload and restored at the next load of the same model file, so the prefix
survives the reload. Another prompt in between (another interview, a chat job) replaces it.
`prefill()` measures what was evaluated rather than predicting it: the first `eval` of a
generation is the prompt's remaining tokens, each later one a single sampled token.
"""

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llama_cpp import Llama, LlamaState

log = logging.getLogger(__name__)

# The last state of each model (path, n_ctx) this process unloaded: one per model, replaced.
_saved: dict[tuple[str, int], "LlamaState"] = {}


class PromptReuse:
    """Attached to one loaded `Llama`: counts each generation's prompt evaluation."""

    def __init__(self, llm: "Llama", key: tuple[str, int]) -> None:
        self.key = key
        self._eval = llm.eval
        self._calls: list[int] = []
        # An instance attribute shadows the method: generate() calls self.eval(tokens).
        llm.eval = self._counting  # type: ignore[method-assign]
        state = _saved.pop(key, None)
        if state is not None:
            try:
                llm.load_state(state)
            except Exception as exc:  # a state it cannot take: start cold, never fail the load
                log.warning("prompt state not restored: %s", exc)
                llm.reset()

    def _counting(self, tokens: Sequence[int]) -> Any:
        self._calls.append(len(tokens))
        return self._eval(tokens)

    def start(self) -> None:
        """A generation begins: forget earlier calls."""
        self._calls.clear()

    def prefill(self) -> int:
        """Prompt tokens evaluated by the generation since `start()` (0: all were cached)."""
        return self._calls[0] if self._calls else 0

    def save(self, llm: "Llama") -> None:
        """Keep the model's last state for its next load (called before it is freed)."""
        if llm.n_tokens == 0:
            return
        try:
            _saved[self.key] = llm.save_state()
        except Exception as exc:
            log.warning("prompt state not saved: %s", exc)
