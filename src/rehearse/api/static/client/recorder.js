// The microphone: MediaRecorder with a level meter and elapsed time; one take at a time.

const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4", "audio/webm"];

export class RecorderError extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

export class Recorder {
  constructor({ onLevel = () => {}, onElapsed = () => {} } = {}) {
    this.onLevel = onLevel;
    this.onElapsed = onElapsed;
  }

  async start() {
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
      throw new RecorderError("no_recorder");
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      const missing = error.name === "NotFoundError" || error.name === "OverconstrainedError";
      throw new RecorderError(missing ? "mic_missing" : "mic_denied");
    }
    const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type));
    this.recorder = new MediaRecorder(this.stream, mimeType ? { mimeType } : {});
    this.chunks = [];
    this.recorder.ondataavailable = (event) => event.data.size && this.chunks.push(event.data);
    this.recorder.start(250);
    this.started = performance.now();
    this.#meter();
  }

  // Resolves with the take as a Blob once the recorder has flushed it.
  stop() {
    return new Promise((resolve) => {
      this.recorder.onstop = () => {
        this.#release();
        resolve(new Blob(this.chunks, { type: this.recorder.mimeType || "audio/webm" }));
      };
      this.recorder.stop();
    });
  }

  #meter() {
    this.context = new AudioContext();
    const analyser = this.context.createAnalyser();
    analyser.fftSize = 512;
    this.context.createMediaStreamSource(this.stream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    const tick = () => {
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      for (const value of samples) peak = Math.max(peak, Math.abs(value - 128) / 128);
      this.onLevel(peak);
      this.onElapsed((performance.now() - this.started) / 1000);
      this.frame = requestAnimationFrame(tick);
    };
    tick();
  }

  #release() {
    cancelAnimationFrame(this.frame);
    this.onLevel(0);
    this.context?.close();
    for (const track of this.stream.getTracks()) track.stop();
  }
}

export function extensionOf(type) {
  if (type.includes("ogg")) return "ogg";
  if (type.includes("mp4")) return "m4a";
  return "webm";
}
