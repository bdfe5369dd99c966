"""The feedback generation's cost: the llm step's generation on a real model, per answer.

    python bench/feedback_cost.py [--model GGUF] [--rounds 3]

Renders the turn's feedback prompt as the llm step does (prompt v2, English: the system
message, the interview so far, the retrieved passages and the answer), then generates under
FEEDBACK_SCHEMA behind the output gates (new seed per regeneration, up to 4 generations) and
times it, for behavioural and technical questions. Prints ms, completion tokens (and those from
`question_kind` on), regenerations and what was kept of the STAR check, where the code has one;
then per answer the fastest of `--rounds` (the same tokens each round: the least disturbed).
Runs against whatever `rehearse` is on the path: point PYTHONPATH at an older checkout's `src`
to measure it the same way. No pass/fail.
"""

import argparse
import importlib
import json
import time
from pathlib import Path

from rehearse.base.errors import JobError
from rehearse.contracts.interview_contract import FEEDBACK_SCHEMA
from rehearse.contracts.jobs import ChatParams
from rehearse.engines.llama import LlamaEngine
from rehearse.engines.llama_schema import json_budget
from rehearse.runtime.run_context import RunContext
from rehearse.workers.gpu import gated_llm
from rehearse.workers.gpu import interview_prompts as prompts

ASSETS = Path(__file__).resolve().parents[1] / "src" / "rehearse" / "cli" / "assets"
RESUME = (ASSETS / "sample_resume_en.txt").read_text(encoding="utf-8").splitlines()
MODEL = Path.home() / ".cache" / "rehearse" / "real-models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
CASES = [
    (
        "behavioural",
        "Tell me about a time a service you owned became too slow. What did you do?",
        "Last year our payment service became slow during a sales event. My task was to bring "
        "the response time under one second before the next event. I profiled the queries, "
        "added a cache for the product data and moved the reports to a read replica. As a "
        "result the response time dropped from three seconds to four hundred milliseconds.",
    ),
    (
        "behavioural",
        "Describe a time you disagreed with a teammate about a design.",
        "A teammate wanted to split our service into many small services. I was asked to "
        "decide with him before the quarter planning. I wrote down the costs of both designs "
        "and we tried the split on one module first. In the end we kept one service and the "
        "team shipped the feature two weeks early.",
    ),
    (
        "technical",
        "How would you find a slow query in PostgreSQL?",
        "I would turn on the slow query log, then run explain analyze on the slow query and "
        "look for sequential scans on large tables, and add an index where it helps.",
    ),
    (
        "technical",
        "What is the difference between a process and a thread?",
        "A process has its own memory, threads share the memory of their process, so threads "
        "are cheaper to start but need locks around shared data.",
    ),
]


def messages_for(question: str, answer: str) -> list:
    """The v2 feedback prompt of a first turn, as interview_llm.assess_answer renders it."""
    words = prompts.DEFAULTS["en"]
    template = prompts.load("v2", "en", "feedback")
    system, user = template.render(
        persona=words["persona"],
        role="backend engineer",
        context="\n---\n".join(RESUME[:4]),
        answer=answer,
    )
    return [system, *prompts.conversation([], "en", 0, question), user]


def one(engine: LlamaEngine, question: str, answer: str, star) -> dict:
    messages = messages_for(question, answer)
    prompt = "\n".join(m.content for m in messages)
    params = ChatParams(
        messages=messages,
        max_tokens=json_budget(FEEDBACK_SCHEMA),
        temperature=0.7,
        json_schema=FEEDBACK_SCHEMA,
    )
    check = gated_llm.gate_check(FEEDBACK_SCHEMA, "en", prompt)
    timings: dict = {}
    pieces: dict = {"all": 0, "tail": 0, "text": "", "tail_at": None}

    def counted(type_: str, **fields) -> None:
        if type_ == "stage" and fields.get("state") == "regenerating":
            # The tail of the last generation only.
            pieces.update(tail=0, text="", tail_at=None)
        if type_ != "token":
            return
        pieces["all"] += 1
        if '"question_kind"' in pieces["text"]:
            pieces["tail"] += 1
            pieces["tail_at"] = pieces["tail_at"] or time.perf_counter()
        pieces["text"] += fields["text"]

    started, cpu = time.perf_counter(), time.process_time()
    try:
        result = gated_llm.generate(engine, params, RunContext(emit=counted), timings, check, 4)
        feedback, error = result["json"], None
    except JobError as exc:
        feedback, error = None, exc.code
    ended = time.perf_counter()
    ms = (ended - started) * 1000
    tail_ms = (ended - pieces["tail_at"]) * 1000 if pieces["tail_at"] else 0.0
    cpu_ms = (time.process_time() - cpu) * 1000
    raw, dropped = None, 0
    if feedback is not None and star is not None:
        raw = {k: feedback.get(k) for k in ("question_kind", "star")}
        feedback, dropped = star.settled(feedback, answer, "en")
    return {
        "raw": raw,
        "dropped": dropped,
        "ms": ms,
        "cpu_ms": cpu_ms,
        "pieces": pieces["all"],
        "tail": pieces["tail"],
        "tail_ms": tail_ms,
        "regenerations": timings.get("regenerations"),
        "error": error,
        "feedback": feedback,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    try:
        star = importlib.import_module("rehearse.workers.gpu.star_check")
    except ImportError:
        star = None  # a checkout from before the STAR check
    print("schema bound (max_tokens):", json_budget(FEEDBACK_SCHEMA))
    engine = LlamaEngine(args.model, n_ctx=4096, n_gpu_layers=0, n_threads=args.threads)
    engine.load()
    rows: list[tuple[int, dict]] = []
    for _ in range(args.rounds):
        for case, (kind, question, answer) in enumerate(CASES):
            row = one(engine, question, answer, star)
            rows.append((case, row))
            print(
                f"{kind:>11} {row['ms']:>7.0f} ms (cpu {row['cpu_ms']:>6.0f}) "
                f"{row['pieces']:>4} pieces ({row['tail']:>3} from question_kind on, "
                f"{row['tail_ms']:>5.0f} ms) "
                f"regen {row['regenerations']} {row['error'] or ''}",
                flush=True,
            )
            print("    kept:", json.dumps(row["feedback"], ensure_ascii=False), flush=True)
            if row["raw"] is not None:
                print(f"    written ({row['dropped']} quotes dropped):", json.dumps(row["raw"]))
    # Same seeds, same prompt: a case generates the same tokens every round, so its fastest
    # round is the one least slowed by whatever else the machine ran.
    print("case  kind         pieces  fastest ms  from question_kind on: pieces  fastest ms")
    total_ms = total_pieces = total_tail = 0.0
    for case, (kind, _, _) in enumerate(CASES):
        mine = [r for c, r in rows if c == case]
        fastest = min(r["ms"] for r in mine)
        tail = min(r["tail_ms"] for r in mine)
        total_ms, total_pieces = total_ms + fastest, total_pieces + mine[0]["pieces"]
        total_tail += tail
        print(
            f"{case:>4}  {kind:<11}  {mine[0]['pieces']:>6}  {fastest:>10.0f}  "
            f"{mine[0]['tail']:>28}  {tail:>10.0f}"
        )
    answers = f"{len(CASES)} answers"
    print(f"all   {answers:<11}  {total_pieces:>6.0f}  {total_ms:>10.0f}  {total_tail:>40.0f}")


if __name__ == "__main__":
    main()
