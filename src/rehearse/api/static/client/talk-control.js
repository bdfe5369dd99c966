// Conversation mode's actions: a conversation runs while the interview's phase asks for one,
// the server's events fill the model's `talk`, the question's playback is reported and cut
// short when the candidate speaks over it, and the last answer asks for the report.
import { Conversation } from "./conversation.js";
import { apply } from "./live.js";
import { applyTalk, BargeIn, newTalk } from "./talk.js";

const TALKING = new Set(["answering", "processing"]);
const RETRIES = 3;
// Socket closes that another try cannot mend; any other close is retried.
const CLOSED = {
  4401: "unauthorized",
  4403: "forbidden_scope",
  4404: "talk_lost",
  4409: "talk_taken_over",
  1013: "talk_busy",
};

export class TalkControl {
  constructor(controller) {
    this.controller = controller;
    this.conversation = null;
    this.bargeIn = new BargeIn();
    this.retries = 0;
    this.reportAsked = null; // the interview whose report this page asked for by itself
  }

  get model() {
    return this.controller.model;
  }

  // After every change: start or stop the conversation as the phase asks; in conversation
  // mode the last answer leads to the report with no click.
  sync() {
    const { model } = this;
    const talking = model.mode === "talk" && model.interview?.status === "active";
    if (talking && TALKING.has(model.phase)) {
      if (!model.talk) this.start();
      return;
    }
    if (model.talk) this.stop();
    // Not from inside a redraw: asking starts one.
    if (talking && model.phase === "answered") queueMicrotask(() => this.#askReport());
  }

  async start() {
    const talk = (this.model.talk = newTalk());
    const conversation = new Conversation(this.model.interview.id, {
      onMessage: (message) => this.#message(message),
      onLevel: (rms) => this.#level(rms),
      onClose: (code) => this.#closed(code),
    });
    this.conversation = conversation;
    try {
      await conversation.open();
    } catch (error) {
      if (this.model.talk === talk) this.#fail(error.code);
      return;
    }
    if (this.model.talk !== talk) return conversation.close(); // stopped meanwhile
    conversation.connect();
  }

  stop() {
    this.conversation?.close();
    this.conversation = null;
    this.model.talk = null;
    this.bargeIn.reset();
  }

  retry() {
    this.stop();
    this.retries = 0;
    this.controller.fail(null); // redraws, and the redraw starts it again
  }

  done() {
    this.conversation?.send({ type: "done" });
  }

  pause(paused) {
    const { talk } = this.model;
    if (!talk || !this.conversation) return;
    talk.paused = this.conversation.paused = paused;
    this.conversation.send({ type: paused ? "pause" : "resume" });
    if (paused) this.controller.view.stopQuestion();
    this.controller.render();
  }

  // The question's <audio> started or stopped playing.
  playback(playing) {
    const { talk } = this.model;
    if (!talk || talk.playing === playing) return;
    talk.playing = playing;
    this.bargeIn.reset();
    this.conversation?.send({ type: "playback", state: playing ? "started" : "ended" });
    this.controller.render();
  }

  #message(message) {
    const { talk } = this.model;
    if (!talk) return;
    this.retries = 0;
    if (message.type === "error") return this.#serverError(message);
    applyTalk(talk, message);
    const { controller } = this;
    if (message.type === "ready" && talk.playing) {
      this.conversation.send({ type: "playback", state: "started" }); // a new socket learns it
    } else if (message.type === "speech_started") {
      // The candidate answers again: a note about the last try has done its job.
      if (["talk", "turn"].includes(this.model.error?.context)) this.model.error = null;
    } else if (message.type === "barge_in") {
      controller.view.stopQuestion();
    } else if (message.type === "audio" && this.model.live?.id === talk.jobId) {
      apply(this.model.live, message); // the next question, as soon as the socket has it
    } else if (message.type === "turn_ended") {
      controller.refresh(this.model.interview.id); // follows the turn job like a sent answer
    } else if (message.type === "finished") {
      this.#askReport();
    }
    controller.render();
  }

  #level(rms) {
    this.controller.view.setTalkLevel(this.model.talk?.paused ? 0 : rms);
    if (this.model.talk?.playing && this.bargeIn.hear(rms)) this.controller.view.stopQuestion();
  }

  // An error about the socket or the answer; a turn that failed says so through its own job.
  // Silence (a long think, or "I'm done" before a word) is no failure: a note says it.
  #serverError({ code }) {
    const { talk } = this.model;
    if (code === "no_speech") talk.note = code;
    else if (talk.state !== "transcribing") return this.controller.fail(code, "talk");
    this.controller.render();
  }

  #closed(code) {
    const { talk } = this.model;
    if (!talk) return;
    if (!CLOSED[code] && this.retries < RETRIES) {
      this.retries += 1;
      talk.state = "connecting";
      this.controller.render();
      const { conversation } = this;
      const again = () => this.conversation === conversation && conversation.connect();
      setTimeout(again, 1000 * this.retries); // unless stopped (or started anew) meanwhile
      return;
    }
    this.#fail(CLOSED[code] ?? "talk_lost");
  }

  #fail(code) {
    this.conversation?.close();
    this.conversation = null;
    this.model.talk.failed = code;
    this.controller.fail(code, "talk");
  }

  #askReport() {
    const { id } = this.model.interview;
    if (this.reportAsked === id) return;
    this.reportAsked = id;
    this.controller.finish("finish");
  }
}
