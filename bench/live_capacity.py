"""One api process holding its cap of live sockets: does it keep serving HTTP?

    python bench/live_capacity.py [--sockets 32] [--seconds 20]

Runs `rehearse dev` on the synthetic models, starts `--sockets` interviews, opens one
conversation-mode socket per interview and streams 40 ms PCM frames into every socket at
real-time pace (speech-like audio and silence, as a microphone would: every frame is judged by
the voice layer in the api process). Meanwhile it times `GET /healthz` and `GET
/v1/interviews/{id}` against the same api, and the same requests with no socket open (the
anchor, same run). Prints medians and p95/p99 of both, the frames sent per second, and the api
process's CPU share while streaming. No pass/fail.
"""

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import websockets.sync.client as ws_client

from bench.report_rate import drain
from bench.turn_latency import POSTING, RESUME, dev_stack, wait_job

RATE, FRAME_S = 16_000, 0.04


def microphone(seconds: float) -> bytes:
    """Bursts of a voiced, syllable-like signal between silences, as PCM s16le 16 kHz."""
    t = np.arange(int(seconds * RATE)) / RATE
    voiced = sum(np.sin(2 * np.pi * k * 140 * t) / k for k in range(1, 12))
    envelope = (np.sin(2 * np.pi * 4 * t) > 0) * (np.sin(2 * np.pi * 0.25 * t) > 0)
    return (0.3 * 32767 * voiced / 4 * envelope).astype("<i2").tobytes()


def stream(url: str, audio: bytes, until: float, sent: list[int]) -> None:
    step = int(FRAME_S * RATE) * 2
    with ws_client.connect(url, max_size=None) as socket:
        socket.recv(timeout=30)  # ready
        began, index = time.monotonic(), 0
        while time.monotonic() < until:
            start = (index * step) % len(audio)
            socket.send(audio[start : start + step])
            sent[0] += 1
            index += 1
            wait = began + index * FRAME_S - time.monotonic()
            if wait > 0:
                time.sleep(wait)


def probe(client: httpx.Client, interview_id: str, seconds: float) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"healthz": [], "interview": []}
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        for name, path in (
            ("healthz", "/healthz"),
            ("interview", f"/v1/interviews/{interview_id}"),
        ):
            began = time.perf_counter()
            assert client.get(path).status_code == 200
            times[name].append((time.perf_counter() - began) * 1000)
        time.sleep(0.05)
    return times


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks of 10 ms


def api_pid(dev_pid: int) -> int:
    """The `rehearse api` child of `rehearse dev`."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == dev_pid and b"api" in cmd:
                return int(proc.name)
    raise SystemExit("no api process under rehearse dev")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rehearse-bench-") as data_dir:
        proc, base, key = dev_stack("synthetic", Path(data_dir))
        # Its log goes on: read it, or the pipe fills and the stack stops at its next line.
        threading.Thread(target=drain, args=(proc.stdout, None), daemon=True).start()
        try:
            run(proc.pid, base, key, args.sockets, args.seconds)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def run(dev_pid: int, base: str, key: str, sockets: int, seconds: float) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    body = {"resume": RESUME, "job_posting": POSTING, "language": "en", "max_questions": 3}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        started = [client.post("/v1/interviews", json=body).json() for _ in range(sockets)]
        for one in started:
            if wait_job(client, one["job_id"])["status"] != "succeeded":
                raise SystemExit("an interview did not start")
        idle = probe(client, started[0]["id"], seconds / 2)
        api = api_pid(dev_pid)
        audio, sent = microphone(8.0), [0]
        until = time.monotonic() + seconds
        ws_base = base.replace("http", "ws", 1)
        threads = [
            threading.Thread(
                target=stream,
                args=(
                    f"{ws_base}/v1/interviews/{one['id']}/live?access_token={key}",
                    audio,
                    until,
                    sent,
                ),
                daemon=True,
            )
            for one in started
        ]
        for thread in threads:
            thread.start()
        time.sleep(2)  # every socket open and streaming
        cpu_before, wall_before = cpu_seconds(api), time.monotonic()
        busy = probe(client, started[0]["id"], seconds - 4)
        cpu_share = (cpu_seconds(api) - cpu_before) / (time.monotonic() - wall_before)
        for thread in threads:
            thread.join()
    print(
        f"{sockets} live sockets, 40 ms frames at real-time pace, {seconds:g} s (synthetic models)"
    )
    print(
        f"frames sent: {sent[0]} ({sent[0] / seconds:.0f}/s); api process CPU while streaming: "
        f"{cpu_share * 100:.0f} % of one core"
    )
    print(f"{'request':<12}{'sockets':>8}{'n':>6}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}")
    for name in ("healthz", "interview"):
        for label, times in (("0", idle[name]), (str(sockets), busy[name])):
            print(
                f"{name:<12}{label:>8}{len(times):>6}{statistics.median(times):>11.1f}"
                f"{pct(times, 0.95):>9.1f}{pct(times, 0.99):>9.1f}"
            )


if __name__ == "__main__":
    main()
