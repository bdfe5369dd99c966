"""Conversation mode's voice loop against push-to-talk, from the candidate's end of speech.

    PYTHONPATH=src:. python bench/voice_loop.py [--models synthetic tiny] [--count 4] [--show]

For each models choice (`synthetic`; `tiny` or a folder from `rehearse models pull --profile
tiny`) it runs `rehearse dev` and answers espeak-ng speech (bench/voice_answers.py): `--count`
long answers (>= 20 s), short ones, ones with 1.5-3 s thinking pauses inside unfinished
sentences, and half as many that stop mid-sentence. Each answer goes once over
`WS /v1/interviews/{id}/live` at a microphone's pace, then once by push-to-talk (the answer as a
WAV posted at its end of speech) on a second interview at the same turn. Every figure is ms
after the answer's last speech sample: `turn_ended`, the stt step done, the llm step started,
the next question's first `audio` (voice to voice), the final transcript. Then each live turn's
stored answer is transcribed once by `POST /v1/jobs/transcribe` and compared (word error rate).
Prints figures; no pass/fail.
"""

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.report_rate import drain, start
from bench.turn_latency import dev_stack, wait_job
from bench.voice_answers import Answer, LiveClock, answers
from bench.voice_report import report
from rehearse.storage.live_audio import as_wav
from tests.real_models.conftest import wer

TINY = Path.home() / ".cache" / "rehearse" / "real-models"
MARKS = {("stage", "stt", "done"): "stt", ("stage", "llm", "started"): "llm"}
"""The turn's events timed besides `audio`: its transcript is done; the LLM begins."""


def ms(at: float | None, since: float) -> int | None:
    return None if at is None else round((at - since) * 1000)


def marks(timed: list[tuple[float, dict]], eos: float) -> dict:
    """ms after end of speech of the first `audio` and of the MARKS, from timed events."""
    row: dict = {}
    for at, event in timed:
        name = MARKS.get((event["type"], event.get("stage"), event.get("state")))
        if event["type"] == "audio":
            name = "audio"
        if name and name not in row:
            row[name] = ms(at, eos)
    return row


def live_answer(
    client: httpx.Client, live: LiveClock, answer: Answer, ready_from: int
) -> tuple[dict, int]:
    """One answer over the socket; its row and where to look for the next `ready`."""
    live.wait(ready_from, "ready")
    since = len(live.events)
    eos = live.speak(answer, since)
    at, ended = live.wait(since, "turn_ended", "error")
    if ended["type"] != "turn_ended":
        return {"error": ended.get("code", ended["type"])}, since  # `ready` follows an error
    after = live.events.index((at, ended))
    heard = [t for t, e in live.events[since:after] if e["type"] == "transcript"]
    row = {"reason": ended["reason"], "ended": ms(at, eos), "cut": at < eos, "job": ended["job_id"]}
    # The last stretch's words came back: the rule reads them before it may end on silence.
    row.update(stretches=len(heard), heard=ms(heard[-1], eos) if heard else None)
    final_at, final = live.wait(after, "transcript", "error", "finished", final=True)
    if final["type"] == "transcript":
        row.update(final=ms(final_at, eos), transcript=final["text"])
    else:
        row["error"] = final.get("code", final["type"])
    # The final transcript comes when the stt step is done: wait for the whole turn, so the
    # push-to-talk answer that follows finds the gpu worker free, as this one did.
    wait_job(client, ended["job_id"])
    row.update(marks(live.events[after:], eos))
    return row, after


def push_to_talk(client: httpx.Client, interview_id: str, answer: Answer) -> dict:
    """The same answer posted whole at its end of speech; its events timed from the post."""
    wav = as_wav(answer.pcm)  # the WAV a live answer is stored as
    eos = time.monotonic()
    files = {"file": ("a.wav", wav, "audio/wav")}
    job_id = client.post(f"/v1/interviews/{interview_id}/answers", files=files).json()["job_id"]
    timed = []
    with client.stream("GET", f"/v1/jobs/{job_id}/events", timeout=600) as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                timed.append((time.monotonic(), json.loads(line[6:])))
                if timed[-1][1]["type"] == "done":
                    break
    job = wait_job(client, job_id)
    row = {**marks(timed, eos), "done": ms(timed[-1][0], eos), "job": job_id}
    if job["status"] != "succeeded":
        return {**row, "error": (job["error"] or {}).get("code", job["status"])}
    return {**row, "transcript": job["result"]["transcript"]}


def one_shot(client: httpx.Client, live_ids: list[str]) -> dict[str, str]:
    """Each live turn's stored answer transcribed whole, by the turn's job id."""
    texts = {}
    for interview_id in live_ids:
        for turn in client.get(f"/v1/interviews/{interview_id}").json()["turns"]:
            audio = client.get(f"/v1/artifacts/{turn['answer_artifact_id']}").content
            files = {"file": ("a.wav", audio, "audio/wav")}
            sent = client.post("/v1/jobs/transcribe", files=files, data={"language": "en"})
            job = wait_job(client, sent.json()["id"])
            if job["status"] == "succeeded":
                texts[turn["job_id"]] = job["result"]["text"]
    return texts


def group_run(client: httpx.Client, group: list[Answer]) -> tuple[list[dict], str]:
    """A group's answers on two interviews: live and push-to-talk, turn by turn."""
    live_id, ptt_id = start(client, len(group) + 1), start(client, len(group) + 1)
    if not (live_id and ptt_id):
        raise SystemExit("an interview did not start")
    live, ready_from, rows = LiveClock(client, live_id), 0, []
    try:
        for answer in group:
            row, ready_from = live_answer(client, live, answer, ready_from)
            ptt = push_to_talk(client, ptt_id, answer)
            rows.append({"answer": answer, "live": row, "ptt": ptt})
            print(f"  {answer.group} {answer.seconds:.1f} s: {row.get('reason')}", flush=True)
    finally:
        live.close()
    return rows, live_id


def run(models: str, count: int, log: Path | None, show: bool, save: Path | None) -> None:
    began, load = time.monotonic(), os.getloadavg()
    spoken = answers(count)
    with tempfile.TemporaryDirectory(prefix="rehearse-bench-") as data_dir:
        proc, base, key = dev_stack(models, Path(data_dir))
        threading.Thread(target=drain, args=(proc.stdout, log), daemon=True).start()
        try:
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
                rows, live_ids = [], []
                for group in dict.fromkeys(a.group for a in spoken):
                    done, live_id = group_run(client, [a for a in spoken if a.group == group])
                    rows += done
                    live_ids.append(live_id)
                texts = one_shot(client, live_ids)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    for row in rows:
        text, live = row["answer"].text, row["live"]
        shot = texts.get(live.get("job"))
        row["shot"] = shot
        row["wer"] = {
            "live~shot": wer(shot, live["transcript"]) if shot and "transcript" in live else None,
            "live": wer(text, live["transcript"]) if "transcript" in live else None,
            "shot": wer(text, shot) if shot else None,
            "ptt": wer(text, row["ptt"]["transcript"]) if "transcript" in row["ptt"] else None,
        }
    report(models, rows, time.monotonic() - began, (*load, *os.getloadavg()), show)
    if save is not None:
        with save.open("a") as out:
            for row in rows:
                a = row["answer"]
                said = {"group": a.group, "text": a.text, "s": a.seconds, "finished": a.finished}
                out.write(json.dumps({**row, "models": models, "answer": said}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["synthetic", "tiny"])
    parser.add_argument("--count", type=int, default=4, help="answers per group (default 4)")
    parser.add_argument("--log", type=Path, help="write the stack's output here")
    parser.add_argument("--show", action="store_true", help="print each answer's transcripts")
    parser.add_argument("--save", type=Path, help="append each answer's row here (JSON lines)")
    args = parser.parse_args()
    for models in args.models:
        folder = str(TINY) if models == "tiny" and TINY.is_dir() else models
        run(folder, args.count, args.log, args.show, args.save)


if __name__ == "__main__":
    main()
