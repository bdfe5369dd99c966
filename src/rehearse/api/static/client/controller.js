// The interview's controller: asks the server where the interview stands, follows its running
// job, and turns the candidate's actions into calls; the view redraws after every change.
import { call } from "./api.js";
import { pageError } from "./errors.js";
import { followJob } from "./events.js";
import { setLanguage } from "./i18n.js";
import { LateDelivery, showDelivery } from "./late-delivery.js";
import { apply, liveJob, restart } from "./live.js";
import { currentQuestion, KIND_NAMES, phaseOf, runningJob } from "./phases.js";
import { extensionOf, Recorder } from "./recorder.js";
import { TalkControl } from "./talk-control.js";

const SAVED = "rehearse.interview";
const MODE = "rehearse.mode"; // "record" (push-to-talk) or "talk" (conversation), per tab
// Refusals of the answer's file itself: sending it again cannot help.
const BAD_FILE = new Set(["unsupported_media_type", "payload_too_large", "audio_too_long"]);
// Refusals that mean the page is behind the server: show them, then ask where things stand.
const OUT_OF_STEP = new Set([
  "interview_finished",
  "max_questions_reached",
  "turn_in_progress",
  "interview_not_ready",
]);

export class Controller {
  constructor(view) {
    this.view = view;
    this.model = {
      phase: "loading",
      interview: null,
      live: null,
      answer: null,
      elapsed: 0,
      error: null,
      busy: false,
      canStart: true,
      interviewLanguage: "ko",
      languageChosen: false,
      mode: sessionStorage.getItem(MODE) === "talk" ? "talk" : "record",
      talk: null, // the conversation, in conversation mode (talk.js)
    };
    this.recorder = null;
    this.talk = new TalkControl(this);
    this.lateDelivery = new LateDelivery({
      ask: (id) => call("GET", `/v1/interviews/${id}`),
      found: (id, turn) => showDelivery(this.model, id, turn) && this.render(),
    });
    this.loading = null;
    view.bindStart((form) => this.start(form));
    view.bindSetupChange((form) => this.setupChanged(form));
    view.bind("language-select", "change", (e) => this.chooseLanguage(e.target.value));
    view.bind("ui-language", "change", (e) => this.switchLanguage(e.target.value));
    view.bind("record-button", "click", () => this.record());
    view.bind("stop-button", "click", () => this.stop());
    view.bind("send-button", "click", () => this.send());
    view.bind("finish-button", "click", () => this.finish("finish"));
    view.bind("report-button", "click", () => this.finish("report"));
    view.bind("answer-file", "change", (e) => this.pickFile(e.target.files[0]));
    view.bind("error-close", "click", () => this.fail(null));
    view.bind("error-retry", "click", () => this.resume());
    view.bind("print-button", "click", () => window.print());
    view.bindPlay(() => this.fail("autoplay", "question"));
    view.bindMode((mode) => this.chooseMode(mode));
    view.bind("done-button", "click", () => this.talk.done());
    view.bind("pause-button", "click", () => this.talk.pause(!this.model.talk?.paused));
    view.bind("talk-retry", "click", () => this.talk.retry());
    view.bindPlayback((playing) => this.talk.playback(playing));
  }

  render() {
    this.talk.sync();
    this.view.render(this.model);
  }

  // Push-to-talk or conversation: chosen on the form, switched while answering.
  chooseMode(mode) {
    this.model.mode = mode;
    sessionStorage.setItem(MODE, mode);
    if (this.model.error?.context === "talk") this.model.error = null;
    this.render();
  }

  fail(error, context) {
    this.model.error = error ? pageError(error, context) : null;
    this.render();
  }

  // The UI language; the interview's follows it until chosen (by the candidate or the invite).
  switchLanguage(value) {
    const chosen = setLanguage(value);
    if (!this.model.languageChosen) this.model.interviewLanguage = chosen;
    this.render();
  }

  chooseLanguage(value) {
    this.model.interviewLanguage = value;
    this.model.languageChosen = true;
  }

  setupChanged(form) {
    if (this.model.error?.code === "missing_text" && form.resume && form.posting) this.fail(null);
  }

  async start(form) {
    if (!form.resume || !form.posting) return this.fail("missing_text", "setup");
    const body = new FormData();
    body.append("resume", form.resume); // a File keeps its name, a string is the text
    body.append("job_posting", form.posting);
    body.append("language", form.language);
    body.append("max_questions", form.questions);
    this.model.busy = true;
    this.fail(null);
    try {
      const started = await call("POST", "/v1/interviews", body);
      sessionStorage.setItem(SAVED, started.id);
      this.model.busy = false;
      await this.refresh(started.id);
    } catch (error) {
      this.model.busy = false;
      this.fail(error, "setup");
    }
  }

  // Ask the server where the interview stands, show that, and follow its running job through
  // to the next step: after a reload, a send, a finish, a conversation's answer, the same path.
  // One at a time: asked again meanwhile, it asks once more when done.
  async refresh(id) {
    if (this.loading) {
      this.loadAgain = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.loadAgain = false;
        await this.load(id);
      } while (this.loadAgain);
    })();
    try {
      await this.loading;
    } finally {
      this.loading = null;
    }
  }

  async load(id) {
    const seen = new Set();
    for (;;) {
      let interview;
      try {
        interview = await call("GET", `/v1/interviews/${id}`);
      } catch (error) {
        if (error.status === 404) return this.forget();
        this.model.phase = "error";
        return this.fail(error, "load");
      }
      const job = this.show(interview);
      if (!job) return this.lateDelivery.check(interview);
      if (seen.has(job.id)) await new Promise((resolve) => setTimeout(resolve, 1000));
      seen.add(job.id);
      await this.follow(job);
    }
  }

  // The interview as the server has it; returns its running job, drawn by `follow` instead.
  show(interview) {
    const before = currentQuestion(this.model.interview, this.model.live);
    this.model.interview = interview;
    this.model.live = null;
    this.model.phase = phaseOf(interview);
    if (interview.status === "failed") {
      sessionStorage.removeItem(SAVED);
      this.model.interview = null;
      this.model.error ??= pageError("start_failed", "start");
    }
    const now = currentQuestion(interview, null);
    if (now?.number !== before?.number) Object.assign(this.model, { answer: null, elapsed: 0 });
    const job = runningJob(interview);
    if (!job) this.render();
    return job;
  }

  async follow(job) {
    const { interview } = this.model;
    const question = job.kind === "interview_turn" ? currentQuestion(interview, null)?.text : null;
    const live = liveJob(job, interview.max_questions, question);
    this.model.live = live;
    this.model.phase = phaseOf({ ...interview, active_job: job });
    this.render();
    const done = await followJob(job.id, {
      onEvent: (event) => {
        apply(live, event);
        this.render();
      },
      onReset: () => {
        restart(live);
        this.render();
      },
    });
    if (done.status !== "succeeded") {
      this.model.error = pageError(done.error ?? done.status, KIND_NAMES[job.kind]);
    }
  }

  forget() {
    sessionStorage.removeItem(SAVED);
    Object.assign(this.model, { interview: null, live: null, phase: "setup" });
    this.render();
  }

  // After a reload: this tab's interview, where it stands.
  resume() {
    const saved = sessionStorage.getItem(SAVED);
    if (!saved) return false;
    this.fail(null);
    this.refresh(saved);
    return true;
  }

  async record() {
    this.fail(null);
    this.model.elapsed = 0;
    this.recorder = new Recorder({
      onLevel: (level) => this.view.setLevel(level),
      onElapsed: (seconds) => {
        this.model.elapsed = seconds;
        this.view.setElapsed(seconds);
      },
    });
    try {
      await this.recorder.start();
    } catch (error) {
      this.recorder = null;
      return this.fail(error, "answer");
    }
    this.model.phase = "recording";
    this.render();
  }

  async stop() {
    if (!this.recorder) return;
    const blob = await this.recorder.stop();
    this.recorder = null;
    this.model.answer = { blob, name: `answer.${extensionOf(blob.type)}`, recorded: true };
    this.model.phase = "answering";
    this.render();
  }

  pickFile(file) {
    if (!file) return;
    this.model.answer = { blob: file, name: file.name };
    this.fail(null);
  }

  async send() {
    const { interview, answer } = this.model;
    const body = new FormData();
    body.append("file", answer.blob, answer.name);
    this.model.busy = true;
    this.fail(null);
    try {
      const accepted = await call("POST", `/v1/interviews/${interview.id}/answers`, body);
      Object.assign(this.model, { answer: null, elapsed: 0, busy: false });
      const job = { id: accepted.job_id, kind: "interview_turn", number: accepted.number };
      await this.follow(job);
    } catch (error) {
      this.model.busy = false;
      if (BAD_FILE.has(pageError(error).code)) this.model.answer = null;
      this.fail(error, "answer");
      if (!OUT_OF_STEP.has(this.model.error.code)) return;
    }
    await this.refresh(interview.id);
  }

  // Finish the interview, or ask again for a report that was not written: the same call.
  async finish(context) {
    const { id } = this.model.interview;
    this.model.busy = true;
    this.fail(null);
    try {
      await call("POST", `/v1/interviews/${id}/finish`);
    } catch (error) {
      this.fail(error, context);
      if (!OUT_OF_STEP.has(this.model.error.code)) {
        this.model.busy = false;
        return this.render();
      }
    }
    this.model.busy = false;
    await this.refresh(id);
  }
}
