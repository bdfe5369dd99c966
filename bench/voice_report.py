"""bench/voice_loop.py's figures: per answer, then medians by group, in ms after end of speech."""

import statistics
from collections.abc import Iterable

SHORTER = ("short", "pauses")
"""The finished answers under 20 s."""


def median(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return statistics.median(kept) if kept else None


def fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def ratio(top: float | None, bottom: float | None) -> float | None:
    return top / bottom if top is not None and bottom else None


def answer_lines(rows: list[dict], show: bool) -> None:
    print(
        f"{'group':<10} {'s':>5} {'reason':<13} {'cut':>3} {'str':>3} {'heard':>6} {'ended':>6} "
        f"{'stt':>6} {'llm':>6} {'v2v':>6} {'final':>6} | {'stt':>6} {'llm':>6} {'v2v':>6} | "
        f"{'ratio':>5} | {'wer~1shot':>9} {'live':>5} {'1shot':>5} {'ptt':>5}"
    )
    for row in rows:
        a, live, ptt, wer = row["answer"], row["live"], row["ptt"], row["wer"]
        print(
            f"{a.group:<10} {a.seconds:>5.1f} {live.get('reason') or live.get('error'):<13} "
            f"{'yes' if live.get('cut') else '':>3} {live.get('stretches', 0):>3} "
            + " ".join(f"{fmt(live.get(k)):>6}" for k in ("heard", "ended", "stt", "llm"))
            + f" {fmt(live.get('audio')):>6} {fmt(live.get('final')):>6} | "
            + " ".join(f"{fmt(ptt.get(k)):>6}" for k in ("stt", "llm", "audio"))
            + f" | {fmt(ratio(live.get('audio'), ptt.get('audio')), 2):>5} | "
            f"{fmt(wer['live~shot'], 2):>9} {fmt(wer['live'], 2):>5} {fmt(wer['shot'], 2):>5} "
            f"{fmt(wer['ptt'], 2):>5}" + (f"  ptt error {ptt['error']}" if "error" in ptt else "")
        )
        if show:
            print(f"    said:  {a.text}\n    live:  {live.get('transcript')}")
            print(f"    1shot: {row['shot']}\n    ptt:   {ptt.get('transcript')}")


def medians(rows: list[dict]) -> None:
    groups = {
        "long": [r for r in rows if r["answer"].group == "long"],
        "shorter": [r for r in rows if r["answer"].group in SHORTER],
        "unfinished": [r for r in rows if r["answer"].group == "unfinished"],
    }
    print(
        f"\n{'medians, ms':<11} {'n':>2} {'ended':>6} {'stt':>6} {'llm':>6} {'v2v':>6} "
        f"{'final':>6} | {'stt':>6} {'llm':>6} {'v2v':>6} {'done':>6} | {'ratio llm':>9} "
        f"{'ratio v2v':>9}"
    )
    for name, group in groups.items():
        live = [r["live"] for r in group if not r["live"].get("cut")]
        ptt = [r["ptt"] for r in group]
        m = {k: median(x.get(k) for x in live) for k in ("ended", "stt", "llm", "audio", "final")}
        p = {k: median(x.get(k) for x in ptt) for k in ("stt", "llm", "audio", "done")}
        print(
            f"{name:<11} {len(live):>2} "
            + " ".join(f"{fmt(v):>6}" for v in m.values())
            + " | "
            + " ".join(f"{fmt(v):>6}" for v in p.values())
            + f" | {fmt(ratio(m['llm'], p['llm']), 2):>9}"
            + f" {fmt(ratio(m['audio'], p['audio']), 2):>9}"
        )


def endings(rows: list[dict]) -> None:
    pauses = [r["live"] for r in rows if r["answer"].group == "pauses"]
    cut = [r for r in rows if r["live"].get("cut")]
    early = sum(p.get("cut", False) for p in pauses)
    print(
        f"\nfalse cut-offs (turn_ended before the last speech): {early}"
        f" of {len(pauses)} answers with thinking pauses; {len(cut)} of {len(rows)} in all"
    )
    finished = sorted(
        r["live"]["ended"]
        for r in rows
        if r["answer"].finished and "ended" in r["live"] and not r["live"]["cut"]
    )
    if finished:
        within = sum(e <= 1000 for e in finished)
        print(
            f"finished answers, end of speech -> turn_ended: {finished} ms; "
            f"{within}/{len(finished)} within 1 s, {sum(e <= 1500 for e in finished)} within 1.5 s"
        )
    reasons = [r["live"].get("reason") for r in rows]
    print(f"reasons: { {k: reasons.count(k) for k in dict.fromkeys(reasons)} }")
    for key, label in (("live~shot", "live vs one-shot"), ("live", "live vs text")):
        print(f"median WER {label}: {fmt(median(r['wer'][key] for r in rows), 3)}", end="; ")
    for key in ("shot", "ptt"):
        print(f"{key} vs text: {fmt(median(r['wer'][key] for r in rows), 3)}", end="; ")
    print()


def start_early(rows: list[dict]) -> None:
    """Voice to voice of finished live answers, span by span. Running the LLM during the
    closing silence could hide at most the span from the last words back to `turn_ended`:
    it cannot start before the words are known."""
    live = [r["live"] for r in rows if r["answer"].finished and "audio" in r["live"]]
    live = [x for x in live if not x["cut"] and x.get("heard") is not None]
    if not live:
        return
    marks = [
        (x["heard"], x["ended"], x.get("stt", x["ended"]), x.get("llm", x["ended"]), x["audio"])
        for x in live
    ]
    spans = {
        "end of speech -> last stretch's words back": [m[0] for m in marks],
        "words back -> turn_ended": [m[1] - m[0] for m in marks],
        "turn_ended -> stt done": [m[2] - m[1] for m in marks],
        "stt done -> llm started": [m[3] - m[2] for m in marks],
        "llm started -> first audio": [m[4] - m[3] for m in marks],
        "voice to voice": [m[4] for m in marks],
        "of which after turn_ended": [m[4] - m[1] for m in marks],
    }
    print(f"\nfinished live answers (n={len(live)}), voice to voice by span (medians, ms):")
    for name, values in spans.items():
        print(f"  {name:<44} {fmt(median(values)):>6}")


def report(
    models: str, rows: list[dict], wall_s: float, load: tuple[float, ...], show: bool
) -> None:
    print(f"\nmodels: {models}; {len(rows)} answers, wall time {wall_s:.0f} s")
    print(f"load average (1, 5, 15 min) at start {load[:3]}, at end {load[3:]}")
    answer_lines(rows, show)
    medians(rows)
    endings(rows)
    start_early(rows)
