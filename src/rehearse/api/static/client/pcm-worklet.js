// Conversation mode's microphone tap, on the audio thread: the input downsampled to 16 kHz mono
// and posted as frames of signed 16-bit PCM (what the live socket takes), each with its level.

const RATE = 16000;
const FRAME = 640; // 40 ms: small enough to notice a barge-in soon, large enough to be cheap

class PcmFrames extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / RATE; // input samples per output sample: 3 at 48 kHz
    this.phase = 0;
    this.sum = 0;
    this.count = 0;
    this.frame = new Int16Array(FRAME);
    this.filled = 0;
    this.energy = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels?.length) return true; // no input yet (the track is starting)
    const length = channels[0].length;
    for (let i = 0; i < length; i++) {
      let sample = 0;
      for (const channel of channels) sample += channel[i];
      // A box filter over each output sample's span: averaging is the anti-aliasing, cheap and
      // enough for speech going to a speech model.
      this.sum += sample / channels.length;
      this.count++;
      this.phase += 1;
      if (this.phase >= this.step) {
        this.phase -= this.step;
        this.#push(this.sum / this.count);
        this.sum = 0;
        this.count = 0;
      }
    }
    return true;
  }

  #push(value) {
    const clamped = Math.max(-1, Math.min(1, value));
    this.frame[this.filled++] = Math.round(clamped * 32767);
    this.energy += clamped * clamped;
    if (this.filled < FRAME) return;
    const rms = Math.sqrt(this.energy / FRAME);
    const pcm = this.frame.buffer;
    this.port.postMessage({ pcm, rms }, [pcm]);
    this.frame = new Int16Array(FRAME);
    this.filled = 0;
    this.energy = 0;
  }
}

registerProcessor("pcm-frames", PcmFrames);
