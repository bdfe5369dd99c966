// Conversation mode as the page shows it: where the server's events put the conversation, the
// words heard so far, and the barge-in rule on the microphone's level. No DOM, no socket.

// `state` follows the server: connecting → listening (after `ready`, or speech) → thinking (a
// pause: the candidate may go on) → transcribing (the answer ended) → listening …, finished.
export function newTalk() {
  return {
    state: "connecting",
    transcript: "",
    playing: false, // a question is being played (the page's own)
    paused: false, // the candidate paused (the page's own)
    failed: null, // why the microphone or the socket failed (a code): push-to-talk is offered
    note: null, // "no_speech": the answer ended with nothing heard (the server listens again)
    jobId: null, // the turn job of the answer that ended last
  };
}

// One server message into the model (errors, audio and barge-in are the controller's).
export function applyTalk(talk, message) {
  switch (message.type) {
    case "ready":
      talk.state = "listening";
      talk.transcript = "";
      break;
    case "speech_started":
      talk.state = "listening";
      talk.note = null;
      break;
    case "speech_stopped":
      if (talk.state === "listening") talk.state = "thinking";
      break;
    case "transcript":
      // The words so far; a final one (of an answer that ended) is the turn panel's to show.
      if (!message.final) talk.transcript = message.text;
      break;
    case "turn_ended":
      talk.state = "transcribing";
      talk.jobId = message.job_id;
      break;
    case "finished":
      talk.state = "finished";
      break;
  }
}

// The state shown (`data-state` of the talk-state element): what the candidate should know now.
export function talkState(talk) {
  if (talk.failed) return "off";
  if (talk.paused) return "paused";
  if (talk.playing) return "speaking";
  return talk.state;
}

// Whether the candidate may end the answer by hand now (not while the question plays: speaking
// over it stops it, and then they may).
export function canEnd(talk) {
  const answering = ["listening", "thinking"].includes(talk.state);
  return answering && !talk.failed && !talk.paused && !talk.playing;
}

const LOUD = 0.02; // RMS of a 40 ms frame (full scale 1): speech, not echo or room noise
const WINDOW = 8;
const NEEDED = 5; // 200 ms loud within 320 ms: a voice, not a click or a cough

// The candidate starts speaking over the question: stop it at once, before the server's VAD
// (which needs 250 ms of speech and a round trip) says `barge_in`.
export class BargeIn {
  #recent = [];

  hear(rms) {
    this.#recent.push(rms >= LOUD);
    if (this.#recent.length > WINDOW) this.#recent.shift();
    return this.#recent.filter(Boolean).length >= NEEDED;
  }

  reset() {
    this.#recent = [];
  }
}
