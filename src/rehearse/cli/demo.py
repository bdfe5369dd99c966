"""`rehearse demo`: one interview turn against a running stack, with a bundled sample answer."""

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ASSETS = Path(__file__).parent / "assets"
DEFAULT_URL = "http://127.0.0.1:8000"


class ApiError(Exception):
    """The api answered with an error body: `{"error": {"code", "message"}}`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"the api answered {status} {code}: {message}")


def _raise_api_error(response: httpx.Response) -> None:
    """Response hook: an error answer raises ApiError with the api's own code and message."""
    if response.is_success:
        return
    response.read()
    try:
        error = response.json()["error"]
        code, message = error["code"], error["message"]
    except (ValueError, KeyError, TypeError):
        code, message = "http_error", response.text[:200] or response.reason_phrase
    raise ApiError(response.status_code, code, message)


def _audio_path(out: Path, interview_id: str, suffix: str) -> Path:
    """`--out`: a file, or a folder to name the file in when it is an existing folder."""
    if out.is_dir():
        return out / f"next-question-{interview_id}{suffix}"
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _wait(client: httpx.Client, job_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "canceled"):
            if job["status"] != "succeeded":
                error = job["error"] or {}
                raise SystemExit(
                    f"error: job {job_id} {job['status']}: "
                    f"{error.get('code')}: {error.get('message')}"
                )
            return job
        time.sleep(0.5)
    raise SystemExit(f"job {job_id} did not finish within {timeout:.0f} s")


def _follow(client: httpx.Client, job_id: str) -> None:
    """Print the turn's stages live from its event stream."""
    tokens = 0
    with client.stream("GET", f"/v1/jobs/{job_id}/events", timeout=None) as response:
        for line in response.iter_lines():
            if not line.startswith("data: "):
                continue
            event = json.loads(line[6:])
            if event["type"] == "stage":
                print(f"  [{event['stage']}] {event['state']}", flush=True)
            elif event["type"] == "token":
                tokens += 1
            elif event["type"] == "done":
                print(f"  done: {event['status']} ({tokens} tokens streamed)")


def run_demo(url: str, key: str, answer: Path, out: Path, language: str, timeout: float) -> int:
    """Start an interview, answer its first question, print what came back."""
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(
        base_url=url, headers=headers, timeout=60, event_hooks={"response": [_raise_api_error]}
    ) as client:
        body = {
            "resume": (ASSETS / "sample_resume_ko.txt").read_text(encoding="utf-8"),
            "job_posting": (ASSETS / "sample_posting_ko.txt").read_text(encoding="utf-8"),
            "language": language,
            "max_questions": 3,
        }
        started = client.post("/v1/interviews", json=body)
        interview_id = started.json()["id"]
        print(f"interview {interview_id}: preparing the opening question...")
        opening = _wait(client, started.json()["job_id"], timeout)["result"]
        print(f"opening question: {opening['question']}")

        files = {"file": (answer.name, answer.read_bytes(), "audio/mpeg")}
        turn = client.post(f"/v1/interviews/{interview_id}/answers", files=files)
        print(f"answering with {answer} (turn job {turn.json()['job_id']}):")
        _follow(client, turn.json()["job_id"])
        result = _wait(client, turn.json()["job_id"], timeout)["result"]

        print(f"\ntranscript: {result['transcript']}")
        print(f"feedback:   {json.dumps(result['feedback'], ensure_ascii=False, indent=2)}")
        print(f"next question: {result['next_question']}")
        if result["audio_artifact_id"]:
            audio = client.get(f"/v1/artifacts/{result['audio_artifact_id']}")
            suffix = ".wav" if "wav" in audio.headers["content-type"] else ".mp3"
            path = _audio_path(out, interview_id, suffix)
            path.write_bytes(audio.content)
            print(f"spoken next question saved to {path}")
    return 0


def main(args: Any) -> int:
    answer = Path(args.answer) if args.answer else ASSETS / "sample_answer_ko.mp3"
    url = args.url or os.environ.get("REHEARSE_API_URL") or DEFAULT_URL
    key = args.key or os.environ.get("REHEARSE_API_KEY")
    if not key:
        print("error: no API key: pass --key (`rehearse dev` prints one)", file=sys.stderr)
        return 2
    try:
        return run_demo(url, key, answer, Path(args.out), args.language, args.timeout)
    except httpx.ConnectError as exc:
        print(
            f"error: cannot reach the rehearse api at {url} ({exc}).\n"
            "Start the stack first (`make dev`, or `rehearse dev`), or pass --url.",
            file=sys.stderr,
        )
    except ApiError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except httpx.HTTPError as exc:
        print(f"error: {url}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return 1
