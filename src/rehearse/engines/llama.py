"""Chat completion with llama-cpp-python: streamed tokens, exact prompt budgets, JSON schemas."""

from collections.abc import Callable, Generator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rehearse.base.errors import JobCanceled, JobError
from rehearse.contracts.jobs import ChatMessage, ChatParams
from rehearse.engines.card_pace import CardPace
from rehearse.engines.llama_grammar import checked
from rehearse.engines.llama_output import plan
from rehearse.engines.llama_reuse import PromptReuse
from rehearse.engines.memory_meter import release_heap
from rehearse.engines.tool_call_reader import CallReader
from rehearse.runtime.run_context import RunContext

if TYPE_CHECKING:
    from llama_cpp import Llama

Messages = Sequence[ChatMessage | Mapping[str, str]]


class LlamaEngine:
    """One GGUF model; `run(ChatParams)` streams `token` events and returns the chat result."""

    def __init__(
        self,
        path: Path,
        n_ctx: int = 4096,
        n_gpu_layers: int = -1,
        n_threads: int | None = None,
        seed: int = 0,
        verbose: bool = False,
        options: dict[str, Any] | None = None,
        pace: CardPace | None = None,
    ) -> None:
        self.path = Path(path)
        self.n_ctx = n_ctx
        self.n_gpu_layers = n_gpu_layers
        self.n_threads = n_threads
        self.seed = seed
        self.verbose = verbose
        self.options = options or {}
        """More `Llama(...)` arguments: KV cache type, flash attention, batch (engines.catalog)."""
        self.pace = pace
        """A card's pace to hold each run to (benchmarks only: engines.card_pace)."""
        self._llm: Llama | None = None
        self._format: Callable[..., Any] | None = None
        self._reuse: PromptReuse | None = None

    @property
    def loaded(self) -> bool:
        """Whether the weights are in memory."""
        return self._llm is not None

    def load(self) -> None:
        """Load the GGUF; on a machine without CUDA `n_gpu_layers` is ignored."""
        if self._llm is not None:
            return
        from llama_cpp import Llama

        if not self.path.is_file():
            raise FileNotFoundError(f"LLM model not found: {self.path}")
        llm = Llama(
            model_path=str(self.path),
            n_ctx=self.n_ctx,
            n_gpu_layers=self.n_gpu_layers,
            n_threads=self.n_threads,
            seed=self.seed,
            verbose=self.verbose,
            **self.options,
        )
        try:
            self._format = _chat_formatter(llm)
        except Exception:
            llm.close()
            raise
        self._llm = llm
        self._reuse = PromptReuse(llm, (str(self.path), self.n_ctx))

    def unload(self) -> None:
        """Free the model and its context; `load()` may be called again."""
        llm, self._llm, self._format = self._llm, None, None
        reuse, self._reuse = self._reuse, None
        if llm is not None:
            if reuse is not None:
                reuse.save(llm)
            llm.close()
        release_heap()

    def count_tokens(self, messages: Messages) -> int:
        """Prompt tokens of `messages` exactly as the chat handler will feed them to the model."""
        llm, fmt = self._require()
        rendered = fmt(messages=_as_dicts(messages))
        tokens = llm.tokenize(
            rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True
        )
        return len(tokens)

    def run(self, params: ChatParams, ctx: RunContext) -> dict[str, Any]:
        """Generate a reply, emitting each piece as a `token` event; errors are JobError codes."""
        llm, _ = self._require()
        clock = self.pace.clock() if self.pace else None
        out = plan(params)
        prompt_tokens = self.count_tokens(out.messages)
        n_ctx = llm.n_ctx()
        if prompt_tokens + out.max_tokens > n_ctx:
            raised = f" (the schema's bound {out.budget})" if out.budget == out.max_tokens else ""
            raise JobError(
                "context_length_exceeded",
                f"prompt of {prompt_tokens} tokens + max_tokens {out.max_tokens}{raised} "
                f"exceeds the context window of {n_ctx} tokens",
            )
        grammar = checked(llm, out.gbnf) if out.gbnf is not None else None
        if self._reuse is not None:
            self._reuse.start()
        stream = llm.create_chat_completion(
            messages=out.messages,
            stream=True,
            max_tokens=out.max_tokens,
            temperature=params.temperature,
            top_p=params.top_p,
            stop=list(params.stop),
            seed=params.seed,
            grammar=grammar,
        )
        hold = partial(clock.token, prompt_tokens) if clock else None
        text, finish_reason = self._consume(stream, ctx, out.reader, hold)
        # Every sampled token but the last was evaluated into the context, so this counts
        # the samples, including an end-of-turn token when one ended the answer.
        completion_tokens = max(llm.n_tokens - prompt_tokens + 1, 0)
        return {
            "text": text,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                # What this call evaluated of the prompt: less when it shares a prefix with the
                # previous call's tokens (see rehearse.engines.llama_reuse).
                "prefill_tokens": self._reuse.prefill() if self._reuse else prompt_tokens,
            },
            **out.finish(text, finish_reason, completion_tokens),
        }

    def _consume(
        self,
        stream: Generator[Any, None, None],
        ctx: RunContext,
        reader: CallReader | None = None,
        hold: Callable[[int], None] | None = None,
    ) -> tuple[str, str]:
        """Emit the stream's pieces; on cancel stop it at the next chunk and close it.

        With tools, each `token` event of a call also carries its `tool_calls` deltas. `hold(i)`
        (a card's clock, after the prompt) holds the i-th piece until the card would have it.
        """
        pieces: list[str] = []
        finish_reason = "length"
        try:
            for chunk in stream:
                if ctx.is_canceled():
                    raise JobCanceled()
                choice = chunk["choices"][0]
                piece = choice["delta"].get("content")
                if piece:
                    if hold:
                        hold(len(pieces))
                    pieces.append(piece)
                    _emit(ctx, reader, piece)
                if choice["finish_reason"] is not None:
                    finish_reason = choice["finish_reason"]
        except ValueError as e:
            # Raised on the first chunk when the prompt alone fills the context.
            if "exceed context window" in str(e):
                raise JobError("context_length_exceeded", str(e)) from e
            raise
        finally:
            # Never leave a suspended stream behind: resuming it after another call on
            # the same Llama can abort the process. close() on a finished one is a no-op.
            stream.close()
        if reader is not None and (rest := reader.rest()):
            ctx.emit("token", text=rest)  # only blanks came, so no call or text was decided
        return "".join(pieces), finish_reason

    def _require(self) -> tuple["Llama", Callable[..., Any]]:
        if self._llm is None or self._format is None:
            raise RuntimeError("LlamaEngine is not loaded")
        return self._llm, self._format


def _emit(ctx: RunContext, reader: CallReader | None, piece: str) -> None:
    if reader is None:
        ctx.emit("token", text=piece)
        return
    text, deltas = reader.feed(piece)
    if text and deltas is None:
        ctx.emit("token", text=text)
    elif text:
        ctx.emit("token", text=text, tool_calls=deltas)


def _as_dicts(messages: Messages) -> list[dict[str, str]]:
    return [
        {"role": m.role, "content": m.content}
        if isinstance(m, ChatMessage)
        else {"role": m["role"], "content": m["content"]}
        for m in messages
    ]


def _chat_formatter(llm: "Llama") -> Callable[..., Any]:
    """The formatter behind the handler `create_chat_completion` will use for this model."""
    from llama_cpp import llama_chat_format

    if llm.chat_handler is not None:
        raise ValueError("custom chat handlers are not supported")
    fmt = llm.chat_format
    handler = llm._chat_handlers.get(fmt) or llama_chat_format.get_chat_completion_handler(fmt)
    # chat_formatter_to_chat_completion_handler closes over the formatter; reusing it is
    # the only way to render exactly what the library renders (chat_template.default for
    # GGUF templates, or the built-in format it swapped in, such as chatml).
    cells = dict(zip(handler.__code__.co_freevars, handler.__closure__ or (), strict=False))
    if "chat_formatter" not in cells:
        raise ValueError(f"chat format {fmt!r} has no formatter to count prompt tokens with")
    return cells["chat_formatter"].cell_contents
