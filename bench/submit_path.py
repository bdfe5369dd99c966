"""The submit path against its anchors, side by side in one run (figures, no pass/fail).

    PYTHONPATH=src:. python bench/submit_path.py [--seconds 6] [--clients 16,64] [--turns 40]

Starts its own Redis, PostgreSQL (as the tests do), one api process and, for the round trip,
one gpu worker on the synthetic models. Prints:
- accepted `POST /v1/jobs/chat` per second at each client count, against `GET /healthz` on the
  same api and raw Celery `send_task` per second from one process (ratio = chat / send_task);
- submit → `done` of a 1-token chat, against a raw Celery round trip (`delay().get()` of a
  task that returns its argument, on a solo worker of its own), two ways: the POST then the
  job's events WebSocket (a client following progress), and one POST with `Prefer: wait` (a
  client that wants the answer). Each also less the job's `run_ms` (the model call, timed by
  the worker): the overhead, what the system adds to the work. The three are interleaved, so
  the machine's other load moves them together.
Each client uses its own key, and queued jobs are cleared between rounds. Admission runs (its
limits stay on, the statement counts as it always does) but refuses nothing: a round queues
thousands of jobs per key, so both limits are raised far above that (at the default 200 per
key, 16 keys cap a 3 s round at ~1067 accepted/s, whatever the api could do; a refusal is
printed). The machine's other load moves the absolute figures: compare the ratios, and compare
two commits by running them alternately within minutes (`git archive <commit> | tar -x -C
DIR`, then this script from DIR). Figures and where the time goes: docs/observability.md,
"The submit path".
"""

import argparse
import asyncio
import gc
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from celery import Celery

ROOT = Path(__file__).resolve().parents[1]
CHAT = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 1, "temperature": 0}
RAW_QUEUE = "bench_raw"
SETTLE_S = 0.05
"""The pause before each round trip measured "after a pause"."""

raw = Celery("bench", broker=os.environ.get("BENCH_REDIS_URL"))
raw.conf.update(result_backend=os.environ.get("BENCH_REDIS_URL"), task_default_queue=RAW_QUEUE)


@raw.task(name="bench.echo")
def echo(value: int) -> int:
    return value


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def load(
    base: str, path: str, keys: list[str], seconds: float
) -> tuple[float, list[float], int]:
    """Requests/s answered 2xx by `len(keys)` keep-alive clients, their latencies (ms), and
    how many were answered otherwise (a refusal would cap the rate: there should be none).

    A bare HTTP/1.1 client on asyncio streams: a few microseconds per request, so the api,
    not the load generator, sets the pace on a small machine.
    """
    host, port = base.removeprefix("http://").split(":")
    body = json.dumps(CHAT).encode()
    latencies: list[float] = []
    refused = [0]
    connections = [await asyncio.open_connection(host, int(port)) for _ in keys]
    stop = time.perf_counter() + seconds

    async def client(key: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        method = "GET" if path == "/healthz" else "POST"
        head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
        if method == "POST":
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        request = (head + "\r\n").encode() + (body if method == "POST" else b"")
        while time.perf_counter() < stop:
            started = time.perf_counter()
            writer.write(request)
            headers = await reader.readuntil(b"\r\n\r\n")
            length = int(headers.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
            if headers[9:10] == b"2":
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                refused[0] += 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(k, *c) for k, c in zip(keys, connections, strict=True)))
    return len(latencies) / (time.perf_counter() - started), latencies, refused[0]


def send_rate(app: Celery, seconds: float) -> float:
    """Raw `send_task` calls per second from this one process, to a queue nobody consumes."""
    app.send_task("bench.echo", args=(0,), queue=RAW_QUEUE + "_idle")  # connect first
    count, stop = 0, time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < stop:
        app.send_task("bench.echo", args=(count,), queue=RAW_QUEUE + "_idle")
        count += 1
    return count / (time.perf_counter() - started)


def clear_queued(database_url: str, redis_url: str) -> None:
    """Cancel what the throughput rounds left queued and drop their broker messages."""
    import psycopg
    import redis

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE jobs SET status = 'canceled' WHERE status = 'queued'")
    client = redis.Redis.from_url(redis_url)
    for queue in ("gpu", "cpu", RAW_QUEUE + "_idle", *client.keys("gpu*")):
        client.delete(queue)


class BareHttp:
    """A kept-alive HTTP/1.1 connection with next to no client cost, so the round trips time
    the system, not an HTTP library (the anchor's client is Celery's own)."""

    def __init__(self, base: str, key: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")
        self.head = f"Host: {host}\r\nAuthorization: Bearer {key}\r\n"

    def request(self, method: str, path: str, body: dict | None = None, **headers: str):
        """(status, parsed JSON body) of one request on the connection."""
        data = json.dumps(body).encode() if body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\n{self.head}"
        head += "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        self.sock.sendall((head + "\r\n").encode() + data)
        status = int(self.file.readline().split()[1])
        length = 0
        while (line := self.file.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return status, json.loads(self.file.read(length)) if length else None


def ws_trip(http: BareHttp, base: str, key: str) -> tuple[float, str]:
    """Milliseconds from POSTing a 1-token chat to its `done` event on a WebSocket opened for
    the job, as a client following progress does; and the job's id."""
    from websockets.sync.client import connect

    started = time.perf_counter()
    _, job = http.request("POST", "/v1/jobs/chat", CHAT)
    url = base.replace("http", "ws") + f"/v1/jobs/{job['id']}/events?access_token={key}"
    with connect(url) as ws:
        while json.loads(ws.recv())["type"] != "done":
            pass
    return (time.perf_counter() - started) * 1000, job["id"]


def wait_trip(http: BareHttp) -> tuple[float, dict]:
    """Milliseconds from POSTing a 1-token chat with `Prefer: wait` to its finished job in
    the answer (one exchange); and that job."""
    started = time.perf_counter()
    status, job = http.request("POST", "/v1/jobs/chat", CHAT, Prefer="wait=30")
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200 or job["status"] != "succeeded":
        raise RuntimeError(f"Prefer: wait answered {status}: {job}")
    return elapsed, job


def run_ms(job: dict) -> float:
    """The job's own work as its worker timed it (the model call), not the system's."""
    return float(job["timings"].get("run_ms", 0))


def line(name: str, values: list[float], anchor: float | None = None) -> str:
    text = f"{name:34} median {statistics.median(values):7.1f} ms  p50 {pct(values, 0.5):7.1f}"
    text += f"  p95 {pct(values, 0.95):7.1f}"
    return text + (f"  x{statistics.median(values) / anchor:.2f}" if anchor else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--clients", default="16,64")
    parser.add_argument("--turns", type=int, default=40)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests import servers, stack

    tmp = Path(tempfile.mkdtemp(prefix="rehearse-bench-"))
    with servers.services(tmp) as (redis_url, database_url):
        run(args, tmp, redis_url, database_url, stack)


def run(args: argparse.Namespace, tmp: Path, redis_url: str, database_url: str, stack) -> None:
    import psycopg
    from psycopg.rows import dict_row

    from rehearse.cli.synthetic import write_models
    from rehearse.storage.api_keys import create_key
    from rehearse.storage.migrate import migrate

    migrate(database_url)
    env = {
        **os.environ,
        **write_models(tmp / "models", ("llama",)),
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url,
        "MAX_QUEUED_JOBS": "1000000",
        "MAX_QUEUED_JOBS_PER_KEY": "1000000",
        "PYTHONUNBUFFERED": "1",
        "BENCH_REDIS_URL": redis_url,
    }
    clients = [int(c) for c in args.clients.split(",")]
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        keys = [create_key(conn, f"bench-{i}")[1] for i in range(max(clients))]
    raw.conf.update(broker_url=redis_url, result_backend=redis_url)
    api, base = stack.api(env, tmp)
    procs = [api]
    try:
        asyncio.run(load(base, "/v1/jobs/chat", keys[:4], 1.0))  # warm-up
        clear_queued(database_url, redis_url)
        # The anchor is as noisy as what it anchors: measured around every round, averaged.
        sends = [send_rate(raw, args.seconds / 2)]
        rounds = []
        for n in clients:
            health, _, _ = asyncio.run(load(base, "/healthz", keys[:n], args.seconds))
            chat, lat, refused = asyncio.run(load(base, "/v1/jobs/chat", keys[:n], args.seconds))
            clear_queued(database_url, redis_url)
            sends.append(send_rate(raw, args.seconds / 2))
            rounds.append((n, chat, lat, refused, health))
        send = statistics.mean(sends)
        print(
            f"raw send_task from one process: {send:7.0f}/s ("
            + ", ".join(f"{s:.0f}" for s in sends)
            + ")"
        )
        for n, chat, lat, refused, health in rounds:
            print(
                f"{n:3} clients: chat accepted {chat:6.0f}/s (p50 {pct(lat, 0.5):5.1f} ms,"
                f" p95 {pct(lat, 0.95):5.1f} ms)  /healthz {health:6.0f}/s"
                f"  chat/send_task x{chat / send:.2f}  chat/healthz x{chat / health:.2f}"
                + (f"  REFUSED {refused}" if refused else "")
            )
        procs.append(stack.worker("gpu", env, tmp))
        procs.append(raw_worker(env, tmp))
        http = BareHttp(base, keys[0])
        for _ in range(5):  # warm-up: first loads and connections
            ws_trip(http, base, keys[0])
            wait_trip(http)
            echo.delay(0).get(timeout=30)
        # Interleaved, so the three see the same machine (its other load moves all of them).
        # Twice: back to back (a steady stream of requests), and each from an idle system (a
        # request after a pause: every process it crosses wakes up first, so a path through
        # more processes pays more; nor does a job's tail, its ack and the worker's next pick
        # of queues, run into the next trip).
        for mode, settle_s in (("back to back", 0.0), ("after a pause", SETTLE_S)):
            raws, ws, ws_work, waits, wait_work = [], [], [], [], []
            for i in range(args.turns):
                time.sleep(settle_s)
                started = time.perf_counter()
                echo.delay(i).get(timeout=30)
                raws.append((time.perf_counter() - started) * 1000)
                time.sleep(settle_s)
                elapsed, job_id = ws_trip(http, base, keys[0])
                ws.append(elapsed)
                ws_work.append(elapsed - run_ms(http.request("GET", f"/v1/jobs/{job_id}")[1]))
                time.sleep(settle_s)
                elapsed, job = wait_trip(http)
                waits.append(elapsed)
                wait_work.append(elapsed - run_ms(job))
            anchor = statistics.median(raws)
            gc.collect()  # results live in reference cycles: let them unsubscribe while Redis runs
            print(f"round trips, {mode}:")
            print(line("raw Celery round trip", raws))
            print(line("submit -> done (WS)", ws, anchor))
            print(line("  less the job's run_ms", ws_work, anchor))
            print(line("submit -> done (Prefer: wait)", waits, anchor))
            print(line("  less the job's run_ms", wait_work, anchor))
    finally:
        for proc in reversed(procs):
            proc.stop()


CELERY = [sys.executable, "-m", "celery", "-A", "submit_path:raw", "worker"]


class RawWorker:
    """A plain Celery worker of this module's `echo` task: the anchor's other end."""

    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.log_path = tmp / "raw-worker.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [*CELERY, "--pool=solo", "-Q", RAW_QUEUE, "--loglevel=INFO"],
                env={**env, "PYTHONPATH": f"{ROOT / 'bench'}:{env.get('PYTHONPATH', '')}"},
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT / "bench",
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 60) -> "RawWorker":
        deadline = time.monotonic() + timeout
        while b" ready." not in self.log_path.read_bytes():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(self.log_path.read_text()[-2000:])
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(15)


def raw_worker(env: dict[str, str], tmp: Path) -> RawWorker:
    return RawWorker(env, tmp).wait_ready()


if __name__ == "__main__":
    main()
