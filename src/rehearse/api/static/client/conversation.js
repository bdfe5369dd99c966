// Conversation mode's transport: the microphone through pcm-worklet.js to the live socket
// (`WS /v1/interviews/{id}/live`), the server's messages back. One microphone for the whole
// conversation: a reconnect keeps it, as the candidate's voice goes on.
import { withToken } from "./api.js";

const CONSTRAINTS = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
};
const START_WAIT_MS = 1500;

export class TalkError extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

export class Conversation {
  // `onMessage(message)` per server message, `onLevel(rms)` per 40 ms frame, `onClose(code)`
  // when the socket closed without `close()` being called.
  constructor(interviewId, { onMessage, onLevel, onClose }) {
    Object.assign(this, { interviewId, onMessage, onLevel, onClose });
    this.socket = null;
    this.paused = false;
  }

  // The microphone and the worklet; throws a TalkError with the code to show.
  async open() {
    if (typeof AudioWorkletNode === "undefined" || !navigator.mediaDevices?.getUserMedia) {
      throw new TalkError("no_worklet"); // an old browser, or a page not served securely
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia(CONSTRAINTS);
    } catch (error) {
      const missing = error.name === "NotFoundError" || error.name === "OverconstrainedError";
      throw new TalkError(missing ? "mic_missing" : "mic_denied");
    }
    try {
      this.context = new AudioContext();
      await this.context.audioWorklet.addModule("/client/pcm-worklet.js");
      const node = new AudioWorkletNode(this.context, "pcm-frames", {
        numberOfOutputs: 0,
        channelCount: 1,
        channelCountMode: "explicit",
      });
      node.port.onmessage = ({ data }) => this.#frame(data);
      this.context.createMediaStreamSource(this.stream).connect(node);
    } catch {
      this.close();
      throw new TalkError("no_worklet");
    }
    // Without a click on this page yet, the browser keeps audio suspended.
    const wait = new Promise((resolve) => setTimeout(resolve, START_WAIT_MS));
    if (this.context.state !== "running") await Promise.race([this.context.resume(), wait]);
    if (this.context.state !== "running") {
      this.close();
      throw new TalkError("talk_blocked");
    }
  }

  // (Re)opens the socket; frames go out once it is open (the server says `ready`).
  connect() {
    const url = new URL(withToken(`/v1/interviews/${this.interviewId}/live`), location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => {
      if (typeof event.data === "string") this.onMessage(JSON.parse(event.data));
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return; // closed on purpose, or replaced
      this.socket = null;
      this.onClose(event.code);
    };
    this.socket = socket;
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  #frame({ pcm, rms }) {
    this.onLevel(rms);
    // Paused, nothing leaves the page (the server would ignore it anyway).
    if (!this.paused && this.socket?.readyState === WebSocket.OPEN) this.socket.send(pcm);
  }

  close() {
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.context?.close().catch(() => {});
    this.stream = this.context = null;
  }
}
