"""The client's event feed in the browser: resumes after the last `seq`, honours `reset`."""

# A stand-in EventSource: the first connection drops after seq 3; the second must ask for
# after=3 and gets a replay from seq 2 (a duplicate), a reset to attempt 2, and `done`.
SCRIPT = """
const done = arguments[arguments.length - 1];
const scripts = [
  [[1, "status", 1, {status: "running"}], [2, "segment", 1, {text: "a"}],
   [3, "token", 1, {text: "{"}], "drop"],
  [[2, "segment", 1, {text: "a"}], [4, "reset", 2, {}], [5, "token", 1, {text: "stale"}],
   [6, "segment", 2, {text: "b"}], [7, "done", 2, {status: "succeeded"}]],
];
const urls = [];
class FakeSource {
  static CONNECTING = 0; static OPEN = 1; static CLOSED = 2;
  constructor(url) {
    urls.push(url);
    this.listeners = {};
    this.readyState = FakeSource.OPEN;
    const script = scripts[urls.length - 1];
    setTimeout(() => {
      for (const step of script) {
        if (this.readyState === FakeSource.CLOSED) return;
        if (step === "drop") { this.readyState = FakeSource.CLOSED; this.onerror?.(); return; }
        const [seq, type, attempt, fields] = step;
        const data = JSON.stringify({seq, type, attempt, ...fields});
        (this.listeners[type] || []).forEach((fn) => fn({data}));
      }
    }, 10);
  }
  addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); }
  close() { this.readyState = FakeSource.CLOSED; }
}
window.EventSource = FakeSource;
import("/client/events.js").then(async ({ followJob }) => {
  const seen = [];
  let resets = 0;
  const end = await followJob("job", {
    onEvent: (e) => seen.push(`${e.seq}:${e.type}`),
    onReset: () => { resets += 1; seen.length = 0; },
  });
  done({seen, resets, urls, status: end.status});
});
"""


def test_a_dropped_stream_resumes_after_the_last_seq_and_a_reset_drops_old_attempts(
    browser, api_base
):
    browser.get(api_base + "/healthz")
    result = browser.execute_async_script(SCRIPT)
    assert [u.split("?")[1].split("&")[0] for u in result["urls"]] == ["after=0", "after=3"]
    assert result["resets"] == 1
    assert result["seen"] == ["6:segment"]  # seq 5 came from attempt 1, after the reset
    assert result["status"] == "succeeded"
