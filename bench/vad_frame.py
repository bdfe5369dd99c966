"""What listening costs the api: time per frame through the VAD and end-of-turn rule, streams a
core sustains in real time, and what importing the voice package adds.

    python bench/vad_frame.py [--seconds 60]

Feeds espeak-ng answers with pauses spliced in (about half speech), cut into 20, 30 and 100 ms
frames as a browser sends them, through one `TurnListener` (StreamingVad + EndOfTurn). Prints,
per frame size, the median and p99 wall and CPU time of a frame, scaled to 30 ms of audio, and
the CPU time per second of audio, whose inverse is the streams one core keeps up with. Wall p99
includes waiting for a core on a busy machine; CPU time does not. No pass/fail.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

import numpy as np

from rehearse.engines import audio_encode, espeak

RATE = 16000
ANSWERS = [
    ("en", "I led the backend team for three years, and we rebuilt the billing system."),
    ("ko", "저는 삼 년 동안 작은 회사에서 백엔드 팀을 이끌었습니다."),
    ("en", "The hardest part was the migration, because nobody owned the old code."),
]

# A fresh interpreter with what the api imports anyway (numpy, pydantic, the settings), then the
# voice package: the difference is onnxruntime and the voice modules.
IMPORT_PROBE = """
import json, time
import numpy, rehearse.base.settings
def rss_kib():
    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1])
before = rss_kib(); t0 = time.perf_counter()
from rehearse.voice.listener import TurnListener
t1 = time.perf_counter(); imported = rss_kib()
listener = TurnListener()
t2 = time.perf_counter(); loaded = rss_kib()
listener.feed(bytes(32000))
print(json.dumps({"import_s": t1 - t0, "session_s": t2 - t1,
                  "import_mib": (imported - before) / 1024,
                  "session_mib": (loaded - imported) / 1024,
                  "first_feed_mib": (rss_kib() - loaded) / 1024}))
"""


def answers_with_pauses(seconds: float) -> np.ndarray:
    """The answers in turn, each followed by 1.5 s of silence, repeated to `seconds`."""
    pieces = []
    for language, text in ANSWERS:
        pcm, rate = espeak.synthesize(text, language)
        pieces += [audio_encode.resample(pcm, rate, RATE), np.zeros(RATE * 3 // 2, np.int16)]
    once = np.concatenate(pieces).astype(np.int16)
    return np.tile(once, int(np.ceil(seconds * RATE / len(once))))[: int(seconds * RATE)]


def feed_timed(pcm: np.ndarray, frame_ms: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each frame."""
    from rehearse.voice.endpoint import TurnRules
    from rehearse.voice.listener import TurnListener

    # Turns never end on their own here: every frame pays for the whole rule.
    listener = TurnListener(TurnRules(idle_ms=10**9, max_ms=10**9))
    listener.transcript("I led the backend team and")
    data, step = pcm.tobytes(), frame_ms * RATE // 1000 * 2
    walls, cpus = [], []
    for i in range(0, len(data) - step + 1, step):
        t0, c0 = time.perf_counter(), time.thread_time()
        listener.feed(data[i : i + step])
        walls.append(time.perf_counter() - t0)
        cpus.append(time.thread_time() - c0)
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()

    probe = subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True)
    cost = json.loads(probe.stdout)
    print(
        f"import rehearse.voice: {cost['import_s'] * 1000:.0f} ms, +{cost['import_mib']:.1f} MiB;"
        f" ONNX session: {cost['session_s'] * 1000:.0f} ms, +{cost['session_mib']:.1f} MiB;"
        f" first feed +{cost['first_feed_mib']:.1f} MiB"
    )
    pcm = answers_with_pauses(args.seconds)
    feed_timed(pcm[: RATE * 2], 30)  # warm the session
    print(f"{args.seconds:.0f} s of audio per frame size")
    for frame_ms in (20, 30, 100):
        walls, cpus = feed_timed(pcm, frame_ms)
        cpu_per_s = sum(cpus) / (len(cpus) * frame_ms / 1000)
        print(
            f"{frame_ms:>3} ms frames, per 30 ms of audio: wall {spread(walls, frame_ms)}, "
            f"CPU {spread(cpus, frame_ms)}; CPU {cpu_per_s * 1000:.2f} ms per audio second "
            f"= {1 / cpu_per_s:.0f} streams/core"
        )


def spread(seconds: list[float], frame_ms: int) -> str:
    """Median and p99 of a frame's time, scaled to 30 ms of audio."""
    ms = sorted(s * 1000 * 30 / frame_ms for s in seconds)
    return f"median {statistics.median(ms):.3f} ms, p99 {ms[int(0.99 * (len(ms) - 1))]:.3f} ms"


if __name__ == "__main__":
    main()
