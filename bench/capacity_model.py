"""The capacity model: one server per gpu worker, several classes, the harness's workload.

    PYTHONPATH=src:. python bench/capacity_model.py --samples run.json [--candidates 1,2,4]
    PYTHONPATH=src:. python bench/capacity_model.py --profile 6gb      # paper service times

A closed queueing network simulated event by event (docs/capacity.md): N candidates cycle
through think (2–6 s uniform) + speaking their answer (the harness's answers), then their
turn's gpu steps — stt, then (after retrieve on a cpu worker, a pure delay) the llm step, in
which the next question is first heard `first_audio` seconds in, then tts — then listen 3 s.
`--background` clients submit chat jobs back to back. Servers (gpu workers) take the highest
class waiting (live before interactive; `--fifo`: arrival order), one job step at a time,
non-preemptive. Service times are drawn from a harness run's own jobs (`bench/capacity.py
--save`), or from the 6 GB card's paper figures. Prints p50/p95/p99 of the wait (answer sent →
first audio) per N and the largest N under the target; with `--samples`, beside the p95 the
harness measured at the same N in that run, and the difference.
"""

import argparse
import heapq
import itertools
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from bench.capacity import LISTEN_S, THINK_S, percentile, spoken_answers, step_s
from rehearse.engines.card_pace import PACES

LIVE, INTERACTIVE = 0, 1
QUEUE_OF = {"stt": "whisper", "llm": "llm", "chat": "llm", "tts": "speech"}
QUEUE_ORDER = ("whisper", "llm", "speech")

CARD = PACES["6gb"]
PROMPT_TOKENS, QUESTION_TOKENS, FEEDBACK_TOKENS = 1100, 30, 200
"""A turn's prompt (resume and posting passages, the history), the question, the whole answer."""
ESPEAK_FIRST_S = 0.25  # espeak-ng's first chunk of the question
CHAT_PROMPT_TOKENS, CHAT_TOKENS = 50, 48


PAPER_6GB = {
    "retrieve": [0.05],
    # Llama-3.1-8B Q4_K_M: the prompt at ~1500 tok/s, then ~50 tok/s: the question is out
    # ~1.3 s in and heard ~1.6 s in; the whole feedback is done ~4.7 s in.
    "llm": [PROMPT_TOKENS / CARD.prefill_tok_s + FEEDBACK_TOKENS / CARD.decode_tok_s],
    "first_audio": [
        PROMPT_TOKENS / CARD.prefill_tok_s + QUESTION_TOKENS / CARD.decode_tok_s + ESPEAK_FIRST_S
    ],
    "tts": [0.05],  # the early audio is reused: the tts step only records the turn
    "chat": [CHAT_PROMPT_TOKENS / CARD.prefill_tok_s + CHAT_TOKENS / CARD.decode_tok_s],
}


@dataclass
class Samples:
    stt: list[float]
    retrieve: list[float]
    llm: list[float]
    first_audio: list[float]
    tts: list[float]
    chat: list[float]
    answer: list[float]
    """Seconds each answer is spoken for."""
    client: list[float] = field(default_factory=lambda: [0.0])
    """What the candidate waits beyond the job's own first audio: the upload and the job's
    creation before it, the event's way to the client after it."""


def paper_6gb() -> Samples:
    """Paper, not measured: the card's pace (engines.card_pace, docs/gpu-memory.md's arithmetic),
    for the harness's own answers; Whisper small int8_float16 at ~40x real time."""
    answer = [seconds for _, seconds in spoken_answers()]
    stt = [seconds / CARD.stt_realtime for seconds in answer]
    return Samples(**PAPER_6GB, stt=stt, answer=answer)


def from_run(saved: dict, setting: str) -> Samples:
    """Service times from a harness run's jobs (`bench/capacity.py --save`), every N of a
    setting pooled.

    The question's first audio is counted from the llm step's own start (`llm_started_ms`),
    and the way from stt to the llm (the hand-off to a cpu worker, and retrieve) is a delay of
    its own: no sample holds a wait in a gpu queue, which is the simulation's to predict."""
    timings = [t for row in saved["results"][setting] for t in row["timings"]]
    turns = [t for t in timings if t["kind"] == "interview_turn" and "first_audio_ms" in t]

    def retrieve(t: dict) -> float:
        stt_done = t["queued_ms"] / 1000 + step_s(t, "stt")
        return t["retrieve_started_ms"] / 1000 - stt_done + step_s(t, "retrieve")

    return Samples(
        stt=[step_s(t, "stt") for t in turns],
        retrieve=[retrieve(t) for t in turns],
        llm=[step_s(t, "llm") for t in turns],
        first_audio=[(t["first_audio_ms"] - t["llm_started_ms"]) / 1000 for t in turns],
        tts=[step_s(t, "tts") for t in turns],
        chat=[step_s(t, "") for t in timings if t["kind"] == "chat"] or [0.0],
        client=[t["wait_s"] - t["first_audio_ms"] / 1000 for t in turns if "wait_s" in t] or [0.0],
        answer=saved["answers_s"],
    )


def simulate(
    samples: Samples,
    n: int,
    background: int,
    servers: int,
    fifo: bool,
    turns: int = 3,
    seed: int = 7,
) -> list[float]:
    """The waits (answer sent → first audio) of N candidates' `turns` answers each."""
    rng = random.Random(seed)
    order = itertools.count()
    events: list[tuple[float, int, str, dict]] = []  # (time, tiebreak, what, job)
    # One queue per model, as the gpu worker's: (class, arrival, tiebreak, step) in each.
    waiting: dict[str, list[tuple[int, float, int, dict]]] = {q: [] for q in QUEUE_ORDER}
    free, waits, finished, turn = servers, [], 0, itertools.cycle(range(len(QUEUE_ORDER)))

    def at(time: float, what: str, job: dict) -> None:
        heapq.heappush(events, (time, next(order), what, job))

    def queue(time: float, step: dict) -> None:
        key = 0 if fifo else step["class"]
        heapq.heappush(waiting[QUEUE_OF[step["step"]]], (key, time, next(order), step))

    def take() -> dict:
        """The most urgent class's head across the queues, the queues taken in turn when
        several hold it (a worker's fetch cycles through the queues it listens on)."""
        urgent = min(q[0][0] for q in waiting.values() if q)
        start = next(turn)
        for k in range(len(QUEUE_ORDER)):
            name = QUEUE_ORDER[(start + k) % len(QUEUE_ORDER)]
            if waiting[name] and waiting[name][0][0] == urgent:
                return heapq.heappop(waiting[name])[3]
        raise AssertionError("no queue holds the most urgent class")

    def answer(time: float, who: int, left: int) -> None:
        sent = time + rng.uniform(*THINK_S) + rng.choice(samples.answer)
        i = rng.randrange(len(samples.stt))
        job = {"who": who, "left": left - 1, "sent": sent, "class": LIVE, "i": i}
        at(sent, "arrive", {**job, "step": "stt"})

    for who in range(n):
        answer(rng.uniform(0, 5), who, turns)
    for b in range(background):
        at(0.0, "arrive", {"who": -1 - b, "class": INTERACTIVE, "step": "chat"})
    while events:
        now, _, what, job = heapq.heappop(events)
        if what == "arrive":
            queue(now, job)
        elif what == "done":
            free += 1
            step, i = job["step"], job.get("i", 0)
            if step == "chat":
                at(now, "arrive", job)
            elif step == "stt":
                at(
                    now + samples.retrieve[i % len(samples.retrieve)],
                    "arrive",
                    {**job, "step": "llm"},
                )
            elif step == "llm":
                queue(now, {**job, "step": "tts"})
            elif step == "tts":
                heard = job["heard"]
                if job["left"] > 0:
                    answer(max(heard + LISTEN_S, now), job["who"], job["left"])
                else:
                    finished += 1
                    if finished == n:
                        break  # every candidate is through: the background alone is no figure
        while free and any(waiting.values()):
            step = take()
            free -= 1
            i, name = step.get("i", 0), step["step"]
            took = (
                getattr(samples, name)[i % len(getattr(samples, name))]
                if name != "chat"
                else (rng.choice(samples.chat))
            )
            if name == "llm":
                first = min(samples.first_audio[i % len(samples.first_audio)], took)
                step = {**step, "heard": now + first}
                client = samples.client[i % len(samples.client)]
                waits.append(now + first + client - step["sent"])
            at(now + took, "done", step)
    return waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, help="a bench/capacity.py --save file")
    parser.add_argument("--setting", help="the setting to take samples from (default: the first)")
    parser.add_argument("--profile", choices=["6gb"], help="paper service times instead")
    parser.add_argument(
        "--candidates",
        default="1,2,3,4,6,8,12,16,24,32",
        type=lambda s: [int(x) for x in s.split(",")],
    )
    parser.add_argument("--background", type=int, help="default: the samples' run's, else 2")
    parser.add_argument("--gpu-workers", type=int, help="default: the samples' run's, else 1")
    parser.add_argument("--turns", type=int, help="default: the samples' run's, else 3")
    parser.add_argument(
        "--fifo",
        action="store_true",
        help="no priorities: arrival order (a `priorities off` "
        "setting's samples are simulated so without it)",
    )
    parser.add_argument("--target-s", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=40, help="runs simulated per N")
    args = parser.parse_args()
    measured: dict[int, tuple[float, float]] = {}
    if args.profile:
        samples, ran = paper_6gb(), {}
    else:
        saved = json.loads(args.samples.read_text())
        args.setting = args.setting or next(iter(saved["results"]))
        samples, ran = from_run(saved, args.setting), saved["args"]
        measured = {
            row["n"]: (row["p50"], row["p95"])
            for row in saved["results"][args.setting]
            if row["p95"] is not None  # an N where every turn failed has no wait to compare
        }
        args.fifo = args.fifo or args.setting.startswith("priorities off")
    for name, default in (("background", 2), ("gpu_workers", 1), ("turns", 3)):
        if getattr(args, name) is None:
            setattr(args, name, ran.get(name, default))
    print(
        f"{args.setting or args.profile}: {args.gpu_workers} gpu, background {args.background}, "
        f"{args.turns} turns, {'arrival order' if args.fifo else 'priorities'}"
    )
    within = 0
    for n in args.candidates:
        runs = [
            simulate(samples, n, args.background, args.gpu_workers, args.fifo, args.turns, seed)
            for seed in range(args.repeat)
        ]
        waits = [w for run in runs for w in run]
        p50, p95, p99 = (percentile(waits, q) for q in (50, 95, 99))
        # One run of the harness has N x turns answers: its p95 is one draw of this spread.
        one_run = [percentile(run, 95) for run in runs]
        low, high = percentile(one_run, 10), percentile(one_run, 90)
        line = (
            f"N={n:<3} predicted wait p50/p95/p99 {p50:.1f}/{p95:.1f}/{p99:.1f} s, "
            f"one run's p95 {low:.1f}-{high:.1f} s"
        )
        if n in measured:
            m50, m95 = measured[n]
            line += (
                f"   measured p50 {m50:.1f} s ({p50 / m50 - 1:+.0%}), "
                f"p95 {m95:.1f} s ({p95 / m95 - 1:+.0%}, "
                f"{'inside' if low <= m95 <= high else 'outside'} the spread)"
            )
        print(line, flush=True)
        if p95 <= args.target_s:
            within = n
    print(f"predicted largest N with p95 <= {args.target_s} s: {within}")


if __name__ == "__main__":
    main()
