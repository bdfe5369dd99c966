"""What conversation-mode browser tests share: the fake microphone's WAV, the page's talk state,
and a record of what the live socket said and when the question played."""

import contextlib
import wave
from pathlib import Path

from tests import live
from tests.client.pages import by_id, page_script, wait

# Installed before the page's own scripts: every JSON message of every WebSocket the page opens,
# with the page's clock (performance.now(), ms), and the sockets (a test may drop one).
LIVE_LOG = """
window.liveLog = [];
window.liveSockets = [];
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
  constructor(...args) {
    super(...args);
    window.liveSockets.push(this);
    this.addEventListener('message', (e) => {
      if (typeof e.data === 'string') {
        window.liveLog.push({...JSON.parse(e.data), t: performance.now()});
      }
    });
  }
};
"""

# Installed once the page has loaded: each state the conversation panel shows, and the
# question's playback (its artifact, when it started, paused or ended, where it stood).
TALK_LOG = """
window.talkLog = [];
window.playLog = [];
new MutationObserver(() => {
  const state = document.querySelector('[data-testid=talk-state]').dataset.state;
  if (state && window.talkLog.at(-1)?.state !== state) {
    window.talkLog.push({state, t: performance.now()});
  }
}).observe(document.querySelector('[data-testid=talk-state]'), {attributes: true});
const player = document.querySelector('[data-testid=question-audio]');
for (const type of ['playing', 'pause', 'ended']) {
  player.addEventListener(type, () => window.playLog.push({
    type, id: player.dataset.artifactId, at: player.currentTime, duration: player.duration,
    t: performance.now(),
  }));
}
"""


def mic_wav(path: Path, *parts: str | float) -> Path:
    """A 16 kHz WAV of `parts`: a string is spoken by espeak-ng (English), a number is silence."""
    pcm = b"".join(live.silence(p) if isinstance(p, float | int) else live.speech(p) for p in parts)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(live.RATE)
        out.writeframes(pcm)
    return path


def recording_live(browser) -> contextlib.AbstractContextManager:
    """Pages opened inside keep `window.liveLog` of the live socket's messages."""
    return page_script(browser, LIVE_LOG)


def talk_state(browser) -> str:
    return by_id(browser, "talk-state").get_attribute("data-state") or ""


def wait_talk(browser, *states: str, timeout: float = 120) -> str:
    """Wait until the conversation panel shows one of `states`; returns it."""
    wait(browser, lambda: talk_state(browser) in states, timeout)
    return talk_state(browser)


def logs(browser) -> dict[str, list[dict]]:
    return browser.execute_script(
        "return {live: window.liveLog, talk: window.talkLog, play: window.playLog}"
    )


def messages(browser, type_: str) -> list[dict]:
    return [m for m in browser.execute_script("return window.liveLog") if m["type"] == type_]
