// A job's events over SSE, resumed after the last `seq` on every reconnect, `reset`-aware.
import { withToken } from "./api.js";

// Every event type of a job (SSE names each): `delivery` is a turn's, once measured.
const TYPES = "status stage segment token progress audio delivery reset done".split(" ");
const RECONNECT_MS = 1000;
const MAX_FAILURES = 30;

// Calls `onEvent(event)` once per event in order, drops earlier attempts' events after a
// `reset` (calling `onReset`), and resolves with the final status at `done`.
export function followJob(jobId, { onEvent = () => {}, onReset = () => {} } = {}) {
  let lastSeq = 0;
  let attempt = 0;
  let source = null;
  let failures = 0;
  let lastError = null;
  return new Promise((resolve) => {
    const handle = (message) => {
      const event = JSON.parse(message.data);
      failures = 0;
      if (event.seq <= lastSeq) return; // already seen before a reconnect
      lastSeq = event.seq;
      if (event.type === "reset") {
        attempt = event.attempt;
        onReset(event);
        return;
      }
      if (event.attempt !== undefined && event.attempt < attempt && event.type !== "done") return;
      if (event.type === "status" && event.error) lastError = event.error;
      if (event.type === "done") {
        source.close();
        resolve({ ...event, error: event.error ?? lastError });
        return;
      }
      onEvent(event);
    };
    const connect = () => {
      source = new EventSource(withToken(`/v1/jobs/${jobId}/events?after=${lastSeq}`));
      for (const type of TYPES) source.addEventListener(type, handle);
      source.onerror = (message) => {
        // The server's own `error` event: a withdrawn invite ends the follow (reconnecting would
        // only be refused); `events_unavailable` reconnects like a dropped connection.
        const error = message?.data ? JSON.parse(message.data) : null;
        if (error && error.code !== "events_unavailable") {
          source.close();
          resolve({ type: "done", status: "failed", error });
          return;
        }
        // EventSource retries on its own while CONNECTING; a closed one we reopen, after lastSeq.
        if (source.readyState !== EventSource.CLOSED) return;
        if (++failures > MAX_FAILURES) {
          resolve({ type: "done", status: "failed", error: { code: "network", message: "" } });
        } else {
          setTimeout(connect, RECONNECT_MS);
        }
      };
    };
    connect();
  });
}
